/*
 * mkmap - build a table from its source, as postmap and postalias do
 *
 * The source is read before the table is written; a rebuild (O_TRUNC)
 * goes through the type's own atomic replacement (dict_db writes a
 * temporary file and renames it at dict_close). Duplicate keys are
 * detected by the table type (DICT_DUP) and reported here, so that the
 * message has Postfix's shape whatever the type.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dict.h"
#include "linefile.h"
#include "mail_params.h"
#include "mkmap.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

#define DUP_FLAGS                                                              \
	(DICT_FLAG_DUP_WARN | DICT_FLAG_DUP_IGNORE | DICT_FLAG_DUP_REPLACE)
#define NUL_FLAGS (DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL)

/*
 * File-based types: the suffix of the file that holds the table, the
 * suffix of the name Postfix gives the open table in messages, and how
 * its duplicate warning names the table (each type does it its own way).
 */
enum dup_name { DUP_LABEL, DUP_TYPE_NAME, DUP_NAME };

static const struct file_type {
	const char *type;
	const char *file_suffix;
	const char *label_suffix;
	enum dup_name dup_name;
} file_types[] = {
        {"hash", ".db", ".db", DUP_LABEL},
        {"btree", ".db", ".db", DUP_LABEL},
        {"lmdb", ".lmdb", "", DUP_TYPE_NAME},
        {"cdb", ".cdb", ".cdb", DUP_NAME},
};

/* Types that postmap can create, when this build has them. */
static const char *const creatable[] = {"btree", "cdb",  "dbm", "fail",
                                        "hash",  "lmdb", "sdbm"};

/* Saved process state while running as the source file's owner. */
static gid_t *saved_groups;
static int saved_ngroups;
static gid_t saved_egid;

/* mkmap_split - "type:name", or a name of the default type */
void
mkmap_split(const char *arg, char **type, char **name)
{
	const char *colon = strchr(arg, ':');

	if (colon == NULL) {
		*type = xstrdup(var_default_database_type);
		*name = xstrdup(arg);
	} else {
		*type = xstrndup(arg, (size_t) (colon - arg));
		*name = xstrdup(colon + 1);
	}
}

/* file_type - the file-based type, NULL otherwise */
static const struct file_type *
file_type(const char *type)
{
	for (size_t i = 0; i < sizeof(file_types) / sizeof(file_types[0]); i++)
		if (strcmp(type, file_types[i].type) == 0)
			return &file_types[i];
	return NULL;
}

/* mkmap_file_name - the table's name in Postfix's messages */
const char *
mkmap_file_name(const char *type, const char *name, struct vstr *out)
{
	const struct file_type *ft = file_type(type);

	vstr_fmt(out, "%s%s", name, ft ? ft->label_suffix : "");
	return vstr_str(out);
}

/* set_names - the table file, and the table's name in warnings */
static void
set_names(struct mkmap *m)
{
	const struct file_type *ft = file_type(m->type);
	struct vstr *buf = vstr_alloc(100);

	if (ft != NULL) {
		vstr_fmt(buf, "%s%s", m->name, ft->file_suffix);
		m->db_path = xstrdup(vstr_str(buf));
	}
	if (ft != NULL && ft->dup_name == DUP_TYPE_NAME)
		vstr_fmt(buf, "%s:%s", m->type, m->name);
	else if (ft != NULL && ft->dup_name == DUP_NAME)
		vstr_cpy(buf, m->name);
	else
		mkmap_file_name(m->type, m->name, buf);
	m->file = vstr_export(buf);
}

/* mkmap_dict_open - open "type:name" or die with the reason */
struct dict *
mkmap_dict_open(const char *type_name, int open_flags, int dict_flags)
{
	static struct vstr *why; /* kept: the error path exits */
	struct dict *d;

	if (why == NULL)
		why = vstr_alloc(100);
	if ((d = dict_open_checked(type_name, open_flags, dict_flags, why)) ==
	    NULL)
		msg_fatal("%s", vstr_str(why));
	return d;
}

/* mkmap_fold - the key as the table stores it */
const char *
mkmap_fold(struct vstr *buf, const char *key, int dict_flags, int flags)
{
	if (!(dict_flags & DICT_FLAG_FOLD_FIX))
		return key;
	if (flags & MKMAP_UTF8)
		return mkmap_utf8_fold(buf, key);
	vstr_cpy(buf, key);
	return lowercase(vstr_str(buf));
}

/* can_create - postmap can build tables of this type */
static bool
can_create(const char *type)
{
	for (size_t i = 0; i < sizeof(creatable) / sizeof(creatable[0]); i++)
		if (strcmp(type, creatable[i]) == 0)
			return dict_type_known(type);
	return false;
}

/* set_eugid - effective user and group, as Postfix's set_eugid() */
static void
set_eugid(uid_t uid, gid_t gid)
{
	if (geteuid() != 0 && seteuid(0) < 0)
		msg_fatal("seteuid(0): %m");
	if (setegid(gid) < 0)
		msg_fatal("setegid(%ld): %m", (long) gid);
	if (setgroups(1, &gid) < 0)
		msg_fatal("setgroups(1, &%ld): %m", (long) gid);
	if (seteuid(uid) < 0)
		msg_fatal("seteuid(%ld): %m", (long) uid);
}

