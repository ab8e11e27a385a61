/*
 * mail_params - the parameter table generated from params.def
 */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "conv.h"
#include "host_defaults.h"
#include "htable.h"
#include "mail_params.h"
#include "msg.h"
#include "vstr.h"

/* The globals, one per parameter. */
#define P_STR(n, d, f, s) char *var_##n;
#define P_LIST(n, d, f, s) char *var_##n;
#define P_BOOL(n, d, f, s) bool var_##n;
#define P_INT(n, d, lo, hi, f, s) int var_##n;
#define P_SIZE(n, d, lo, hi, f, s) long var_##n;
#define P_TIME(n, d, lo, hi, f, s) long var_##n;
#include "params.def"
#undef P_STR
#undef P_LIST
#undef P_BOOL
#undef P_INT
#undef P_SIZE
#undef P_TIME

/* The table. */
#define P_STR(n, d, f, s) {#n, PT_STR, d, 0, 0, f, s, &var_##n},
#define P_LIST(n, d, f, s) {#n, PT_LIST, d, 0, 0, f, s, &var_##n},
#define P_BOOL(n, d, f, s) {#n, PT_BOOL, d, 0, 0, f, s, &var_##n},
#define P_INT(n, d, lo, hi, f, s) {#n, PT_INT, d, lo, hi, f, s, &var_##n},
#define P_SIZE(n, d, lo, hi, f, s) {#n, PT_SIZE, d, lo, hi, f, s, &var_##n},
#define P_TIME(n, d, lo, hi, f, s) {#n, PT_TIME, d, lo, hi, f, s, &var_##n},
const struct param_def param_table[] = {
#include "params.def"
};
#undef P_STR
#undef P_LIST
#undef P_BOOL
#undef P_INT
#undef P_SIZE
#undef P_TIME

const size_t param_count = sizeof(param_table) / sizeof(param_table[0]);

static struct htable *param_index;

/* param_find - look up by name */
const struct param_def *
param_find(const char *name)
{
	if (param_index == NULL) {
		param_index = htable_create(2 * param_count);
		for (size_t i = 0; i < param_count; i++)
			htable_enter(param_index, param_table[i].name,
			             (void *) &param_table[i]);
	}
	return htable_find(param_index, name);
}

const char *mail_process_name;

/* param_default - default text, host- and process-dependent ones computed */
const char *
param_default(const struct param_def *p)
{
	static char pid_buf[32];

	if (p->flags & PF_READONLY) {
		if (strcmp(p->name, "process_id") == 0) {
			snprintf(pid_buf, sizeof(pid_buf), "%ld",
			         (long) getpid());
			return pid_buf;
		}
		if (strcmp(p->name, "process_name") == 0 && mail_process_name)
			return mail_process_name;
	}
	if (!(p->flags & PF_HOST))
		return p->defval;
	if (strcmp(p->name, "myhostname") == 0)
		return default_myhostname();
	if (strcmp(p->name, "mydomain") == 0)
		return default_mydomain();
	if (strcmp(p->name, "mynetworks") == 0)
		return default_mynetworks();
	msg_panic("%s: no host default for %s", __func__, p->name);
}

/* param_type_name - for messages and docs */
const char *
param_type_name(enum param_type t)
{
	static const char *const names[] = {
	        [PT_STR] = "string",  [PT_LIST] = "list", [PT_BOOL] = "boolean",
	        [PT_INT] = "integer", [PT_SIZE] = "size", [PT_TIME] = "time",
	};

	return names[t];
}

/* param_time_unit - the unit of a bare number: the one ending the default */
int
param_time_unit(const struct param_def *p)
{
	size_t len = strlen(p->defval);

	if (len > 0 && strchr(conv_time_units, p->defval[len - 1]))
		return p->defval[len - 1];
	return 's';
}

/* check_bounds - min/max */
static int
check_bounds(const struct param_def *p, long v, const char *value,
             struct vstr *why)
{
	if (v < p->min) {
		vstr_fmt(why,
		         "invalid %s parameter value %s = %s: must be "
		         "at least %ld",
		         param_type_name(p->type), p->name, value, p->min);
		return -1;
	}
	if (p->max != 0 && v > p->max) {
		vstr_fmt(why,
		         "invalid %s parameter value %s = %s: must be "
		         "at most %ld",
		         param_type_name(p->type), p->name, value, p->max);
		return -1;
	}
	return 0;
}

/* param_check_value - type and range check of an expanded value */
int
param_check_value(const struct param_def *p, const char *value,
                  struct vstr *why)
{
	long v;
	bool b;

	switch (p->type) {
	case PT_STR:
	case PT_LIST:
		return 0;
	case PT_BOOL:
		if (conv_bool(value, &b))
			return 0;
		vstr_fmt(why,
		         "bad boolean parameter value %s = %s "
		         "(use yes or no)",
		         p->name, value);
		return -1;
	case PT_INT:
	case PT_SIZE:
		if (conv_long(value, &v) &&
		    (p->type == PT_SIZE || (v >= INT_MIN && v <= INT_MAX)))
			return check_bounds(p, v, value, why);
		vstr_fmt(why, "bad numerical parameter value %s = %s", p->name,
		         value);
		return -1;
	case PT_TIME:
		if (conv_time(value, param_time_unit(p), &v))
			return check_bounds(p, v, value, why);
		vstr_fmt(why,
		         "bad time parameter value %s = %s "
		         "(use a number with unit s, m, h, d or w)",
		         p->name, value);
		return -1;
	}
	msg_panic("%s: bad type %d", __func__, (int) p->type);
}
