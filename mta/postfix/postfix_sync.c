/*
 * postfix_sync - the chroot jail sync of "postfix start", "start-fg",
 * "check" and "postfix sync-chroot [all]"
 *
 * DESCRIPTION
 *	Chrooted services see the queue directory as "/", so the files the
 *	C library reads there (time zone, services, resolver and NSS
 *	configuration, NSS modules) and the CA directories that TLS clients
 *	and servers read must be copied into it. This runs before every
 *	start of every instance, so that the jail never drifts from the
 *	host's /etc:
 *
 *	- Always: refuse a myorigin (or the first line of the file an
 *	  absolute myorigin names) of debian.org or ubuntu.com.
 *	- /etc/default/postfix (or $POSTFIX_DEFAULTS_FILE) is read as shell
 *	  variable assignments, without running a shell: SYNC_CHROOT
 *	  (default "y"; empty disables the rest), chroot_extra_files
 *	  (space-separated paths) and chroot_extra_CAdir.
 *	- As root only: etc/localtime, services, resolv.conf, hosts,
 *	  host.conf, nsswitch.conf, nss_mdns.config and chroot_extra_files
 *	  are copied to the same path under the queue directory; the NSS
 *	  modules /usr/lib/<multiarch>/libnss_*.so.2 (minus those built
 *	  into glibc) and the CA directories (smtp_tls_CApath,
 *	  smtpd_tls_CApath, chroot_extra_CAdir: hashed names only, links
 *	  dereferenced) only when a complex (smtp, lmtp, smtpd) or custom
 *	  service is chrooted in master.cf; otherwise they are removed.
 *	- Copies are made by rsync(1) (no shell): size and mtime, then
 *	  content, decide; files are written to a temporary name and renamed;
 *	  owner, mode, mtime and extended attributes are kept. Files gone
 *	  from the host are removed from the jail. Each change is logged.
 *
 *	"postfix sync-chroot all" runs "postfix -c DIR sync-chroot" for
 *	/etc/postfix and each /etc/postfix-NAME with a main.cf (the /etc
 *	base is $POSTFIX_INSTANCE_BASE when set).
 * ENVIRONMENT
 *	POSTFIX_DEFAULTS_FILE
 *		The file read instead of /etc/default/postfix (tests).
 *	POSTFIX_INSTANCE_BASE
 *		The directory that "sync-chroot all" scans instead of /etc.
 * SECURITY
 *	Root only (skipped silently otherwise). The defaults file is parsed,
 *	never run; rsync is run by fork+exec without a shell; paths with "."
 *	or ".." components and CA dirs inside the queue directory are not
 *	synced.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argv.h"
#include "linefile.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master_cf.h"
#include "msg.h"
#include "mymalloc.h"
#include "postfix.h"
#include "stringops.h"
#include "vstr.h"
#include "vstream.h"

#define DEFAULTS_FILE "/etc/default/postfix"
#define RSYNC_PATH "/usr/bin/rsync"
#define OUT_FORMAT "--out-format=%i %n"
#define HASH_GLOB                                                              \
	"[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]."    \
	"[0-9]"

/* The files every jail gets. */
static const char *const etc_files[] = {
        "/etc/localtime",       "/etc/services",  "/etc/resolv.conf",
        "/etc/hosts",           "/etc/host.conf", "/etc/nsswitch.conf",
        "/etc/nss_mdns.config",
};

/* NSS modules built into glibc, never copied. */
static const char *const nss_builtin[] = {"compat", "dns", "files", "hesiod"};

/* What /etc/default/postfix says. */
struct sync_conf {
	bool enabled;
	struct argv *extra_files;
	struct argv *extra_cadirs;
};

/* The jail's path without trailing slashes. */
static struct vstr *jail;

/* sync_fatal - a fatal-level message without exiting */
static void __attribute__((format(printf, 1, 2)))
sync_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vprintf(MSG_FATAL, fmt, ap);
	va_end(ap);
}

/* in_table - is word one of the n strings of table? */
static bool
in_table(const char *word, const char *const *table, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(word, table[i]) == 0)
			return true;
	return false;
}

/* jail_path - the jail's copy of an absolute host path */
static const char *
jail_path(struct vstr *buf, const char *path)
{
	return vstr_str(vstr_fmt(buf, "%s%s", vstr_str(jail), path));
}

