/*
 * vstr - dynamic strings
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

/* vstr_alloc - create an empty string */
struct vstr *
vstr_alloc(size_t initial)
{
	struct vstr *s = xmalloc(sizeof(*s));

	s->cap = size_add(initial, 1);
	s->buf = xmalloc(s->cap);
	s->buf[0] = 0;
	s->len = 0;
	return s;
}

/* vstr_free - destroy, return NULL */
struct vstr *
vstr_free(struct vstr *s)
{
	if (s) {
		xfree(s->buf);
		xfree(s);
	}
	return NULL;
}

/* vstr_export - destroy the wrapper, hand over the buffer */
char *
vstr_export(struct vstr *s)
{
	char *buf = s->buf;

	xfree(s);
	return buf;
}

/* vstr_reserve - make room for extra bytes plus the NUL */
void
vstr_reserve(struct vstr *s, size_t extra)
{
	size_t need = size_add(size_add(s->len, extra), 1);
	size_t cap;

	if (need <= s->cap)
		return;
	cap = s->cap;
	while (cap < need)
		cap = cap < 64 ? 64 : size_mul(cap, 2);
	s->buf = xrealloc(s->buf, cap);
	s->cap = cap;
}

/* vstr_cat_mem - append bytes; p may point into s itself */
struct vstr *
vstr_cat_mem(struct vstr *s, const void *p, size_t n)
{
	const char *src = p;

	if (src >= s->buf && src < s->buf + s->cap) {
		size_t off = (size_t) (src - s->buf);

		vstr_reserve(s, n);
		p = s->buf + off;
	}
	vstr_reserve(s, n);
	if (n)
		memmove(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = 0;
	return s;
}

/* vstr_mem - replace content with bytes */
struct vstr *
vstr_mem(struct vstr *s, const void *p, size_t n)
{
	s->len = 0;
	return vstr_cat_mem(s, p, n);
}

/* vstr_cpy - replace content with a string */
struct vstr *
vstr_cpy(struct vstr *s, const char *str)
{
	return vstr_mem(s, str, strlen(str));
}

/* vstr_cat - append a string */
struct vstr *
vstr_cat(struct vstr *s, const char *str)
{
	return vstr_cat_mem(s, str, strlen(str));
}

/* vstr_addch - append one byte */
struct vstr *
vstr_addch(struct vstr *s, int ch)
{
	char c = (char) ch;

	return vstr_cat_mem(s, &c, 1);
}

/* vstr_reset - make empty, keep the buffer */
struct vstr *
vstr_reset(struct vstr *s)
{
	s->len = 0;
	s->buf[0] = 0;
	return s;
}

/* vstr_truncate - shorten to len bytes (no-op when already shorter) */
struct vstr *
vstr_truncate(struct vstr *s, size_t len)
{
	if (len < s->len) {
		s->len = len;
		s->buf[len] = 0;
	}
	return s;
}

/* vstr_vfmt_append - append formatted text */
struct vstr *
vstr_vfmt_append(struct vstr *s, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		msg_panic("%s: bad format \"%s\"", __func__, fmt);
	if ((size_t) n >= s->cap - s->len) {
		vstr_reserve(s, (size_t) n);
		n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, ap);
		if (n < 0 || (size_t) n >= s->cap - s->len)
			msg_panic("%s: format size changed", __func__);
	}
	s->len += (size_t) n;
	return s;
}

/* vstr_fmt_append - append formatted text */
struct vstr *
vstr_fmt_append(struct vstr *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vstr_vfmt_append(s, fmt, ap);
	va_end(ap);
	return s;
}

/* vstr_fmt - replace content with formatted text */
struct vstr *
vstr_fmt(struct vstr *s, const char *fmt, ...)
{
	va_list ap;

	vstr_reset(s);
	va_start(ap, fmt);
	vstr_vfmt_append(s, fmt, ap);
	va_end(ap);
	return s;
}
