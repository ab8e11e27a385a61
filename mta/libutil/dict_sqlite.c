/*
 * dict_sqlite - sqlite:/path/to/file.cf, lookups in an SQLite database.
 *
 * The .cf file has main.cf syntax ("name = value", continuation lines,
 * comments) and these parameters; others are ignored:
 *	dbpath		the database file (required); opened read-only
 *	query		the SELECT statement, with %-expansions of the key
 *	result_format	applied to each result (default %s)
 *	domain		only keys user@domain in these domains are looked up
 *	expansion_limit	more results than this is an error (0: no limit)
 *	select_field, table, where_field, additional_conditions
 *			the query, when query is not set: "SELECT select_field
 *			FROM table WHERE where_field = '%s'
 *			additional_conditions"
 *
 * Expansions: %% is a '%'. Of the key: %s the key; %u its local part
 * (the whole key when it has no '@'; empty: no lookup); %d its domain
 * (no '@' or empty: no lookup); %1..%9 the labels of the domain counted
 * from the right (too few or no domain: no lookup). In the query %S %U %D
 * are the same as %s %u %d; in result_format the lower-case forms apply
 * to the result and the upper-case forms and %1..%9 to the key, and a
 * result that lacks a part is skipped. Empty and NULL results are
 * skipped. The results left are joined with commas; none is not found.
 *
 * SECURITY
 *	No SQL is ever built from a key. When the .cf file is loaded, the
 *	query is scanned as SQL text: each quoted string ('...' or "...")
 *	that contains an expansion is replaced by one "?" parameter whose
 *	value is the string's content with the expansions applied (so
 *	'%u@%d' is one parameter), and each expansion outside quotes
 *	becomes a "?" of its own. At lookup the values are bound with
 *	sqlite3_bind_text(). A key therefore never changes the statement
 *	(a key "x' OR '1'='1" is just a string), SQL quoting of keys is not
 *	needed, and the statement is prepared once and reused.
 *	Expansions inside comments are not inserted but still suppress the
 *	lookup when the key lacks the part; expansions inside [identifier]
 *	or `identifier` quotes are refused. A query with SQL parameters of
 *	its own, or with a second statement, is refused at the first
 *	lookup. The database is opened with SQLITE_OPEN_READONLY.
 *
 * DIAGNOSTICS
 *	Open errors name the .cf file (and line). SQL errors, the expansion
 *	limit and errors of a domain table are DICT_ERROR with the reason.
 *
 * XXX The domain list is matched here (literal domains, "!" negation,
 * /file names, type:table); it should move to the shared list matcher
 * when there is one. Postfix's main.cf-embedded form (sqlite:name with
 * name_query in main.cf) is not supported: libutil has no main.cf.
 */
#include <ctype.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "conv.h"
#include "dict.h"
#include "dict_types.h"
#include "linefile.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

#define DICT_SQLITE_BUSY_MS 3000   /* wait this long for a writer's lock */
#define DICT_SQLITE_DOMAIN_DEPTH 4 /* nesting of /file domain lists */
#define DICT_SQLITE_EXPANSIONS "sudSUD123456789"

/* The .cf parameters. */
struct sqlite_cf {
	char *dbpath;
	char *query;
	char *result_format;
	char *domain;
	char *expansion_limit;
	char *select_field;
	char *table;
	char *where_field;
	char *additional_conditions;
};

static const struct cf_param {
	const char *name;
	size_t offset;
} cf_params[] = {
        {"dbpath", offsetof(struct sqlite_cf, dbpath)},
        {"query", offsetof(struct sqlite_cf, query)},
        {"result_format", offsetof(struct sqlite_cf, result_format)},
        {"domain", offsetof(struct sqlite_cf, domain)},
        {"expansion_limit", offsetof(struct sqlite_cf, expansion_limit)},
        {"select_field", offsetof(struct sqlite_cf, select_field)},
        {"table", offsetof(struct sqlite_cf, table)},
        {"where_field", offsetof(struct sqlite_cf, where_field)},
        {"additional_conditions",
         offsetof(struct sqlite_cf, additional_conditions)},
};

#define CF_NPARAMS (sizeof(cf_params) / sizeof(cf_params[0]))

/* One element of the domain list. */
struct domain_item {
	char *text;         /* literal domain, lower case */
	struct dict *table; /* or a table */
	bool negate;
};