/* check_myorigin - -1 when myorigin names debian.org or ubuntu.com */
static int
check_myorigin(void)
{
	struct vstr *origin = vstr_cpy(vstr_alloc(100), var_myorigin);
	int ret = 0;

	if (var_myorigin[0] == '/') {
		struct vstream *fp = vstream_open(var_myorigin, O_RDONLY, 0);

		vstr_reset(origin);
		if (fp != NULL) {
			(void) vstream_get_line(fp, origin, 4096);
			(void) vstream_close(fp);
		}
	}
	vstr_truncate(origin, strcspn(vstr_str(origin), "\r\n"));
	if (strcasecmp(vstr_str(origin), "debian.org") == 0 ||
	    strcasecmp(vstr_str(origin), "ubuntu.com") == 0) {
		sync_fatal("Invalid $myorigin (%s), refusing to start",
		           vstr_str(origin));
		ret = -1;
	}
	vstr_free(origin);
	return ret;
}

/* shell_word - one shell word without expansions; -1 if not that simple */
static int
shell_word(const char *p, struct vstr *out)
{
	vstr_reset(out);
	while (*p && !isspace((unsigned char) *p)) {
		const char *end;

		if (*p == '\'' || *p == '"') {
			if ((end = strchr(p + 1, *p)) == NULL)
				return -1;
			if (*p == '"' &&
			    strcspn(p + 1, "$`\\") < (size_t) (end - p - 1))
				return -1;
			vstr_cat_mem(out, p + 1, (size_t) (end - p - 1));
			p = end + 1;
		} else if (strchr("$`\\;&|<>(){}*?[]~#", *p) != NULL) {
			return -1;
		} else {
			vstr_addch(out, *p++);
		}
	}
	while (isspace((unsigned char) *p))
		p++;
	return *p == 0 || *p == '#' ? 0 : -1;
}

/* defaults_line - one line of the defaults file */
static void
defaults_line(struct sync_conf *conf, const char *line, const char *path,
              size_t lineno)
{
	struct vstr *value = vstr_alloc(100);
	const char *p = line + strspn(line, " \t");
	size_t n;

	if (*p == 0 || *p == '#' || *p == '\r')
		goto done;
	if (str_prefix(p, "export ") || str_prefix(p, "export\t"))
		p += 6 + strspn(p + 6, " \t");
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	              "0123456789_");
	if (n == 0 || isdigit((unsigned char) *p) || p[n] != '=' ||
	    shell_word(p + n + 1, value) < 0) {
		msg_warn("%s, line %zu: cannot parse this as NAME=value, "
		         "ignored",
		         path, lineno);
		goto done;
	}
	if (n == 11 && strncmp(p, "SYNC_CHROOT", n) == 0) {
		conf->enabled = vstr_len(value) > 0;
	} else if (n == 18 && strncmp(p, "chroot_extra_files", n) == 0) {
		argv_free(conf->extra_files);
		conf->extra_files = argv_split(vstr_str(value), SPACE_DELIMS);
	} else if (n == 18 && strncmp(p, "chroot_extra_CAdir", n) == 0) {
		argv_free(conf->extra_cadirs);
		conf->extra_cadirs = argv_split(vstr_str(value), SPACE_DELIMS);
	}
done:
	vstr_free(value);
}

/* defaults_read - /etc/default/postfix or $POSTFIX_DEFAULTS_FILE */
static void
defaults_read(struct sync_conf *conf)
{
	const char *path = getenv("POSTFIX_DEFAULTS_FILE");
	struct vstr *why = vstr_alloc(100);
	struct linefile *lf;

	if (path == NULL || *path == 0)
		path = DEFAULTS_FILE;
	conf->enabled = true;
	conf->extra_files = argv_alloc(1);
	conf->extra_cadirs = argv_alloc(1);
	if (access(path, R_OK) < 0) {
		if (errno != ENOENT)
			msg_warn("%s: %m; using the defaults", path);
	} else if ((lf = linefile_read(path, why)) == NULL) {
		msg_warn("%s; using the defaults", vstr_str(why));
	} else {
		for (size_t i = 0; i < lf->lines->argc; i++)
			defaults_line(conf, lf->lines->argv[i], path, i + 1);
		linefile_free(lf);
	}
	vstr_free(why);
}

/* need_full_chroot - is a complex or custom service chrooted? -1: error */
static int
need_full_chroot(bool *full)
{
	struct vstr *path =
	        vstr_fmt(vstr_alloc(100), "%s/master.cf", mail_conf_dir());
	struct vstr *why = vstr_alloc(100);
	struct master_cf *mc = master_cf_read(vstr_str(path), why);
	*full = false;
	if (mc == NULL)
		sync_fatal("%s", vstr_str(why));
	for (size_t i = 0; mc != NULL && i < mc->count; i++) {
		if (postfix_full_jail_entry(&mc->ents[i]))
			*full = true;
	}
	vstr_free(path);
	vstr_free(why);
	if (mc == NULL)
		return -1;
	master_cf_free(mc);
	return 0;
}

