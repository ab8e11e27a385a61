/*
 * local_token - the items of an alias value, .forward or :include: file:
 * addresses, "|command", "/file/name" and ":include:/file/name"
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "argv.h"
#include "local.h"
#include "mail_params.h"
#include "msg.h"
#include "mymalloc.h"
#include "resolve.h"
#include "stringops.h"
#include "vstr.h"

/* split_items - comma/newline separated items; quotes group; # comments */
static struct argv *
split_items(const char *text)
{
	struct argv *items = argv_alloc(10);
	struct vstr *cur = vstr_alloc(100);
	bool quoted = false, line_start = true, comment = false;

	for (const char *cp = text;; cp++) {
		if (comment && *cp && *cp != '\n')
			continue;
		comment = false;
		if (line_start && *cp == '#' && !quoted) {
			comment = true;
			continue;
		}
		line_start = *cp == '\n';
		if (*cp == '\\' && quoted && cp[1]) {
			vstr_addch(cur, *cp++);
			vstr_addch(cur, *cp);
			continue;
		}
		if (*cp == '"')
			quoted = !quoted;
		if (*cp == 0 || ((*cp == ',' || *cp == '\n') && !quoted)) {
			char *item = trim_space(vstr_str(cur));

			if (*item)
				argv_add(items, item);
			vstr_reset(cur);
			if (*cp == 0)
				break;
			continue;
		}
		vstr_addch(cur, *cp);
	}
	vstr_free(cur);
	return items;
}

/* strip_quotes - "|cmd args" -> |cmd args, in place */
static char *
strip_quotes(char *item)
{
	size_t len = strlen(item);
	char *in, *out;

	if (len < 2 || item[0] != '"' || item[len - 1] != '"')
		return item;
	item[len - 1] = 0;
	for (in = out = item + 1; *in; in++) {
		if (*in == '\\' && in[1])
			in++;
		*out++ = *in;
	}
	*out = 0;
	return item + 1;
}

/* include_file - read an :include: file and deliver to its items */
static int
include_file(struct local_state *st, struct local_attr a, struct local_user u,
             const char *path)
{
	struct mbox_why why = {NULL, vstr_alloc(100)};
	struct vstr *text = vstr_alloc(1024);
	struct passwd *pw;
	struct stat sb;
	char buf[4096];
	ssize_t n;
	int fd, count = 0, status;

	if (*path != '/') {
		vstr_free(why.text);
		vstr_free(text);
		return local_result(st, &a, LOCAL_BOUNCE, "5.3.5",
		                    ":include:%s uses a relative path", path);
	}
	if (local_been_here(st, "include %s", path)) {
		vstr_free(why.text);
		vstr_free(text);
		return 0;
	}
	if (u.uid != 0)
		local_set_eugid(u.uid, u.gid);
	else
		local_set_eugid(0, 0);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		mbox_why_set(&why, mbox_dsn(errno, "5.3.0"),
		             "cannot open include file %s: %m", path);
	else if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		mbox_why_set(&why, "5.3.0", "not a regular file: %s", path);
	else
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			vstr_cat_mem(text, buf, (size_t) n);
	if (fd >= 0)
		(void) close(fd);
	local_set_eugid(local_owner_uid, local_owner_gid);
	if (why.dsn) {
		status = local_result_why(st, &a, &why, "%s", "");
	} else {
		/* A file owned by a user runs commands/files with its rights.
		 */
		if (sb.st_uid != 0 && (pw = getpwuid(sb.st_uid)) != NULL)
			local_user_from_pw(st, &u, pw);
		a.exp_type = LOCAL_EXP_INCLUDE;
		status = local_tokens(st, a, u, vstr_str(text), &count);
	}
	vstr_free(why.text);
	vstr_free(text);
	return status;
}

/* local_resolve_addr - deliver here when the address is ours, else resend */
int
local_resolve_addr(struct local_state *st, struct local_attr a,
                   struct local_user u, const char *addr)
{
	struct resolve_reply r;
	int status;

	resolve_reply_init(&r);
	resolve_addr(addr, &r);
	if (r.flags & RESOLVE_FLAG_FAIL) {
		status = local_result(st, &a, LOCAL_DEFERRED, "4.3.0",
		                      "address resolver failure");
	} else {
		a.rcpt.address = (char *) local_save(st, vstr_str(r.recipient));
		if ((r.flags & RESOLVE_CLASS_LOCAL) &&
		    strcmp(vstr_str(r.transport), st->service) == 0)
			status = local_deliver_recipient(st, a, u);
		else
			status = local_indirect(st, a);
	}
	resolve_reply_free(&r);
	return status;
}

/* deliver_item - one item of the list */
static int
deliver_item(struct local_state *st, struct local_attr a, struct local_user u,
             char *item)
{
	struct vstr *addr;
	int status;

	item = strip_quotes(item);
	if (*item == '|') {
		if ((local_cmd_mask & a.exp_type) == 0)
			return local_result(st, &a, LOCAL_BOUNCE, "5.7.1",
			                    "mail to command is restricted");
		return local_command(st, a, u, item + 1);
	}
	if (strncasecmp(item, ":include:", 9) == 0) {
		if ((local_file_mask & a.exp_type) == 0)
			return local_result(st, &a, LOCAL_BOUNCE, "5.7.1",
			                    "mail to file is restricted");
		return include_file(st, a, u, trim_space(item + 9));
	}
	if (*item == '/') {
		if ((local_file_mask & a.exp_type) == 0)
			return local_result(st, &a, LOCAL_BOUNCE, "5.7.1",
			                    "mail to file is restricted");
		return local_file(st, a, u, item);
	}
	if (*item == '\\') {
		a.no_alias = true;
		item++;
	}
	addr = vstr_alloc(100);
	addr_unquote(item, addr);
	status = local_resolve_addr(st, a, u, vstr_str(addr));
	vstr_free(addr);
	return status;
}

/* local_tokens - deliver to every item of text; *count items seen */
int
local_tokens(struct local_state *st, struct local_attr a, struct local_user u,
             const char *text, int *count)
{
	struct argv *items = split_items(text);
	int status = 0;

	for (size_t i = 0; i < items->argc; i++) {
		(*count)++;
		status |= deliver_item(st, a, u, items->argv[i]);
	}
	argv_free(items);
	return status;
}
