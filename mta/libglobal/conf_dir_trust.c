/*
 * conf_dir_trust - may a set-gid command use this configuration directory
 * (conf_dir_trust.h)
 */
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "conf_dir_trust.h"
#include "linefile.h"
#include "mail_conf.h"
#include "vstr.h"

/* name_is - "name = ..." for this name; *value gets what follows "=" */
static bool
name_is(const char *text, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (strncmp(text, name, n) != 0)
		return false;
	text += n;
	while (*text == ' ' || *text == '\t')
		text++;
	if (*text != '=')
		return false;
	*value = text + 1;
	return true;
}

/* list_has - dir in a comma/space separated list */
static bool
list_has(const char *list, const char *dir)
{
	struct argv *a = argv_split(list, ", \t\r\n");
	bool found = false;

	for (size_t i = 0; i < a->argc && !found; i++)
		found = strcmp(a->argv[i], dir) == 0;
	argv_free(a);
	return found;
}

/* listed_in_default - dir named by the default main.cf */
static bool
listed_in_default(const char *dir)
{
	struct vstr *why = vstr_alloc(64);
	struct linefile *lf = linefile_read(DEF_CONFIG_DIR "/main.cf", why);
	struct logical_line ll = {0, 0, false, NULL};
	const char *value;
	size_t pos = 0;
	bool found = false;

	while (lf && !found && linefile_next(lf, &pos, &ll)) {
		const char *t = vstr_str(ll.text);

		if ((name_is(t, "alternate_config_directories", &value) ||
		     name_is(t, "multi_instance_directories", &value)) &&
		    list_has(value, dir))
			found = true;
	}
	if (ll.text)
		vstr_free(ll.text);
	if (lf)
		linefile_free(lf);
	vstr_free(why);
	return found;
}

/* conf_dir_trusted - the rules of conf_dir_trust.h */
bool
conf_dir_trusted(const char *dir, struct vstr *why)
{
	if (strcmp(dir, DEF_CONFIG_DIR) == 0 || getuid() == 0 ||
	    (getgid() == getegid() && getuid() == geteuid()))
		return true;
	if (listed_in_default(dir))
		return true;
	vstr_fmt(why,
	         "untrusted configuration directory: %s (not listed in "
	         "alternate_config_directories of %s/main.cf)",
	         dir, DEF_CONFIG_DIR);
	return false;
}