/* log_rsync_line - log one line of rsync output */
static void
log_rsync_line(char *line, const char *src, const char *dst)
{
	size_t len = strcspn(line, "\n");
	const char *name = line + 12;

	line[len] = 0;
	if (len <= 12 || line[11] != ' ' || strchr("<>ch.*", line[0]) == NULL) {
		if (len > 0)
			msg_warn("%s", printable(line, '?'));
		return;
	}
	if (name[strlen(name) - 1] == '/')
		return;
	if (line[0] == '*')
		msg_info("removing %s%s", dst, name);
	else if (line[1] == 'f')
		msg_info("updating %s%s => %s%s", src, name, dst, name);
}

/* run_rsync - run rsync with args, log what it changed; 0 or -1 */
static int
run_rsync(const struct argv *args, const char *src, const char *dst)
{
	struct vstr *line = vstr_alloc(200);
	struct vstream *fp;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		msg_error("pipe/fork for %s: %m", RSYNC_PATH);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(fds[1], 1) < 0 ||
		    dup2(fds[1], 2) < 0)
			_exit(127);
		close(fds[0]);
		execv(RSYNC_PATH, args->argv);
		msg_error("exec %s: %m", RSYNC_PATH);
		_exit(127);
	}
	close(fds[1]);
	fp = vstream_fdopen(fds[0], VSTREAM_FLAG_NONE);
	while (vstream_get_line(fp, line, 8192) != VSTREAM_EOF)
		log_rsync_line(vstr_str(line), src, dst);
	(void) vstream_close(fp);
	vstr_free(line);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			msg_error("waitpid: %m");
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	msg_error("%s failed with status %d", RSYNC_PATH,
	          WIFEXITED(status) ? WEXITSTATUS(status)
	                            : 128 + WTERMSIG(status));
	return -1;
}

/* rsync_args - the options every run uses */
static struct argv *
rsync_args(const char *mode)
{
	struct argv *args = argv_alloc(16);

	argv_add(args, "rsync");
	argv_add(args, mode);
	argv_add(args, "--checksum");
	argv_add(args, "--numeric-ids");
	argv_add(args, OUT_FORMAT);
	return args;
}

/* remove_jail_copy - remove the jail's copy of a path gone from the host */
static int
remove_jail_copy(const char *path)
{
	struct vstr *buf = vstr_alloc(100);
	const char *copy = jail_path(buf, path);
	struct stat st;
	int ret = 0;

	if (lstat(copy, &st) == 0 && !S_ISDIR(st.st_mode)) {
		if (unlink(copy) == 0) {
			msg_info("removing %s", copy);
		} else {
			msg_error("remove %s: %m", copy);
			ret = -1;
		}
	}
	vstr_free(buf);
	return ret;
}

/* safe_path - an absolute path without "." or ".." components */
static bool
safe_path(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *p = path; (p = strchr(p, '/')) != NULL; p++) {
		size_t n = strcspn(p + 1, "/");

		if ((n == 1 && p[1] == '.') ||
		    (n == 2 && strncmp(p + 1, "..", 2) == 0))
			return false;
	}
	return true;
}

/* sync_files - copy absolute host paths into the jail; 0 or -1 */
static int
sync_files(const struct argv *paths)
{
	struct argv *args = rsync_args("-RLptgoX");
	size_t fixed;
	int ret = 0;
	struct stat st;

	argv_add(args, "--no-implied-dirs");
	fixed = args->argc;
	for (size_t i = 0; i < paths->argc; i++) {
		const char *path = paths->argv[i];

		if (!safe_path(path)) {
			msg_warn("chroot sync: ignoring %s: not an absolute "
			         "path "
			         "without \".\" or \"..\"",
			         path);
		} else if (stat(path, &st) < 0) {
			if (errno == ENOENT && remove_jail_copy(path) == 0)
				continue;
			if (errno != ENOENT)
				msg_error("%s: %m", path);
			ret = -1;
		} else if (!S_ISREG(st.st_mode)) {
			msg_error("%s: not a regular file, cannot copy it into "
			          "the chroot jail",
			          path);
			ret = -1;
		} else {
			argv_add(args, path);
		}
	}
	if (args->argc > fixed) {
		argv_add(args, vstr_str(jail));
		if (run_rsync(args, "", vstr_str(jail)) < 0)
			ret = -1;
	}
	argv_free(args);
	return ret;
}

