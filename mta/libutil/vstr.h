#ifndef VSTR_H
#define VSTR_H
/*
 * NAME
 *	vstr - the one dynamic string type
 * SUMMARY
 *	struct vstr *vstr_alloc(size_t initial);
 *	struct vstr *vstr_free(struct vstr *s);
 *	struct vstr *vstr_cpy(struct vstr *s, const char *str);
 *	struct vstr *vstr_cat(struct vstr *s, const char *str);
 *	struct vstr *vstr_mem(struct vstr *s, const void *p, size_t n);
 *	struct vstr *vstr_cat_mem(struct vstr *s, const void *p, size_t n);
 *	struct vstr *vstr_addch(struct vstr *s, int ch);
 *	struct vstr *vstr_fmt(struct vstr *s, const char *fmt, ...);
 *	struct vstr *vstr_fmt_append(struct vstr *s, const char *fmt, ...);
 *	struct vstr *vstr_vfmt_append(struct vstr *s, const char *fmt, va_list);
 *	struct vstr *vstr_reset(struct vstr *s);
 *	struct vstr *vstr_truncate(struct vstr *s, size_t len);
 *	char *vstr_str(const struct vstr *s);
 *	size_t vstr_len(const struct vstr *s);
 *	char *vstr_export(struct vstr *s);
 * DESCRIPTION
 *	A vstr holds a binary-safe byte string that is always followed by
 *	a NUL byte, so vstr_str() can be passed to C string functions when
 *	the content has no embedded NUL.
 *
 *	vstr_cpy() and vstr_mem() replace the content; vstr_cat(),
 *	vstr_cat_mem(), vstr_addch() and vstr_fmt_append() append.
 *	vstr_fmt() formats like snprintf() into the string, growing it as
 *	needed. vstr_export() frees the vstr and returns its buffer, which
 *	the caller must xfree().
 *
 *	HAZARD: any call that appends may move the buffer. A pointer
 *	obtained from vstr_str() before such a call is invalid after it.
 *	Keep offsets, not pointers, across appends.
 *
 *	Protocol limits are enforced where data is read, never by the
 *	size of a buffer: a vstr grows until memory runs out, and sizes
 *	are overflow-checked.
 */
#include <stdarg.h>
#include <stddef.h>

struct vstr {
	char *buf;
	size_t len;
	size_t cap; /* bytes allocated, including the NUL */
};

extern struct vstr *vstr_alloc(size_t);
extern struct vstr *vstr_free(struct vstr *);
extern struct vstr *vstr_cpy(struct vstr *, const char *);
extern struct vstr *vstr_cat(struct vstr *, const char *);
extern struct vstr *vstr_mem(struct vstr *, const void *, size_t);
extern struct vstr *vstr_cat_mem(struct vstr *, const void *, size_t);
extern struct vstr *vstr_addch(struct vstr *, int);
extern struct vstr *vstr_fmt(struct vstr *, const char *, ...)
        __attribute__((format(printf, 2, 3)));
extern struct vstr *vstr_fmt_append(struct vstr *, const char *, ...)
        __attribute__((format(printf, 2, 3)));
extern struct vstr *vstr_vfmt_append(struct vstr *, const char *, va_list)
        __attribute__((format(printf, 2, 0)));
extern struct vstr *vstr_reset(struct vstr *);
extern struct vstr *vstr_truncate(struct vstr *, size_t);
extern void vstr_reserve(struct vstr *, size_t);
extern char *vstr_export(struct vstr *);

static inline char *
vstr_str(const struct vstr *s)
{
	return s->buf;
}

static inline size_t
vstr_len(const struct vstr *s)
{
	return s->len;
}

#endif