struct dict_sqlite {
	struct dict dict;
	char *cf_path;
	sqlite3 *db;
	sqlite3_stmt *stmt;  /* prepared at the first lookup */
	struct vstr *sql;    /* the query with ? parameters */
	struct argv *params; /* their templates, in order */
	struct vstr *check;  /* expansions seen only in comments */
	char *result_format;
	long expansion_limit;
	struct domain_item *domains;
	size_t domain_count;
	struct argv *values; /* parameter values of one lookup */
	struct vstr *result;
	struct vstr *scratch;
};

/* cf_slot - the field of a parameter */
static char **
cf_slot(struct sqlite_cf *cf, size_t i)
{
	return (char **) ((char *) cf + cf_params[i].offset);
}

/* cf_set - remember name = value; unknown names are ignored */
static void
cf_set(struct sqlite_cf *cf, const char *name, const char *value)
{
	for (size_t i = 0; i < CF_NPARAMS; i++) {
		if (strcmp(cf_params[i].name, name) == 0) {
			char **slot = cf_slot(cf, i);

			xfree(*slot);
			*slot = xstrdup(value);
			return;
		}
	}
}

/* cf_free - release the parameter values */
static void
cf_free(struct sqlite_cf *cf)
{
	for (size_t i = 0; i < CF_NPARAMS; i++)
		xfree(*cf_slot(cf, i));
}

/* cf_load - read the .cf file */
static int
cf_load(const char *path, struct sqlite_cf *cf, struct vstr *why)
{
	struct linefile *lf = linefile_read(path, why);
	struct logical_line ll = {0};
	size_t pos = 0;
	int rc = 0;

	if (lf == NULL)
		return -1;
	while (rc == 0 && linefile_next(lf, &pos, &ll)) {
		char *name, *value;
		const char *err;

		if (ll.leading_space) {
			vstr_fmt(why,
			         "%s, line %zu: text starts with white space",
			         path, ll.first + 1);
			rc = -1;
		} else if (split_nameval(vstr_str(ll.text), &name, &value,
		                         &err) < 0) {
			vstr_fmt(why, "%s, line %zu: %s", path, ll.first + 1,
			         err);
			rc = -1;
		} else {
			cf_set(cf, name, value);
		}
	}
	vstr_free(ll.text);
	linefile_free(lf);
	return rc;
}

static bool template_ok(const char *) __attribute__((warn_unused_result));

/* template_ok - every % starts a known expansion */
static bool
template_ok(const char *t)
{
	for (const char *cp = t; *cp; cp++) {
		if (*cp != '%')
			continue;
		cp++;
		if (*cp != '%' &&
		    (*cp == 0 || !strchr(DICT_SQLITE_EXPANSIONS, *cp)))
			return false;
	}
	return true;
}

/* addr_part - append one part of an address; false when it is missing */
static bool
addr_part(struct vstr *out, const char *addr, int code)
{
	const char *at = strrchr(addr, '@');
	struct argv *labels;
	size_t n;
	bool ok;

	switch (code) {
	case 's':
		vstr_cat(out, addr);
		return *addr != 0;
	case 'u':
		if (at == NULL)
			vstr_cat(out, addr);
		else
			vstr_cat_mem(out, addr, (size_t) (at - addr));
		return at ? at > addr : *addr != 0;
	case 'd':
		if (at == NULL || at[1] == 0)
			return false;
		vstr_cat(out, at + 1);
		return true;
	default:
		if (at == NULL)
			return false;
		labels = argv_split(at + 1, ".");
		n = (size_t) (code - '0');
		if ((ok = n <= labels->argc))
			vstr_cat(out, labels->argv[labels->argc - n]);
		argv_free(labels);
		return ok;
	}
}

/*
 * expand - append tmpl with its expansions applied; false when a part is
 * missing. result is NULL in the query, where every expansion is of the
 * key.
 */
static bool
expand(struct vstr *out, const char *tmpl, const char *key, const char *result)
{
	bool ok = true;

	for (const char *cp = tmpl; ok && *cp; cp++) {
		int c;

		if (*cp != '%') {
			vstr_addch(out, *cp);
			continue;
		}
		c = (unsigned char) *++cp;
		if (c == '%')
			vstr_addch(out, '%');
		else if (isupper(c))
			ok = addr_part(out, key, tolower(c));
		else if (isdigit(c) || result == NULL)
			ok = addr_part(out, key, c);
		else
			ok = addr_part(out, result, c);
	}
	return ok;
}