/* libc_dir - dl_iterate_phdr callback: the directory of libc */
static int
libc_dir(struct dl_phdr_info *info, size_t size, void *ctx)
{
	const char *slash = strrchr(info->dlpi_name, '/');

	(void) size;
	if (slash == NULL || !str_prefix(slash + 1, "libc.so"))
		return 0;
	vstr_mem(ctx, info->dlpi_name, (size_t) (slash - info->dlpi_name));
	return 1;
}

/* nss_dir - /usr/lib/<multiarch>, where libc's directory says; or NULL */
static char *
nss_dir(void)
{
	struct vstr *dir = vstr_alloc(100);
	const char *ma;
	char *result = NULL;

	(void) dl_iterate_phdr(libc_dir, dir);
	ma = strrchr(vstr_str(dir), '/');
	if (ma != NULL && strchr(ma, '-') != NULL)
		result = vstr_export(
		        vstr_fmt(vstr_alloc(100), "/usr/lib%s", ma));
	vstr_free(dir);
	return result;
}

/* nss_list - add DIR/libnss_X.so.2 for each such module in scan_dir */
static void
nss_list(const char *scan_dir, const char *dir, struct argv *out)
{
	DIR *dp = opendir(scan_dir);
	struct dirent *de;
	struct vstr *path = vstr_alloc(100);

	while (dp != NULL && (de = readdir(dp)) != NULL) {
		const char *name = de->d_name;
		size_t n = strlen(name);
		bool dup = false;

		if (!str_prefix(name, "libnss_") ||
		    !str_suffix(name, ".so.2") || n <= 12)
			continue;
		vstr_mem(path, name + 7, n - 12);
		if (in_table(vstr_str(path), nss_builtin,
		             sizeof(nss_builtin) / sizeof(*nss_builtin)))
			continue;
		vstr_fmt(path, "%s/%s", dir, name);
		for (size_t i = 0; i < out->argc; i++)
			dup |= strcmp(out->argv[i], vstr_str(path)) == 0;
		if (!dup)
			argv_add(out, vstr_str(path));
	}
	if (dp != NULL)
		closedir(dp);
	vstr_free(path);
}

/* sync_nss - the NSS modules with a full chroot, none without */
static int
sync_nss(bool full)
{
	char *dir = nss_dir();
	struct vstr *buf = vstr_alloc(100);
	struct argv *paths = argv_alloc(8);
	int ret = 0;

	if (dir == NULL)
		goto done;
	if (full)
		nss_list(dir, dir, paths);
	nss_list(jail_path(buf, dir), dir, paths);
	if (full) {
		ret = sync_files(paths);
	} else {
		for (size_t i = 0; i < paths->argc; i++)
			ret |= remove_jail_copy(paths->argv[i]);
	}
done:
	argv_free(paths);
	vstr_free(buf);
	xfree(dir);
	return ret;
}

/* is_hash_name - NNNNNNNN.D with 8 lower-case hex digits */
static bool
is_hash_name(const char *name)
{
	if (strlen(name) != 10 || name[8] != '.' ||
	    !isdigit((unsigned char) name[9]))
		return false;
	return strspn(name, "0123456789abcdef") == 8;
}

/* purge_ca_copy - the jail's copy of a CA dir when it is not wanted */
static int
purge_ca_copy(const char *dir)
{
	struct vstr *buf = vstr_alloc(100);
	struct vstr *path = vstr_alloc(100);
	DIR *dp = opendir(jail_path(buf, dir));
	struct dirent *de;
	int ret = 0;

	while (dp != NULL && (de = readdir(dp)) != NULL)
		if (is_hash_name(de->d_name))
			ret |= remove_jail_copy(vstr_str(
			        vstr_fmt(path, "%s/%s", dir, de->d_name)));
	if (dp != NULL) {
		closedir(dp);
		(void) rmdir(jail_path(buf, dir));
	}
	vstr_free(buf);
	vstr_free(path);
	return ret;
}

/* make_parents - mkdir -p of path's parent directories, mode 0755 */
static void
make_parents(const char *path)
{
	struct vstr *dir = vstr_alloc(100);

	for (const char *p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		vstr_mem(dir, path, (size_t) (p - path));
		if (mkdir(vstr_str(dir), 0755) < 0 && errno != EEXIST)
			msg_warn("mkdir %s: %m", vstr_str(dir));
	}
	vstr_free(dir);
}

