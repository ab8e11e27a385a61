/*
 * mkmap_query - the query, listing and delete modes of postmap/postalias
 *
 * Tables are opened on first use, so that "postmap -q key a b" does not
 * open b when a has the key, as in Postfix. Any table error is fatal: a
 * command cannot defer.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "mkmap.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

#define UTF8_ERR "malformed UTF-8 or invalid codepoint"

/* open_arg - open one table argument */
static struct dict *
open_arg(const char *arg, int open_flags, int dict_flags)
{
	char *type, *name;
	struct vstr *type_name = vstr_alloc(100);
	struct dict *d;

	mkmap_split(arg, &type, &name);
	vstr_fmt(type_name, "%s:%s", type, name);
	d = mkmap_dict_open(vstr_str(type_name), open_flags, dict_flags);
	vstr_free(type_name);
	xfree(type);
	xfree(name);
	return d;
}

/* table_label - "type:file" as Postfix names an open table */
static const char *
table_label(const struct dict *d, struct vstr *out)
{
	struct vstr *file = vstr_alloc(100);

	vstr_fmt(out, "%s:%s", d->type,
	         mkmap_file_name(d->type, d->name, file));
	vstr_free(file);
	return vstr_str(out);
}

/* fatal_op - a table operation failed */
static void __attribute__((noreturn))
fatal_op(const struct dict *d, const char *op)
{
	const char *why = vstr_str(d->why);

	/* Reasons that already name the table are shown as they are. */
	if (str_prefix(why, "table "))
		msg_fatal("%s", why);
	msg_fatal("table %s:%s: %s error: %s", d->type, d->name, op, why);
}

/* fatal_buf - a buffer that stays reachable while msg_fatal() exits */
static struct vstr *
fatal_buf(void)
{
	static struct vstr *buf;

	if (buf == NULL)
		buf = vstr_alloc(100);
	return buf;
}

/* fatal_label - "table type:file: what", fatal */
static void __attribute__((noreturn))
fatal_label(const struct dict *d, const char *what)
{
	msg_fatal("table %s: %s", table_label(d, fatal_buf()), what);
}

/* prep_key - the key to send to a table; NULL when it cannot be used */
static const char *
prep_key(struct vstr *buf, const struct dict *d, const char *key, int flags)
{
	struct vstr *label;
	char *copy;

	if (!(flags & MKMAP_UTF8) || mkmap_utf8_valid(key, strlen(key)))
		return mkmap_fold(buf, key, d->flags, flags);
	label = vstr_alloc(100);
	copy = printable(xstrdup(key), '?');
	msg_warn("%s: non-UTF-8 key \"%s\": %s", table_label(d, label), copy,
	         UTF8_ERR);
	xfree(copy);
	vstr_free(label);
	return NULL;
}

/*
 * check_empty - Postfix's warning about an empty value. The table is
 * named as the user wrote it (file_label false) or by its file.
 */
static void
check_empty(const struct dict *d, const char *key, const char *value,
            bool file_label)
{
	struct vstr *label;

	if (*value != 0)
		return;
	label = vstr_alloc(100);
	if (file_label)
		table_label(d, label);
	else
		vstr_fmt(label, "%s:%s", d->type, d->name);
	msg_warn("table %s: key %s: empty string result is not allowed",
	         vstr_str(label), key);
	msg_warn("table %s should return NO RESULT in case of NOT FOUND",
	         vstr_str(label));
	vstr_free(label);
}

/* check_utf8 - with MKMAP_UTF8 a value must be UTF-8 */
static void
check_utf8(const struct dict *d, const char *key, const char *value, int flags)
{
	struct vstr *label;
	char *copy;

	if (!(flags & MKMAP_UTF8) || mkmap_utf8_valid(value, strlen(value)))
		return;
	label = vstr_alloc(100);
	copy = printable(xstrdup(value), '?');
	msg_warn("%s: key \"%s\": non-UTF-8 value \"%s\": %s",
	         table_label(d, label), key, copy, UTF8_ERR);
	xfree(copy);
	vstr_free(label);
	fatal_label(d, "query error");
}