/* key_parts_ok - the key has every part that the result format uses */
static bool
key_parts_ok(struct dict_sqlite *s, const char *key)
{
	for (const char *cp = s->result_format; *cp; cp++) {
		if (*cp != '%')
			continue;
		cp++;
		if ((isupper((unsigned char) *cp) ||
		     isdigit((unsigned char) *cp)) &&
		    !addr_part(s->scratch, key, tolower((unsigned char) *cp)))
			return false;
	}
	return true;
}

/* Query compiler state. */
struct qlex {
	const char *query;
	const char *cp;
	struct dict_sqlite *s;
	struct vstr *why;
};

/* q_bad - a query the compiler refuses */
static int
q_bad(struct qlex *q, const char *what)
{
	vstr_fmt(q->why, "%s: %s in query \"%s\"", q->s->cf_path, what,
	         q->query);
	return -1;
}

/* q_string - a quoted string: kept, or one parameter if it expands */
static int
q_string(struct qlex *q)
{
	const char quote = *q->cp;
	const char *start = q->cp, *cp;
	struct vstr *text = vstr_alloc(50);
	int rc = 0;

	for (cp = start + 1; *cp != quote || cp[1] == quote; cp++) {
		if (*cp == 0) {
			vstr_free(text);
			return q_bad(q, "unterminated quoted string");
		}
		if (*cp == quote)
			cp++; /* doubled quote: one literal quote */
		vstr_addch(text, *cp);
	}
	q->cp = cp + 1;
	if (strchr(vstr_str(text), '%') == NULL) {
		vstr_cat_mem(q->s->sql, start, (size_t) (q->cp - start));
	} else if (!template_ok(vstr_str(text))) {
		rc = q_bad(q, "invalid % expansion");
	} else {
		vstr_addch(q->s->sql, '?');
		argv_add(q->s->params, vstr_str(text));
	}
	vstr_free(text);
	return rc;
}

/* q_ident - [identifier] or `identifier`, copied; no expansions */
static int
q_ident(struct qlex *q)
{
	const char close = *q->cp == '[' ? ']' : '`';
	const char *start = q->cp, *end = strchr(start + 1, close);

	if (end == NULL)
		return q_bad(q, "unterminated quoted identifier");
	if (memchr(start, '%', (size_t) (end - start)) != NULL)
		return q_bad(q, "expansion inside a quoted identifier");
	vstr_cat_mem(q->s->sql, start, (size_t) (end + 1 - start));
	q->cp = end + 1;
	return 0;
}

/* q_comment - a comment, copied; its expansions only suppress lookups */
static int
q_comment(struct qlex *q)
{
	const char *start = q->cp, *end;

	if (start[0] == '-') {
		end = start + strcspn(start, "\n");
	} else {
		end = strstr(start + 2, "*/");
		end = end ? end + 2 : start + strlen(start);
	}
	for (const char *cp = start; cp < end; cp++) {
		if (*cp != '%')
			continue;
		if (cp + 1 == end ||
		    (cp[1] != '%' && !strchr(DICT_SQLITE_EXPANSIONS, cp[1])))
			return q_bad(q, "invalid % expansion");
		if (cp[1] != '%')
			vstr_fmt_append(q->s->check, "%%%c", cp[1]);
		cp++;
	}
	vstr_cat_mem(q->s->sql, start, (size_t) (end - start));
	q->cp = end;
	return 0;
}

/* q_percent - an expansion outside quotes: a parameter of its own */
static int
q_percent(struct qlex *q)
{
	char code = q->cp[1];

	if (code == '%') {
		vstr_addch(q->s->sql, '%');
	} else if (code != 0 && strchr(DICT_SQLITE_EXPANSIONS, code)) {
		char tmpl[3] = {'%', code, 0};

		vstr_addch(q->s->sql, '?');
		argv_add(q->s->params, tmpl);
	} else {
		return q_bad(q, "invalid % expansion");
	}
	q->cp += 2;
	return 0;
}

