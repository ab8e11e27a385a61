#ifndef MAIL_CONF_H
#define MAIL_CONF_H
/*
 * NAME
 *	mail_conf - main.cf: reading, lookup, expansion, the var_* globals
 * SUMMARY
 *	const char *mail_conf_dir_choose(const char *cmdline_dir,
 *	    bool *explicit);
 *	int mail_conf_load(const char *dir, bool explicit, struct vstr *why);
 *	int mail_conf_load_file(const char *path, struct vstr *why);
 *	const char *mail_conf_dir(void);
 *	const char *mail_conf_path(void);
 *	const struct conf_entry *mail_conf_main_entry(const char *name);
 *	struct conf_entry **mail_conf_main_list(void);
 *	void mail_conf_override(const char *name, const char *value);
 *	void mail_conf_register(const char *name, const char *defval);
 *	const char *mail_conf_registered(const char *name);
 *	void mail_conf_defaults_only(bool on);
 *	const char *mail_conf_raw(const char *name);
 *	int mail_conf_expand(const char *text, struct vstr *out,
 *	    struct vstr *why);
 *	char *mail_conf_eval_name(const char *name);
 *	char *mail_conf_main_eval(const char *name);
 *	int mail_params_init(struct vstr *why);
 * DESCRIPTION
 *	mail_conf_dir_choose() picks the configuration directory: the -c
 *	argument, else $MAIL_CONFIG, else /etc/postfix; *explicit tells
 *	whether it came from -c or the environment.
 *
 *	mail_conf_load() reads DIR/main.cf. Later definitions override
 *	earlier ones (with a warning naming the line); a line that starts
 *	with white space where no logical line began is ignored with a
 *	warning; a line without "name = value" is an error naming file and
 *	line. An explicit directory is recorded as config_directory, as if
 *	main.cf said so. Returns 0, or -1 with the reason in why. Clearing
 *	mail_conf_warn_duplicates silences the "overriding" warning (for
 *	callers that only edit or show defaults).
 *
 *	mail_conf_raw() is the unexpanded value of a name: a -o override,
 *	else main.cf, else the built-in default, else a registered default
 *	(mail_conf_register(): names that exist because of master.cf
 *	services). NULL means undefined. In defaults-only mode main.cf and
 *	overrides are ignored ("postconf -d").
 *
 *	mail_conf_expand() expands $name references in text recursively
 *	through mail_conf_raw() and returns the mac_expand() status.
 *	mail_conf_eval_name() returns the expanded value of a name (the
 *	caller frees it), NULL when undefined; a macro error is fatal.
 *	mail_conf_main_eval() does the same for a value set in main.cf or
 *	by -o only.
 *
 *	mail_params_init() expands (except PF_RAW) and converts every
 *	parameter into its var_* global; a bad value fails with the file,
 *	line and parameter name in why. Debian convention: when myhostname
 *	or myorigin is an absolute path, the first line of that file is the
 *	value.
 */
#include <stdbool.h>

struct vstr;

struct conf_entry {
	char *name;
	char *value;
	int line; /* 0 when not from the file */
};

#define DEF_CONFIG_DIR "/etc/postfix"

extern bool mail_conf_warn_duplicates;

extern const char *mail_conf_dir_choose(const char *, bool *);
extern int mail_conf_load(const char *, bool, struct vstr *);
extern int mail_conf_load_file(const char *, struct vstr *);
extern const char *mail_conf_dir(void);
extern const char *mail_conf_path(void);
extern const struct conf_entry *mail_conf_main_entry(const char *);
extern struct conf_entry **mail_conf_main_list(void);
extern void mail_conf_override(const char *, const char *);
extern void mail_conf_register(const char *, const char *);
extern const char *mail_conf_registered(const char *);
extern void mail_conf_defaults_only(bool);
extern const char *mail_conf_raw(const char *);
extern int mail_conf_expand(const char *, struct vstr *, struct vstr *);
extern char *mail_conf_eval_name(const char *);
extern char *mail_conf_main_eval(const char *);
extern int mail_params_init(struct vstr *);

#endif
