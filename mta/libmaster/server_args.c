/*
 * server_args - parse the command line master(8) gives a service
 */
#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "mymalloc.h"
#include "server_args.h"
#include "stringops.h"
#include "vstr.h"

static const struct type_name {
	const char *name;
	enum server_type type;
} type_names[] = {
        {"inet", SERV_TYPE_INET},        {"unix", SERV_TYPE_UNIX},
        {"unix-dgram", SERV_TYPE_DGRAM}, {"fifo", SERV_TYPE_FIFO},
        {"pass", SERV_TYPE_PASS},
};

/* server_type_parse - master.cf type name to enum; -1 when unknown */
int
server_type_parse(const char *name, enum server_type *type)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(name, type_names[i].name) == 0) {
			*type = type_names[i].type;
			return 0;
		}
	return -1;
}

/* add_override - "name=value" or "{ name = value }" */
static int
add_override(struct server_args *a, const char *text, struct vstr *why)
{
	char *copy = xstrdup(text);
	char *bp = copy;
	char *name;
	char *value;
	const char *err;
	int rc = -1;

	if (*bp == '{' && extpar(&bp, "{}", why) == NULL)
		goto out;
	if (split_nameval(bp, &name, &value, &err) < 0) {
		vstr_fmt(why, "bad -o argument \"%s\": %s", text, err);
		goto out;
	}
	argv_add(a->opt_names, name);
	argv_add(a->opt_values, value);
	rc = 0;
out:
	xfree(copy);
	return rc;
}

/* set_value - an option that takes a value */
static int
set_value(struct server_args *a, int ch, const char *val, struct vstr *why)
{
	switch (ch) {
	case 'n':
		a->service = val;
		return 0;
	case 'c':
		a->config_dir = val;
		return 0;
	case 'o':
		return add_override(a, val, why);
	case 't':
		a->type_name = val;
		if (server_type_parse(val, &a->type) < 0) {
			vstr_fmt(why, "unknown service type: %s", val);
			return -1;
		}
		return 0;
	case 's':
		if (!alldig(val) || strlen(val) > 3 ||
		    (a->nsock = (int) strtol(val, NULL, 10)) < 1) {
			vstr_fmt(why, "bad socket count: %s", val);
			return -1;
		}
		return 0;
	}
	return -1;
}

/* set_flag - an option without a value */
static int
set_flag(struct server_args *a, int ch, struct vstr *why)
{
	switch (ch) {
	case 'u':
		a->unpriv = true;
		return 0;
	case 'j':
		a->chroot = true;
		return 0;
	case 'v':
		a->verbose++;
		return 0;
	case 'S':
		a->standalone = true;
		return 0;
	case 'd':
	case 'D':
	case 'l':
	case 'z':
		return 0;
	}
	vstr_fmt(why, "invalid option -- '%c'", ch);
	return -1;
}

/* parse_cluster - one "-xyz" word; *ip moves past a separate value */
static int
parse_cluster(int argc, char **argv, int *ip, struct server_args *a,
              struct vstr *why)
{
	const char *word = argv[*ip];

	for (const char *cp = word + 1; *cp; cp++) {
		if (strchr("ncots", *cp) == NULL) {
			if (set_flag(a, *cp, why) < 0)
				return -1;
			continue;
		}
		if (cp[1])
			return set_value(a, *cp, cp + 1, why);
		if (*ip + 1 >= argc) {
			vstr_fmt(why, "option requires an argument -- '%c'",
			         *cp);
			return -1;
		}
		*ip += 1;
		return set_value(a, *cp, argv[*ip], why);
	}
	return 0;
}

/* server_args_parse - fill a from argv */
int
server_args_parse(int argc, char **argv, struct server_args *a,
                  struct vstr *why)
{
	const char *slash;
	int i;

	memset(a, 0, sizeof(*a));
	a->type_name = "unix";
	a->type = SERV_TYPE_UNIX;
	a->nsock = 1;
	a->opt_names = argv_alloc(4);
	a->opt_values = argv_alloc(4);
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == 0)
			break;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (parse_cluster(argc, argv, &i, a, why) < 0)
			return -1;
	}
	a->rest = argv + i;
	a->rest_count = argc - i;
	if (a->service == NULL) {
		slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
		a->service = slash ? slash + 1 : argc > 0 ? argv[0] : "";
	}
	return 0;
}

/* server_args_free - release the -o lists */
void
server_args_free(struct server_args *a)
{
	a->opt_names = argv_free(a->opt_names);
	a->opt_values = argv_free(a->opt_values);
}
