#ifndef POSTCONF_H
#define POSTCONF_H
/*
 * NAME
 *	postconf - internal interfaces of the postconf command
 * DESCRIPTION
 *	postconf.c parses the command line and dispatches; the other files
 *	each implement one family of options:
 *
 *	postconf_print.c	"name = value" output: whitespace
 *				normalization, -h, -f folding at 80 columns.
 *	postconf_main.c	main.cf listings (default, -n, -d, -x) and the
 *				"unused parameter" and "unknown parameter"
 *				warnings.
 *	postconf_edit.c	main.cf edits: -e, -X, -#.
 *	postconf_master.c	master.cf: -M, -F, -P and their edits.
 *	postconf_service.c	parameters that master.cf services create
 *				(transport_destination_concurrency_limit ...).
 */
#include <stdbool.h>
#include <stddef.h>

struct vstr;
struct argv;
struct master_cf;

/* Mode bits from the command line. */
#define PC_SHOW_DEFS (1 << 0)   /* -d */
#define PC_SHOW_NONDEF (1 << 1) /* -n */
#define PC_HIDE_NAME (1 << 2)   /* -h */
#define PC_EXPAND (1 << 3)      /* -x */
#define PC_FOLD (1 << 4)        /* -f */
#define PC_EDIT (1 << 5)        /* -e */
#define PC_REMOVE (1 << 6)      /* -X */
#define PC_COMMENT (1 << 7)     /* -# */
#define PC_MASTER (1 << 8)      /* -M */
#define PC_FIELDS (1 << 9)      /* -F */
#define PC_PARAMS (1 << 10)     /* -P */

#define PC_LINE_LIMIT 80   /* main.cf lines may fill column 80 */
#define PC_MASTER_LIMIT 79 /* master.cf lines stop one short */
#define PC_INDENT "    "

struct pc_state {
	int mode;
	const char *config_dir;
	struct master_cf *master; /* NULL when master.cf is unreadable */
};

/* postconf_print.c */
extern void pc_print_words(struct vstr *line, const char *text, size_t limit);
extern void pc_print_param(const struct pc_state *, const char *name,
                           const char *value);

/* postconf_main.c */
extern void pc_main_show(struct pc_state *, char **names);
extern bool pc_param_known(const char *name);
extern bool pc_param_raw(const char *name);
extern void pc_find_used(struct pc_state *);
extern void pc_warn_unused(struct pc_state *);
extern void pc_warn_unused_master(struct pc_state *);
extern void pc_check_refs(struct pc_state *);
extern void pc_note_undefined(const char *name);

/* postconf_edit.c */
extern void pc_main_edit(struct pc_state *, char **args);

/* postconf_master.c */
extern struct master_cf *pc_master_load(const char *dir, bool must_exist);
extern void pc_master_show(struct pc_state *, char **selectors);
extern void pc_master_edit(struct pc_state *, char **args);

/* postconf_service.c */
extern void pc_register_services(const struct master_cf *);
extern void pc_service_names(struct argv *);

#endif