/* query_compile - SQL with ? parameters and their templates */
static int
query_compile(struct dict_sqlite *s, const char *query, struct vstr *why)
{
	struct qlex q = {.query = query, .cp = query, .s = s, .why = why};
	int rc = 0;

	while (rc == 0 && *q.cp) {
		switch (*q.cp) {
		case '\'':
		case '"':
			rc = q_string(&q);
			break;
		case '[':
		case '`':
			rc = q_ident(&q);
			break;
		case '%':
			rc = q_percent(&q);
			break;
		case '-':
		case '/':
			if (q.cp[1] == (*q.cp == '-' ? '-' : '*')) {
				rc = q_comment(&q);
				break;
			}
			/* FALLTHROUGH */
		default:
			vstr_addch(s->sql, *q.cp++);
			break;
		}
	}
	return rc;
}

static int domain_add(struct dict_sqlite *s, const char *item, bool negate,
                      int depth, struct vstr *why);

/* domain_file - the words of a file, each an element */
static int
domain_file(struct dict_sqlite *s, const char *path, bool negate, int depth,
            struct vstr *why)
{
	struct linefile *lf;
	struct logical_line ll = {0};
	size_t pos = 0;
	char *cp, *word;
	int rc = 0;

	if (depth >= DICT_SQLITE_DOMAIN_DEPTH) {
		vstr_fmt(why, "%s: domain file %s nested too deeply",
		         s->cf_path, path);
		return -1;
	}
	if ((lf = linefile_read(path, why)) == NULL)
		return -1;
	while (rc == 0 && linefile_next(lf, &pos, &ll))
		for (cp = vstr_str(ll.text);
		     rc == 0 && (word = mystrtokq(&cp, LIST_DELIMS, "{}"));)
			rc = domain_add(s, word, negate, depth + 1, why);
	vstr_free(ll.text);
	linefile_free(lf);
	return rc;
}

/* domain_add - a literal domain, a table, or the words of a file */
static int
domain_add(struct dict_sqlite *s, const char *item, bool negate, int depth,
           struct vstr *why)
{
	struct domain_item *d;

	for (; *item == '!'; item++)
		negate = !negate;
	if (*item == 0) {
		vstr_fmt(why, "%s: empty element in domain list", s->cf_path);
		return -1;
	}
	if (*item == '/')
		return domain_file(s, item, negate, depth, why);
	s->domains = xreallocarray(s->domains, size_add(s->domain_count, 1),
	                           sizeof(*s->domains));
	d = &s->domains[s->domain_count++];
	memset(d, 0, sizeof(*d));
	d->negate = negate;
	if (strchr(item, ':') != NULL)
		d->table = dict_open(item, O_RDONLY,
		                     DICT_FLAG_FOLD_FIX | DICT_FLAG_FOLD_MUL);
	else
		d->text = lowercase(xstrdup(item));
	return 0;
}

/* domain_list - parse the domain parameter */
static int
domain_list(struct dict_sqlite *s, const char *list, struct vstr *why)
{
	char *copy = xstrdup(list), *cp = copy, *word;
	int rc = 0;

	while (rc == 0 && (word = mystrtokq(&cp, LIST_DELIMS, "{}")) != NULL)
		rc = domain_add(s, word, false, 0, why);
	xfree(copy);
	return rc;
}

/* domain_match - 1 the key is eligible, 0 not, -1 a table failed */
static int
domain_match(struct dict_sqlite *s, const char *key)
{
	const char *at = strrchr(key, '@');
	const char *value;

	if (at == NULL || at == key || at[1] == 0)
		return 0;
	for (size_t i = 0; i < s->domain_count; i++) {
		struct domain_item *d = &s->domains[i];
		int rc;

		if (d->text) {
			rc = strcasecmp(d->text, at + 1) == 0 ? DICT_FOUND
			                                      : DICT_NOTFOUND;
		} else if ((rc = dict_get(d->table, at + 1, &value)) ==
		           DICT_ERROR) {
			vstr_fmt(s->dict.why, "sqlite:%s: domain table: %s",
			         s->dict.name, vstr_str(d->table->why));
			return -1;
		}
		if (rc == DICT_FOUND)
			return !d->negate;
	}
	return 0;
}

/* sql_error - DICT_ERROR with SQLite's reason */
static int
sql_error(struct dict_sqlite *s, const char *what)
{
	vstr_fmt(s->dict.why, "sqlite:%s: %s: %s", s->dict.name, what,
	         sqlite3_errmsg(s->db));
	return DICT_ERROR;
}