/* become_owner - run as the owner of the source file */
static void
become_owner(struct mkmap *m, const struct stat *st)
{
	if (!(m->flags & MKMAP_AS_OWNER) || getuid() != 0 ||
	    (st->st_uid == geteuid() && st->st_gid == getegid()))
		return;
	if ((saved_ngroups = getgroups(0, NULL)) < 0)
		msg_fatal("getgroups: %m");
	saved_groups = xreallocarray(saved_groups, (size_t) saved_ngroups + 1,
	                             sizeof(*saved_groups));
	if ((saved_ngroups = getgroups(saved_ngroups, saved_groups)) < 0)
		msg_fatal("getgroups: %m");
	saved_egid = getegid();
	set_eugid(st->st_uid, st->st_gid);
	m->switched = true;
}

/* become_root_again - undo become_owner() */
static void
become_root_again(struct mkmap *m)
{
	if (!m->switched)
		return;
	if (seteuid(0) < 0)
		msg_fatal("seteuid(0): %m");
	if (setegid(saved_egid) < 0)
		msg_fatal("setegid(%ld): %m", (long) saved_egid);
	if (setgroups((size_t) saved_ngroups, saved_groups) < 0)
		msg_fatal("setgroups: %m");
	m->switched = false;
}

/* read_source - the whole source text */
static char *
read_source(int fd, const char *path)
{
	struct vstr *buf = vstr_alloc(8192);
	char chunk[8192];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			msg_fatal("read %s: %m", path);
		}
		vstr_cat_mem(buf, chunk, (size_t) n);
	}
	if (memchr(vstr_str(buf), 0, vstr_len(buf)) != NULL)
		msg_warn("%s: file contains a null byte; the text after it is "
		         "ignored",
		         path);
	return vstr_export(buf);
}

/* open_table - the dict, with our duplicate and NUL handling */
static void
open_table(struct mkmap *m, int open_flags, int dict_flags)
{
	struct vstr *type_name = vstr_alloc(100);
	int nul = dict_flags & NUL_FLAGS;
	int dup = m->dup_policy == DICT_FLAG_DUP_REPLACE ? DICT_FLAG_DUP_REPLACE
	                                                 : DICT_FLAG_DUP_IGNORE;

	vstr_fmt(type_name, "%s:%s", m->type, m->name);
	if (!(open_flags & O_TRUNC))
		dict_flags |= DICT_FLAG_LOCK;
	m->dict = mkmap_dict_open(vstr_str(type_name), open_flags,
	                          (dict_flags & ~DUP_FLAGS) | dup);
	/* A rebuild may choose its own form: -n and -N say otherwise. */
	if (nul == DICT_FLAG_TRY0NULL || nul == DICT_FLAG_TRY1NULL)
		m->dict->flags = (m->dict->flags & ~NUL_FLAGS) | nul;
	vstr_free(type_name);
}

/* mkmap_open - prepare to build one table */
struct mkmap *
mkmap_open(const char *type, const char *name, int open_flags, int dict_flags,
           int flags)
{
	struct mkmap *m = xcalloc(1, sizeof(*m));
	struct stat st;
	mode_t saved_mask = 0;
	bool set_mask;
	int fd = 0;

	m->type = xstrdup(type);
	m->name = xstrdup(name);
	set_names(m);
	m->flags = flags;
	m->dup_policy = dict_flags & DUP_FLAGS ? dict_flags & DUP_FLAGS
	                                       : DICT_FLAG_DUP_WARN;
	m->fold_buf = vstr_alloc(100);
	m->src_path = xstrdup(open_flags & O_TRUNC ? name : "stdin");
	if (strcmp(type, "proxy") == 0 && (open_flags & O_TRUNC))
		msg_fatal("can't create maps via the proxy service");
	if ((open_flags & O_TRUNC) &&
	    (fd = open(name, O_RDONLY | O_CLOEXEC)) < 0)
		msg_fatal("open %s: %m", name);
	if (fstat(fd, &st) < 0)
		msg_fatal("fstat %s: %m", m->src_path);
	if ((set_mask = (flags & MKMAP_SAVE_PERM) && S_ISREG(st.st_mode)))
		saved_mask = umask(022 | (~st.st_mode & 077));
	become_owner(m, &st);
	if (!can_create(type))
		msg_fatal("unsupported map type for this operation: %s", type);
	if ((open_flags & O_TRUNC) && m->db_path != NULL)
		m->had_db = stat(m->db_path, &m->db_st) == 0;
	/* Postfix rewrites the file in place: the user must be able to. */
	if (m->had_db &&
	    faccessat(AT_FDCWD, m->db_path, R_OK | W_OK, AT_EACCESS) < 0)
		msg_fatal("open %s: %m", m->db_path);
	open_table(m, open_flags, dict_flags);
	if (set_mask)
		umask(saved_mask);
	m->src_text = read_source(fd, m->src_path);
	if (fd != 0)
		close(fd);
	return m;
}

