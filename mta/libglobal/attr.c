/*
 * attr - the attribute protocol, plain encoding
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstr.h"

struct attr_list {
	char **names;
	char **values;
	size_t count, cap;
};

/* attr_list_alloc - empty list */
struct attr_list *
attr_list_alloc(void)
{
	struct attr_list *l = xmalloc(sizeof(*l));

	memset(l, 0, sizeof(*l));
	return l;
}

/* attr_list_reset - forget all attributes */
void
attr_list_reset(struct attr_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		xfree(l->names[i]);
		xfree(l->values[i]);
	}
	l->count = 0;
}

/* attr_list_free - destructor */
struct attr_list *
attr_list_free(struct attr_list *l)
{
	if (l) {
		attr_list_reset(l);
		xfree(l->names);
		xfree(l->values);
		xfree(l);
	}
	return NULL;
}

/* attr_list_add - append one attribute */
void
attr_list_add(struct attr_list *l, const char *name, const char *value)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? size_mul(l->cap, 2) : 16;
		l->names = xreallocarray(l->names, l->cap, sizeof(char *));
		l->values = xreallocarray(l->values, l->cap, sizeof(char *));
	}
	l->names[l->count] = xstrdup(name);
	l->values[l->count] = xstrdup(value ? value : "");
	l->count++;
}

/* attr_list_addf - append one formatted attribute */
void
attr_list_addf(struct attr_list *l, const char *name, const char *fmt, ...)
{
	struct vstr *v = vstr_alloc(32);
	va_list ap;

	va_start(ap, fmt);
	vstr_vfmt_append(v, fmt, ap);
	va_end(ap);
	attr_list_add(l, name, vstr_str(v));
	vstr_free(v);
}

/* attr_list_get - first value of name, or NULL */
const char *
attr_list_get(const struct attr_list *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->names[i], name) == 0)
			return l->values[i];
	return NULL;
}

/* attr_list_get_long - numeric value, or dflt when absent or not a number */
long
attr_list_get_long(const struct attr_list *l, const char *name, long dflt)
{
	const char *v = attr_list_get(l, name);
	char *end;
	long n;

	if (v == NULL || *v == 0)
		return dflt;
	n = strtol(v, &end, 10);
	return *end ? dflt : n;
}

size_t
attr_list_count(const struct attr_list *l)
{
	return l->count;
}

const char *
attr_list_name(const struct attr_list *l, size_t i)
{
	return i < l->count ? l->names[i] : NULL;
}

const char *
attr_list_value(const struct attr_list *l, size_t i)
{
	return i < l->count ? l->values[i] : NULL;
}

/* put_attr - one "name=value\n" line, CR and LF in the value as spaces */
static int
put_attr(struct vstream *fp, const char *name, const char *value)
{
	const char *p;

	if (*name == 0 || strpbrk(name, "=\n") != NULL)
		msg_panic("%s: bad attribute name \"%s\"", __func__, name);
	if (vstream_puts(fp, name) < 0 || vstream_putc(fp, '=') < 0)
		return -1;
	for (p = value; *p; p++)
		if (vstream_putc(fp, *p == '\n' || *p == '\r' ? ' ' : *p) < 0)
			return -1;
	return vstream_putc(fp, '\n');
}

/* attr_list_write - send a list and its terminator */
int
attr_list_write(struct vstream *fp, const struct attr_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		if (put_attr(fp, l->names[i], l->values[i]) < 0)
			return -1;
	if (vstream_putc(fp, '\n') < 0 || vstream_fflush(fp) < 0)
		return -1;
	return 0;
}

/* attr_print - send typed attributes given as arguments */
int
attr_print(struct vstream *fp, ...)
{
	struct vstr *num = vstr_alloc(24);
	enum attr_type type;
	int ret = 0;
	va_list ap;

	va_start(ap, fp);
	while ((type = (enum attr_type) va_arg(ap, int)) != ATTR_TYPE_END) {
		const char *name = va_arg(ap, const char *);

		if (type == ATTR_TYPE_STR) {
			const char *v = va_arg(ap, const char *);

			ret |= put_attr(fp, name, v ? v : "");
		} else if (type == ATTR_TYPE_LONG) {
			vstr_fmt(num, "%ld", va_arg(ap, long));
			ret |= put_attr(fp, name, vstr_str(num));
		} else {
			msg_panic("%s: bad attribute type %d", __func__, type);
		}
	}
	va_end(ap);
	vstr_free(num);
	if (vstream_putc(fp, '\n') < 0 || vstream_fflush(fp) < 0)
		ret = -1;
	return ret < 0 ? -1 : 0;
}

/* attr_list_read - receive one list; count, or -1 */
int
attr_list_read(struct vstream *fp, struct attr_list *l, size_t limit)
{
	struct vstr *line = vstr_alloc(100);
	int ch, ret = -1;

	attr_list_reset(l);
	for (;;) {
		char *s, *eq;

		ch = vstream_get_line(fp, line, limit ? limit + 1 : 0);
		if (ch != '\n')
			break; /* EOF, error, timeout, or over-long line */
		s = vstr_str(line);
		s[vstr_len(line) - 1] = 0;
		if (*s == 0) {
			ret = (int) l->count;
			break;
		}
		if ((eq = strchr(s, '=')) == NULL || eq == s)
			break;
		*eq = 0;
		attr_list_add(l, s, eq + 1);
	}
	vstr_free(line);
	return ret;
}