/* prepare - compile the statement once; refuse surprises */
static int
prepare(struct dict_sqlite *s)
{
	const char *tail;
	sqlite3_stmt *extra = NULL;
	int count;

	if (s->stmt != NULL)
		return 0;
	if (sqlite3_prepare_v2(s->db, vstr_str(s->sql), -1, &s->stmt, &tail) !=
	    SQLITE_OK)
		return sql_error(s, "SQL prepare failed");
	if (s->stmt == NULL) {
		vstr_fmt(s->dict.why, "sqlite:%s: query is empty",
		         s->dict.name);
		return DICT_ERROR;
	}
	if (sqlite3_prepare_v2(s->db, tail, -1, &extra, NULL) != SQLITE_OK ||
	    extra != NULL) {
		sqlite3_finalize(extra);
		vstr_fmt(s->dict.why,
		         "sqlite:%s: query has more than one "
		         "statement",
		         s->dict.name);
	} else if ((count = sqlite3_bind_parameter_count(s->stmt)) < 0 ||
	           (size_t) count != s->params->argc) {
		vstr_fmt(s->dict.why,
		         "sqlite:%s: query has SQL parameters of "
		         "its own",
		         s->dict.name);
	} else {
		return 0;
	}
	sqlite3_finalize(s->stmt);
	s->stmt = NULL;
	return DICT_ERROR;
}

/* add_result - one row through result_format; -1 over the limit */
static int
add_result(struct dict_sqlite *s, const char *key, const char *row,
           size_t *count)
{
	vstr_reset(s->scratch);
	if (row == NULL || !expand(s->scratch, s->result_format, key, row) ||
	    vstr_len(s->scratch) == 0)
		return 0;
	if (s->expansion_limit > 0 && (long) ++*count > s->expansion_limit) {
		char *copy = printable(xstrndup(key, 100), '?');

		vstr_fmt(s->dict.why,
		         "sqlite:%s: expansion limit %ld exceeded for key "
		         "\"%s\"",
		         s->dict.name, s->expansion_limit, copy);
		xfree(copy);
		return -1;
	}
	if (vstr_len(s->result))
		vstr_addch(s->result, ',');
	vstr_cat(s->result, vstr_str(s->scratch));
	return 0;
}

/* run_query - bind, step through the rows, reset */
static int
run_query(struct dict_sqlite *s, const char *key)
{
	size_t count = 0;
	int rc = 0, step;

	if (prepare(s) != 0)
		return DICT_ERROR;
	for (size_t i = 0; i < s->values->argc; i++)
		if (sqlite3_bind_text(s->stmt, (int) i + 1, s->values->argv[i],
		                      -1, SQLITE_TRANSIENT) != SQLITE_OK)
			rc = sql_error(s, "SQL bind failed");
	vstr_reset(s->result);
	while (rc == 0 && (step = sqlite3_step(s->stmt)) == SQLITE_ROW)
		if (add_result(s, key,
		               (const char *) sqlite3_column_text(s->stmt, 0),
		               &count) < 0)
			rc = DICT_ERROR;
	if (rc == 0 && step != SQLITE_DONE)
		rc = sql_error(s, "SQL query failed");
	sqlite3_reset(s->stmt);
	sqlite3_clear_bindings(s->stmt);
	return rc;
}

/* sqlite_lookup - the key through the domain filter and the query */
static int
sqlite_lookup(struct dict *d, const char *key, const char **value)
{
	struct dict_sqlite *s = (struct dict_sqlite *) d;
	int rc;

	if (s->domain_count > 0 && (rc = domain_match(s, key)) <= 0)
		return rc < 0 ? DICT_ERROR : DICT_NOTFOUND;
	vstr_reset(s->scratch);
	if (!expand(s->scratch, vstr_str(s->check), key, NULL) ||
	    !key_parts_ok(s, key))
		return DICT_NOTFOUND;
	argv_delete(s->values, 0, s->values->argc);
	for (size_t i = 0; i < s->params->argc; i++) {
		vstr_reset(s->scratch);
		if (!expand(s->scratch, s->params->argv[i], key, NULL))
			return DICT_NOTFOUND;
		argv_add(s->values, vstr_str(s->scratch));
	}
	if (run_query(s, key) != 0)
		return DICT_ERROR;
	if (vstr_len(s->result) == 0)
		return DICT_NOTFOUND;
	*value = vstr_str(s->result);
	return DICT_FOUND;
}