/* exclude_dangling - rsync excludes for hashed links without a target */
static void
exclude_dangling(const char *dir, struct argv *args)
{
	struct vstr *path = vstr_alloc(100);
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct stat st;

	while (dp != NULL && (de = readdir(dp)) != NULL) {
		if (!is_hash_name(de->d_name))
			continue;
		vstr_fmt(path, "%s/%s", dir, de->d_name);
		if (stat(vstr_str(path), &st) == 0 && S_ISREG(st.st_mode))
			continue;
		msg_warn("%s: not a regular file or a link to one, not copied "
		         "into the chroot jail",
		         vstr_str(path));
		argv_add(args,
		         vstr_str(vstr_fmt(path, "--exclude=/%s", de->d_name)));
	}
	if (dp != NULL)
		closedir(dp);
	vstr_free(path);
}

/* sync_ca_dir - hashed names of one CA dir, links dereferenced */
static int
sync_ca_dir(const char *dir)
{
	struct vstr *src = vstr_fmt(vstr_alloc(100), "%s/", dir);
	struct vstr *dst = vstr_alloc(100);
	struct argv *args;
	struct stat st;
	int ret, found = stat(dir, &st);

	if (found < 0 || !S_ISDIR(st.st_mode)) {
		if (found == 0 || errno != ENOENT)
			msg_warn("CA directory %s: not a directory; removing "
			         "its copy from the chroot jail",
			         dir);
		vstr_free(src);
		vstr_free(dst);
		return purge_ca_copy(dir);
	}
	jail_path(dst, vstr_str(src));
	make_parents(vstr_str(dst));
	args = rsync_args("-rLptgoX");
	argv_add(args, "--delete");
	argv_add(args, "--delete-excluded");
	argv_add(args, "--filter=P /ca-certificates.crt");
	exclude_dangling(dir, args);
	argv_add(args, "--include=/" HASH_GLOB);
	argv_add(args, "--exclude=*");
	argv_add(args, vstr_str(src));
	argv_add(args, vstr_str(dst));
	ret = run_rsync(args, vstr_str(src), vstr_str(dst));
	argv_free(args);
	vstr_free(src);
	vstr_free(dst);
	return ret;
}

/* add_ca_dirs - words of a CA dir setting, absolute, deduplicated */
static void
add_ca_dirs(const char *value, struct argv *out)
{
	struct argv *words = argv_split(value, SPACE_DELIMS);
	struct vstr *dir = vstr_alloc(100);

	for (size_t i = 0; i < words->argc; i++) {
		bool dup = false;

		vstr_fmt(dir, "%s%s", words->argv[i][0] == '/' ? "" : "/",
		         words->argv[i]);
		while (vstr_len(dir) > 1 &&
		       vstr_str(dir)[vstr_len(dir) - 1] == '/')
			vstr_truncate(dir, vstr_len(dir) - 1);
		if (vstr_len(dir) <= 1 || !safe_path(vstr_str(dir)) ||
		    strcmp(vstr_str(dir), vstr_str(jail)) == 0 ||
		    (str_prefix(vstr_str(dir), vstr_str(jail)) &&
		     vstr_str(dir)[vstr_len(jail)] == '/'))
			continue;
		for (size_t j = 0; j < out->argc; j++)
			dup |= strcmp(out->argv[j], vstr_str(dir)) == 0;
		if (!dup)
			argv_add(out, vstr_str(dir));
	}
	argv_free(words);
	vstr_free(dir);
}

/* sync_ca_dirs - every CA dir with a full chroot; their copies purged without
 */
static int
sync_ca_dirs(const struct sync_conf *conf, bool full)
{
	struct argv *dirs = argv_alloc(4);
	int ret = 0;

	add_ca_dirs(var_smtp_tls_CApath, dirs);
	add_ca_dirs(var_smtpd_tls_CApath, dirs);
	for (size_t i = 0; i < conf->extra_cadirs->argc; i++)
		add_ca_dirs(conf->extra_cadirs->argv[i], dirs);
	for (size_t i = 0; i < dirs->argc; i++)
		ret |= full ? sync_ca_dir(dirs->argv[i])
		            : purge_ca_copy(dirs->argv[i]);
	argv_free(dirs);
	return ret;
}

