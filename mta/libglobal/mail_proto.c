/*
 * mail_proto - connecting to our services
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail_params.h"
#include "mail_proto.h"
#include "sock.h"
#include "vstr.h"

/* mail_connect - stream to class/service, or NULL */
struct vstream *
mail_connect(const char *class, const char *service, int timeout)
{
	struct vstr *path = vstr_alloc(64);
	struct vstream *fp = NULL;
	int fd;

	vstr_fmt(path, "%s/%s", class, service);
	fd = sock_unix_connect(vstr_str(path), timeout, NULL);
	if (fd >= 0) {
		fp = vstream_fdopen(fd, VSTREAM_FLAG_NONE);
		vstream_set_timeout(fp, (int) var_ipc_timeout);
	}
	vstr_free(path);
	return fp;
}

/* mail_trigger - wake up a trigger service, fifo or unix */
int
mail_trigger(const char *class, const char *service, const char *req,
             size_t len)
{
	struct vstr *path = vstr_alloc(64);
	struct stat st;
	int ret;

	vstr_fmt(path, "%s/%s", class, service);
	if (stat(vstr_str(path), &st) < 0)
		ret = -1;
	else if (S_ISFIFO(st.st_mode))
		ret = sock_fifo_trigger(vstr_str(path), req, len, 1);
	else
		ret = sock_unix_trigger(vstr_str(path), req, len, 1);
	vstr_free(path);
	return ret;
}
