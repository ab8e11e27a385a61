#ifndef MAIL_PARAMS_H
#define MAIL_PARAMS_H
/*
 * NAME
 *	mail_params - the parameter table and the var_* globals
 * SUMMARY
 *	extern const char *mail_process_name;
extern const struct param_def param_table[];
 *	extern const size_t param_count;
 *	const struct param_def *param_find(const char *name);
 *	const char *param_default(const struct param_def *p);
 *	int param_check_value(const struct param_def *p, const char *value,
 *	    struct vstr *why);
 *	int param_time_unit(const struct param_def *p);
 * DESCRIPTION
 *	Every parameter of params.def has an entry in param_table (in the
 *	order of params.def, sorted by name) and a global var_<name>: char *
 *	for STR and LIST, bool for BOOL, int for INT, long for SIZE and TIME
 *	(seconds). mail_params_init() (mail_conf.h) fills the globals.
 *
 *	mail_process_name, when a program sets it, is the default of
 *	process_name; process_id is always the current process ID.
 *
 *	param_find() looks a parameter up by name, NULL when unknown.
 *	param_default() returns its default text, computing host-dependent
 *	defaults (myhostname, mydomain, mynetworks) on first use.
 *	param_check_value() checks an expanded value against the type and
 *	bounds and returns 0, or -1 with the reason in why.
 */
#include <stdbool.h>
#include <stddef.h>

struct vstr;

enum param_type { PT_STR, PT_LIST, PT_BOOL, PT_INT, PT_SIZE, PT_TIME };

#define PF_HOST (1 << 0)
#define PF_RAW (1 << 1)
#define PF_READONLY (1 << 2)

struct param_def {
	const char *name;
	enum param_type type;
	const char *defval;
	long min;
	long max; /* 0: no upper bound */
	int flags;
	const char *desc;
	void *var;
};

#define P_STR(n, d, f, s) extern char *var_##n;
#define P_LIST(n, d, f, s) extern char *var_##n;
#define P_BOOL(n, d, f, s) extern bool var_##n;
#define P_INT(n, d, lo, hi, f, s) extern int var_##n;
#define P_SIZE(n, d, lo, hi, f, s) extern long var_##n;
#define P_TIME(n, d, lo, hi, f, s) extern long var_##n;
#include "params.def"
#undef P_STR
#undef P_LIST
#undef P_BOOL
#undef P_INT
#undef P_SIZE
#undef P_TIME

extern const char *mail_process_name;
extern const struct param_def param_table[];
extern const size_t param_count;

extern const struct param_def *param_find(const char *);
extern const char *param_default(const struct param_def *);
extern int param_check_value(const struct param_def *, const char *,
                             struct vstr *);
extern int param_time_unit(const struct param_def *);
extern const char *param_type_name(enum param_type);

#endif