/* sqlite_close - release everything; safe on a half-opened table */
static void
sqlite_close(struct dict *d)
{
	struct dict_sqlite *s = (struct dict_sqlite *) d;

	sqlite3_finalize(s->stmt);
	sqlite3_close(s->db);
	for (size_t i = 0; i < s->domain_count; i++) {
		xfree(s->domains[i].text);
		dict_close(s->domains[i].table);
	}
	xfree(s->domains);
	xfree(s->cf_path);
	vstr_free(s->sql);
	argv_free(s->params);
	vstr_free(s->check);
	xfree(s->result_format);
	argv_free(s->values);
	vstr_free(s->result);
	vstr_free(s->scratch);
}

/* legacy_query - the query from select_field, table, where_field */
static char *
legacy_query(const struct sqlite_cf *cf, const char *path, struct vstr *why)
{
	struct vstr *q;

	if (!cf->select_field || !*cf->select_field || !cf->table ||
	    !*cf->table || !cf->where_field || !*cf->where_field) {
		vstr_fmt(why,
		         "%s: need query, or select_field, table and "
		         "where_field",
		         path);
		return NULL;
	}
	q = vstr_alloc(100);
	vstr_fmt(q, "SELECT %s FROM %s WHERE %s = '%%s' %s", cf->select_field,
	         cf->table, cf->where_field,
	         cf->additional_conditions ? cf->additional_conditions : "");
	return vstr_export(q);
}

/* configure - everything but the database from the .cf parameters */
static int
configure(struct dict_sqlite *s, struct sqlite_cf *cf, struct vstr *why)
{
	const char *path = s->cf_path;
	char *query;
	int rc;

	if (cf->dbpath == NULL || *cf->dbpath == 0) {
		vstr_fmt(why, "%s: dbpath is not set", path);
		return -1;
	}
	s->result_format =
	        xstrdup(cf->result_format ? cf->result_format : "%s");
	if (*s->result_format == 0 || !template_ok(s->result_format)) {
		vstr_fmt(why, "%s: invalid result_format: \"%s\"", path,
		         s->result_format);
		return -1;
	}
	if (cf->expansion_limit &&
	    (!conv_long(cf->expansion_limit, &s->expansion_limit) ||
	     s->expansion_limit < 0)) {
		vstr_fmt(why, "%s: invalid expansion_limit: \"%s\"", path,
		         cf->expansion_limit);
		return -1;
	}
	if (cf->query && *cf->query)
		query = xstrdup(cf->query);
	else if ((query = legacy_query(cf, path, why)) == NULL)
		return -1;
	rc = query_compile(s, query, why);
	xfree(query);
	if (rc == 0 && cf->domain)
		rc = domain_list(s, cf->domain, why);
	return rc;
}

/* open_db - the database, read-only */
static int
open_db(struct dict_sqlite *s, const char *dbpath, struct vstr *why)
{
	if (sqlite3_open_v2(dbpath, &s->db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		vstr_fmt(why, "%s: open database %s: %s", s->cf_path, dbpath,
		         s->db ? sqlite3_errmsg(s->db) : "out of memory");
		return -1;
	}
	sqlite3_busy_timeout(s->db, DICT_SQLITE_BUSY_MS);
	return 0;
}

/* dict_sqlite_open - sqlite:/path/to/file.cf */
struct dict *
dict_sqlite_open(const char *name, int open_flags, int dict_flags,
                 struct vstr *why)
{
	struct sqlite_cf cf = {0};
	struct dict_sqlite *s;
	int rc;

	if ((open_flags & O_ACCMODE) != O_RDONLY) {
		vstr_fmt(why, "sqlite:%s: table is read-only", name);
		return NULL;
	}
	s = (struct dict_sqlite *) dict_alloc("sqlite", name, sizeof(*s),
	                                      open_flags,
	                                      dict_flags | DICT_FLAG_FIXED);
	s->dict.close = sqlite_close;
	s->dict.lookup = sqlite_lookup;
	s->cf_path = xstrdup(name);
	s->sql = vstr_alloc(100);
	s->params = argv_alloc(4);
	s->check = vstr_alloc(10);
	s->values = argv_alloc(4);
	s->result = vstr_alloc(100);
	s->scratch = vstr_alloc(100);
	rc = cf_load(name, &cf, why);
	if (rc == 0)
		rc = configure(s, &cf, why);
	if (rc == 0)
		rc = open_db(s, cf.dbpath, why);
	cf_free(&cf);
	if (rc < 0)
		return dict_close(&s->dict);
	dict_watch_file(&s->dict, name);
	return &s->dict;
}