/* decode_file_value - postmap -F: the value is BASE64; NULL if it is not */
static const char *
decode_file_value(const struct dict *d, const char *key, const char *value,
                  struct vstr *buf)
{
	struct vstr *label;

	if (!(d->flags & DICT_FLAG_SRC_RHS_IS_FILE))
		return value;
	if (mkmap_b64_decode(buf, value))
		return vstr_str(buf);
	label = vstr_alloc(100);
	msg_warn("table %s: key %s: malformed BASE64 value: %s",
	         table_label(d, label), key, value);
	vstr_free(label);
	return NULL;
}

/* mkmap_maps_alloc - a list of tables to search in order */
struct mkmap_maps *
mkmap_maps_alloc(char **args, size_t count, int open_flags, int dict_flags,
                 int flags)
{
	struct mkmap_maps *mm = xcalloc(1, sizeof(*mm));

	mm->args = args;
	mm->count = count;
	mm->dicts = xcalloc(count, sizeof(*mm->dicts));
	mm->open_flags = open_flags;
	mm->dict_flags = dict_flags;
	mm->flags = flags;
	mm->fold_buf = vstr_alloc(100);
	mm->value_buf = vstr_alloc(100);
	return mm;
}

/* mkmap_maps_find - first table that has the key */
int
mkmap_maps_find(struct mkmap_maps *mm, const char *key, const char **value)
{
	for (size_t i = 0; i < mm->count; i++) {
		struct dict *d;
		const char *k;
		int rc;

		if (mm->dicts[i] == NULL)
			mm->dicts[i] = open_arg(mm->args[i], mm->open_flags,
			                        mm->dict_flags);
		d = mm->dicts[i];
		if ((k = prep_key(mm->fold_buf, d, key, mm->flags)) == NULL)
			continue;
		rc = dict_get(d, k, value);
		if (rc == DICT_FOUND) {
			check_utf8(d, key, *value, mm->flags);
			if ((*value = decode_file_value(d, key, *value,
			                                mm->value_buf)) == NULL)
				fatal_label(d, "query error");
			check_empty(d, key, *value, !mm->user_label);
			return DICT_FOUND;
		}
		if (rc == DICT_ERROR)
			fatal_op(d, "query");
	}
	return DICT_NOTFOUND;
}

/* mkmap_maps_free - close what was opened */
struct mkmap_maps *
mkmap_maps_free(struct mkmap_maps *mm)
{
	for (size_t i = 0; i < mm->count; i++)
		dict_close(mm->dicts[i]);
	xfree(mm->dicts);
	vstr_free(mm->fold_buf);
	vstr_free(mm->value_buf);
	xfree(mm);
	return NULL;
}

/* mkmap_query - print the value of one key (-q key) */
int
mkmap_query(char **args, size_t count, const char *key, int dict_flags,
            int flags)
{
	struct mkmap_maps *mm =
	        mkmap_maps_alloc(args, count, O_RDONLY, dict_flags, flags);
	const char *value;
	int rc;

	mm->user_label = true;
	rc = mkmap_maps_find(mm, key, &value);

	if (rc == DICT_FOUND)
		printf("%s\n", value);
	fflush(stdout);
	mkmap_maps_free(mm);
	return rc;
}

/* mkmap_read_line - one line without its newline; false at the end */
bool
mkmap_read_line(FILE *in, struct vstr *line)
{
	int ch;

	vstr_reset(line);
	while ((ch = getc(in)) != EOF && ch != '\n')
		vstr_addch(line, ch);
	return ch != EOF || vstr_len(line) > 0;
}

