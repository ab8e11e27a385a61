/*
 * stringops - small string utilities
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "msg.h"
#include "stringops.h"
#include "vstr.h"

/* mystrtok - destructive tokenizer that keeps its position in *bufp */
char *
mystrtok(char **bufp, const char *delims)
{
	char *start = *bufp + strspn(*bufp, delims);
	char *end;

	if (*start == 0) {
		*bufp = start;
		return NULL;
	}
	end = start + strcspn(start, delims);
	if (*end)
		*end++ = 0;
	*bufp = end;
	return start;
}

/* mystrtokq - tokenizer that keeps {grouped text} together */
char *
mystrtokq(char **bufp, const char *delims, const char *parens)
{
	char *start = *bufp + strspn(*bufp, delims);
	char *cp;
	int level = 0;

	if (*start == 0) {
		*bufp = start;
		return NULL;
	}
	for (cp = start; *cp; cp++) {
		if (*cp == parens[0])
			level++;
		else if (level > 0 && *cp == parens[1])
			level--;
		else if (level == 0 && strchr(delims, *cp))
			break;
	}
	if (*cp)
		*cp++ = 0;
	*bufp = cp;
	return start;
}

/* trim_space - remove leading and trailing white space in place */
char *
trim_space(char *s)
{
	char *end;

	while (isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		end--;
	*end = 0;
	return s;
}

/* extpar - strip "{ ... }" in place */
char *
extpar(char **bp, const char *parens, struct vstr *why)
{
	char *cp = *bp;
	size_t len;
	int level = 0;

	if (*cp != parens[0]) {
		vstr_fmt(why, "no '%c' at start of text", parens[0]);
		return NULL;
	}
	len = strlen(cp);
	for (size_t i = 0; i < len; i++) {
		if (cp[i] == parens[0])
			level++;
		else if (cp[i] == parens[1] && --level == 0 && i + 1 != len) {
			vstr_fmt(why, "syntax error after '%c' in \"%.30s\"",
			         parens[1], cp);
			return NULL;
		}
	}
	if (level != 0 || cp[len - 1] != parens[1]) {
		vstr_fmt(why, "missing '%c' in \"%.30s\"", parens[1], cp);
		return NULL;
	}
	cp[len - 1] = 0;
	*bp = trim_space(cp + 1);
	return *bp;
}

/* lowercase - fold ASCII in place */
char *
lowercase(char *s)
{
	for (char *cp = s; *cp; cp++)
		*cp = (char) tolower((unsigned char) *cp);
	return s;
}

/* alldig - non-empty and all digits */
bool
alldig(const char *s)
{
	if (*s == 0)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char) *s))
			return false;
	return true;
}

/* allalnum - non-empty and all letters, digits or underscore */
bool
allalnum(const char *s)
{
	if (*s == 0)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char) *s) && *s != '_')
			return false;
	return true;
}

/* utf8_len - length of a valid UTF-8 sequence at cp, 0 if invalid */
static size_t
utf8_len(const unsigned char *cp)
{
	size_t n;

	if (*cp >= 0xc2 && *cp <= 0xdf)
		n = 2;
	else if (*cp >= 0xe0 && *cp <= 0xef)
		n = 3;
	else if (*cp >= 0xf0 && *cp <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((cp[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* printable - make text safe for logging, in place */
char *
printable(char *s, int replacement)
{
	unsigned char *cp = (unsigned char *) s;
	size_t n;

	while (*cp) {
		if (*cp >= 0x20 && *cp < 0x7f) {
			cp++;
		} else if ((n = utf8_len(cp)) > 0) {
			cp += n;
		} else {
			*cp++ = (unsigned char) replacement;
		}
	}
	return s;
}

/* split_nameval - "name = value" in place */
int
split_nameval(char *buf, char **name, char **value, const char **why)
{
	char *eq;
	char *n;

	buf = trim_space(buf);
	if (*buf == '=') {
		*why = "missing attribute name";
		return -1;
	}
	if ((eq = strchr(buf, '=')) == NULL) {
		*why = "missing '=' after attribute name";
		return -1;
	}
	*eq = 0;
	n = trim_space(buf);
	if (*n == 0) {
		*why = "missing attribute name";
		return -1;
	}
	if (n[strcspn(n, " \t")] != 0) {
		/* As Postfix says it: "a b = c" reads as a name without '='. */
		*why = "missing '=' after attribute name";
		return -1;
	}
	*name = n;
	*value = trim_space(eq + 1);
	return 0;
}

/* str_prefix - s starts with prefix */
bool
str_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* str_suffix - s ends with suffix */
bool
str_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* list_has_word - a comma/space separated list names word, any case */
bool
list_has_word(const char *list, const char *word)
{
	size_t wlen = strlen(word);

	while (list && *list) {
		size_t n;

		list += strspn(list, LIST_DELIMS);
		n = strcspn(list, LIST_DELIMS);
		if (n == wlen && n > 0 && strncasecmp(list, word, n) == 0)
			return true;
		list += n;
	}
	return false;
}