/* sync_etc - the etc files and chroot_extra_files */
static int
sync_etc(const struct sync_conf *conf)
{
	struct argv *paths = argv_alloc(16);
	struct vstr *path = vstr_alloc(100);
	int ret;

	for (size_t i = 0; i < sizeof(etc_files) / sizeof(*etc_files); i++)
		argv_add(paths, etc_files[i]);
	for (size_t i = 0; i < conf->extra_files->argc; i++) {
		const char *f = conf->extra_files->argv[i];

		argv_add(paths, vstr_str(vstr_fmt(path, "%s%s",
		                                  *f == '/' ? "" : "/", f)));
	}
	ret = sync_files(paths);
	argv_free(paths);
	vstr_free(path);
	return ret;
}

/* postfix_sync_jail - see postfix.h */
int
postfix_sync_jail(void)
{
	struct sync_conf conf;
	bool full;
	int ret = 0;

	if (check_myorigin() < 0)
		return -1;
	if (geteuid() != 0)
		return 0;
	defaults_read(&conf);
	if (conf.enabled) {
		jail = vstr_cpy(vstr_alloc(100), var_queue_directory);
		while (vstr_len(jail) > 1 &&
		       vstr_str(jail)[vstr_len(jail) - 1] == '/')
			vstr_truncate(jail, vstr_len(jail) - 1);
		if (need_full_chroot(&full) < 0)
			ret = -1;
		else
			ret = sync_etc(&conf) | sync_nss(full) |
			      sync_ca_dirs(&conf, full);
		if (ret != 0)
			sync_fatal("unable to update the chroot jail in %s",
			           vstr_str(jail));
		jail = vstr_free(jail);
	}
	argv_free(conf.extra_files);
	argv_free(conf.extra_cadirs);
	return ret ? -1 : 0;
}

/* run_instance - "postfix -c DIR sync-chroot"; its exit status */
static int
run_instance(const char *dir)
{
	struct vstr *self =
	        vstr_fmt(vstr_alloc(100), "%s/postfix", var_command_directory);
	struct argv *args = argv_alloc(6);
	int status;
	pid_t pid;

	argv_add(args, "postfix");
	for (int i = 0; i < msg_verbose && i < 3; i++)
		argv_add(args, "-v");
	argv_add(args, "-c");
	argv_add(args, dir);
	argv_add(args, "sync-chroot");
	if ((pid = fork()) < 0)
		msg_fatal("fork: %m");
	if (pid == 0) {
		/* This same binary; the installed one if /proc is missing. */
		execv("/proc/self/exe", args->argv);
		execv(vstr_str(self), args->argv);
		msg_error("exec %s: %m", vstr_str(self));
		_exit(1);
	}
	argv_free(args);
	vstr_free(self);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			msg_fatal("waitpid: %m");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* instance_dir - is base/name a config directory with a main.cf? */
static bool
instance_dir(const char *base, const char *name, struct vstr *dir)
{
	struct vstr *cf = vstr_alloc(100);
	struct stat st;
	bool ok;

	vstr_fmt(dir, "%s/%s", base, name);
	vstr_fmt(cf, "%s/main.cf", vstr_str(dir));
	ok = stat(vstr_str(cf), &st) == 0 && S_ISREG(st.st_mode);
	vstr_free(cf);
	return ok;
}

/* sync_all - every instance: base/postfix and base/postfix-NAME */
static int
sync_all(void)
{
	const char *base = getenv("POSTFIX_INSTANCE_BASE");
	struct vstr *dir = vstr_alloc(100);
	struct dirent **names;
	int n, ret = 0;

	if (base == NULL || *base == 0)
		base = "/etc";
	if ((n = scandir(base, &names, NULL, alphasort)) < 0)
		msg_fatal("scan %s: %m", base);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;

		if ((strcmp(name, "postfix") == 0 ||
		     (str_prefix(name, "postfix-") && name[8] != 0)) &&
		    instance_dir(base, name, dir) &&
		    run_instance(vstr_str(dir)) != 0) {
			msg_error("the chroot sync of %s failed",
			          vstr_str(dir));
			ret = 1;
		}
		free(names[i]);
	}
	free(names);
	vstr_free(dir);
	return ret;
}

/* postfix_sync_cmd - see postfix.h */
int
postfix_sync_cmd(int argc, char **argv)
{
	if (argc == 1)
		return postfix_sync_jail() < 0 ? 1 : 0;
	if (argc == 2 && strcmp(argv[1], "all") == 0)
		return sync_all();
	msg_fatal("usage: postfix [-c config_dir] sync-chroot [all]");
}