/* mkmap_query_stream - look up every key read from in (-q -) */
int
mkmap_query_stream(FILE *in, char **args, size_t count, const char *sep,
                   int dict_flags, int flags)
{
	struct mkmap_maps *mm =
	        mkmap_maps_alloc(args, count, O_RDONLY, dict_flags, flags);
	struct vstr *key = vstr_alloc(100);
	const char *value;
	int found = DICT_NOTFOUND;

	while (mkmap_read_line(in, key)) {
		if (mkmap_maps_find(mm, vstr_str(key), &value) == DICT_FOUND) {
			printf("%s%s%s\n", vstr_str(key), sep, value);
			found = DICT_FOUND;
		}
	}
	fflush(stdout);
	vstr_free(key);
	mkmap_maps_free(mm);
	return found;
}

/* mkmap_seq - print every entry of one table (-s) */
void
mkmap_seq(const char *arg, const char *sep, int dict_flags, int flags)
{
	struct dict *d = open_arg(arg, O_RDONLY, dict_flags);
	struct vstr *buf = vstr_alloc(100);
	const char *key, *value;
	int how = DICT_SEQ_FIRST;
	int rc;

	(void) flags;
	while ((rc = dict_seq(d, how, &key, &value)) == DICT_FOUND) {
		how = DICT_SEQ_NEXT;
		if (*key == 0)
			msg_warn("table %s:%s: empty lookup key value is not "
			         "allowed",
			         d->type, d->name);
		else
			check_empty(d, key, value, false);
		if ((value = decode_file_value(d, key, value, buf)) != NULL)
			printf("%s%s%s\n", key, sep, value);
	}
	if (rc == DICT_ERROR)
		fatal_op(d, "sequence");
	fflush(stdout);
	vstr_free(buf);
	dict_close(d);
}

/* delete_key - remove a key from one table; true when it was there */
static bool
delete_key(struct dict *d, struct vstr *buf, const char *key, int flags)
{
	const char *k = prep_key(buf, d, key, flags);
	int rc;

	if (k == NULL)
		return false;
	if ((rc = dict_del(d, k)) == DICT_ERROR)
		fatal_op(d, "delete");
	return rc == DICT_OK;
}

/* open_all - open every table for update */
static struct dict **
open_all(char **args, size_t count, int dict_flags)
{
	struct dict **dicts = xcalloc(count, sizeof(*dicts));

	for (size_t i = 0; i < count; i++)
		dicts[i] = open_arg(args[i], O_RDWR, dict_flags);
	return dicts;
}

/* close_all - close what open_all() opened */
static void
close_all(struct dict **dicts, size_t count)
{
	for (size_t i = 0; i < count; i++)
		dict_close(dicts[i]);
	xfree(dicts);
}

/* mkmap_delete - remove one key from every table (-d key) */
int
mkmap_delete(char **args, size_t count, const char *key, int dict_flags,
             int flags)
{
	struct vstr *buf = vstr_alloc(100);
	bool found = false;

	/* One table at a time, as Postfix: a later open error is fatal. */
	for (size_t i = 0; i < count; i++) {
		struct dict *d = open_arg(args[i], O_RDWR, dict_flags);

		found |= delete_key(d, buf, key, flags);
		dict_close(d);
	}
	vstr_free(buf);
	return found ? DICT_FOUND : DICT_NOTFOUND;
}

/* mkmap_delete_stream - remove every key read from in (-d -) */
int
mkmap_delete_stream(FILE *in, char **args, size_t count, int dict_flags,
                    int flags)
{
	struct dict **dicts = open_all(args, count, dict_flags);
	struct vstr *key = vstr_alloc(100);
	struct vstr *buf = vstr_alloc(100);
	bool found = false;

	while (mkmap_read_line(in, key))
		for (size_t i = 0; i < count; i++)
			found |=
			        delete_key(dicts[i], buf, vstr_str(key), flags);
	close_all(dicts, count);
	vstr_free(key);
	vstr_free(buf);
	return found ? DICT_FOUND : DICT_NOTFOUND;
}
