#ifndef MASTER_CF_H
#define MASTER_CF_H
/*
 * NAME
 *	master_cf - parse master.cf
 * SUMMARY
 *	struct master_cf *master_cf_read(const char *path, struct vstr *why);
 *	struct master_cf *master_cf_parse(struct linefile *lf,
 *	    struct vstr *why);
 *	struct master_cf *master_cf_reparse(struct master_cf *mc,
 *	    struct vstr *why);
 *	struct master_cf *master_cf_free(struct master_cf *mc);
 *	int master_ent_parse(const char *text, struct master_ent *ent,
 *	    struct vstr *why);
 *	void master_ent_clear(struct master_ent *ent);
 *	struct master_ent *master_cf_find(const struct master_cf *mc,
 *	    const char *name, const char *type);
 *	int master_ent_options(const struct master_ent *ent,
 *	    struct argv *names, struct argv *values, struct vstr *why);
 *	int master_ent_walk_options(const struct master_ent *ent,
 *	    master_opt_fn fn, void *ctx, struct vstr *why);
 * DESCRIPTION
 *	A master.cf entry is one logical line (continuation lines start
 *	with white space; '#' lines are comments) with eight or more
 *	white-space separated fields: service name, type (inet, unix,
 *	unix-dgram, fifo, pass), private, unpriv, chroot (y, n or -),
 *	wakeup (a number, optionally ending in '?', or -), maxproc (a
 *	number or -), and the command with its arguments. Text in braces
 *	("-o { name = value }") is one argument.
 *
 *	master_cf_read() keeps the file's physical lines (for editors) and
 *	the parsed entries with the physical lines they span. Errors name
 *	the file and line. master_cf_parse() does the same for lines in
 *	memory and master_cf_reparse() after an editor changed mc->lf.
 *	master_ent_parse() parses the text of one entry.
 *
 *	master_ent_options() extracts the "-o name=value" and
 *	"-o { name = value }" pairs of an entry's arguments, in order.
 *	master_ent_walk_options() calls fn(name, value, argi, ctx) for each
 *	pair instead; argi is the index in ent->args of the argument that
 *	holds it ("name=value" after "-o", or "-oname=value").
 */
#include <stddef.h>

struct vstr;
struct argv;
struct linefile;

enum master_field {
	MF_NAME,
	MF_TYPE,
	MF_PRIVATE,
	MF_UNPRIV,
	MF_CHROOT,
	MF_WAKEUP,
	MF_MAXPROC,
	MF_COMMAND,
	MF_COUNT
};

struct master_ent {
	char *field[MF_COMMAND]; /* the seven fixed fields */
	struct argv *args;       /* command and arguments */
	size_t first;            /* physical line span */
	size_t last;
};

struct master_cf {
	char *path;
	struct linefile *lf;
	struct master_ent *ents;
	size_t count;
};

extern const char *const master_field_names[MF_COUNT];

extern struct master_cf *master_cf_read(const char *, struct vstr *);
extern struct master_cf *master_cf_parse(struct linefile *, struct vstr *);
extern struct master_cf *master_cf_reparse(struct master_cf *, struct vstr *);
extern struct master_cf *master_cf_free(struct master_cf *);
extern int master_ent_parse(const char *, struct master_ent *, struct vstr *);
extern void master_ent_clear(struct master_ent *);
extern struct master_ent *master_cf_find(const struct master_cf *, const char *,
                                         const char *);
typedef void (*master_opt_fn)(const char *name, const char *value, size_t argi,
                              void *ctx);

extern int master_ent_walk_options(const struct master_ent *, master_opt_fn,
                                   void *, struct vstr *);
extern int master_ent_options(const struct master_ent *, struct argv *,
                              struct argv *, struct vstr *);
extern int master_field_check(int, const char *, struct vstr *);

#endif