/* warn_leading_space - Postfix's complaint, with the first 30 bytes */
static void
warn_leading_space(const char *path, const char *text)
{
	msg_warn("%s: logical line must not start with whitespace: "
	         "\"%.30s%s\"",
	         path, text, strlen(text) > 30 ? "..." : "");
}

/* utf8_line_ok - with MKMAP_UTF8, complain about a non-UTF-8 line */
static bool
utf8_line_ok(const struct mkmap *m, const char *text, size_t line)
{
	char *copy;

	if (!(m->flags & MKMAP_UTF8) || mkmap_utf8_valid(text, strlen(text)))
		return true;
	copy = printable(xstrdup(text), '?');
	msg_warn("%s, line %zu: non-UTF-8 input \"%s\" -- ignoring this line",
	         m->src_path, line, copy);
	xfree(copy);
	return false;
}

/* mkmap_read - call fn for every logical line of the source */
void
mkmap_read(struct mkmap *m, mkmap_entry_fn fn, void *ctx)
{
	struct linefile *lf = linefile_from_text(m->src_path, m->src_text);
	struct logical_line ll = {0};
	size_t pos = 0;

	while (linefile_next(lf, &pos, &ll)) {
		char *text = vstr_str(ll.text);

		if (ll.leading_space)
			warn_leading_space(m->src_path, text);
		else if (utf8_line_ok(m, text, ll.first + 1)) {
			m->line = ll.first + 1;
			fn(m, text, ll.first + 1, ctx);
			m->line = 0;
		}
	}
	vstr_free(ll.text);
	linefile_free(lf);
}

/* mkmap_set_dup - change the duplicate policy of an open table */
void
mkmap_set_dup(struct mkmap *m, int policy)
{
	m->dup_policy = policy;
	m->dict->flags &= ~DUP_FLAGS;
	m->dict->flags |= policy == DICT_FLAG_DUP_REPLACE
	                          ? DICT_FLAG_DUP_REPLACE
	                          : DICT_FLAG_DUP_IGNORE;
}

/* mkmap_add - store one entry under the duplicate policy */
void
mkmap_add(struct mkmap *m, const char *key, const char *value)
{
	const char *stored =
	        mkmap_fold(m->fold_buf, key, m->dict->flags, m->flags);
	int rc = dict_put(m->dict, stored, value);

	/*
	 * Debian's postmap names only the table; we also name the source
	 * line, so the admin can find the duplicate.
	 */
	if (rc == DICT_DUP && m->dup_policy == DICT_FLAG_DUP_WARN && m->line)
		msg_warn("%s, line %zu: duplicate entry: \"%s\"", m->src_path,
		         m->line, stored);
	else if (rc == DICT_DUP && m->dup_policy == DICT_FLAG_DUP_WARN)
		msg_warn("%s: duplicate entry: \"%s\"", m->file, stored);
	else if (rc == DICT_ERROR)
		msg_fatal("table %s:%s: write error: %s", m->type, m->name,
		          vstr_str(m->dict->why));
}

/* keep_old_attrs - a rebuilt table keeps the old file's mode and owner */
static void
keep_old_attrs(const struct mkmap *m)
{
	struct stat st;

	if (!m->had_db || stat(m->db_path, &st) < 0)
		return;
	if ((st.st_mode & 07777) != (m->db_st.st_mode & 07777) &&
	    chmod(m->db_path, m->db_st.st_mode & 07777) < 0)
		msg_warn("chmod %s: %m", m->db_path);
	if (geteuid() == 0 &&
	    (st.st_uid != m->db_st.st_uid || st.st_gid != m->db_st.st_gid) &&
	    chown(m->db_path, m->db_st.st_uid, m->db_st.st_gid) < 0)
		msg_warn("chown %s: %m", m->db_path);
}

/* mkmap_close - complete the table and release everything */
void
mkmap_close(struct mkmap *m)
{
	dict_close(m->dict);
	keep_old_attrs(m);
	become_root_again(m);
	xfree(m->type);
	xfree(m->name);
	xfree(m->file);
	xfree(m->db_path);
	xfree(m->src_path);
	xfree(m->src_text);
	vstr_free(m->fold_buf);
	xfree(m);
}

/*
 * mkmap_command_start - what postmap and postalias do first: a sane umask,
 * descriptors 0-2 open, argv[0] reduced to its base name (which is
 * returned), diagnostics to stderr, MAIL_VERBOSE honoured.
 */
const char *
mkmap_command_start(char **argv)
{
	const char *slash = strrchr(argv[0], '/');
	struct stat st;

	umask(022);
	for (int fd = 0; fd < 3; fd++)
		if (fstat(fd, &st) < 0 && open("/dev/null", O_RDWR) != fd)
			exit(1);
	if (slash && slash[1])
		argv[0] = (char *) slash + 1;
	msg_stderr_init(argv[0]);
	if (getenv("MAIL_VERBOSE"))
		msg_verbose = 1;
	return argv[0];
}
