#ifndef SERVER_ARGS_H
#define SERVER_ARGS_H
/*
 * NAME
 *	server_args - the command line master(8) gives a service
 * SUMMARY
 *	int server_args_parse(int argc, char **argv, struct server_args *a,
 *	    struct vstr *why);
 *	void server_args_free(struct server_args *a);
 * DESCRIPTION
 *	server_args_parse() reads the options of mail_server.h:
 *	-n SERVICE, -t TYPE (inet, unix, unix-dgram, fifo, pass; default
 *	unix), -s NSOCK (default 1), -u, -j, -v (repeatable), -o
 *	name=value or -o "{ name = value }" (repeatable, in order), -S
 *	(stand-alone), -c CONFIG_DIR, and the ignored Postfix flags -d,
 *	-D, -l and -z. Flags may be clustered ("-uj") and a value may be
 *	attached ("-nsmtp"). Parsing stops at the first word that is not
 *	an option, or after "--"; the rest is a->rest (NULL-terminated,
 *	pointing into argv). SERVICE defaults to the program name.
 *	It returns 0, or -1 with the reason in why.
 */
#include <stdbool.h>

struct vstr;
struct argv;

enum server_type {
	SERV_TYPE_INET,
	SERV_TYPE_UNIX,
	SERV_TYPE_DGRAM,
	SERV_TYPE_FIFO,
	SERV_TYPE_PASS
};

struct server_args {
	const char *service;
	const char *type_name;
	enum server_type type;
	int nsock;
	bool unpriv;
	bool chroot;
	bool standalone;
	int verbose;
	const char *config_dir;
	struct argv *opt_names; /* -o names, in order */
	struct argv *opt_values;
	char **rest;
	int rest_count;
};

extern int server_args_parse(int, char **, struct server_args *, struct vstr *);
extern void server_args_free(struct server_args *);
extern int server_type_parse(const char *, enum server_type *);

#endif
