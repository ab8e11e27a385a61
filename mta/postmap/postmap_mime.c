/*
 * postmap_mime - lookup keys from a message (postmap -b, -h, -m)
 *
 * A line-driven state machine in the spirit of Postfix's mime_state, with
 * only what header_checks and body_checks testing needs: header lines
 * (folded continuation lines joined with newlines, white space before
 * the colon removed), the empty line that ends a header block (inserted
 * when the block ends with another line), body lines, and with PM_MIME
 * multipart boundaries and message/rfc822 parts. Content encodings and
 * 8-bit checks are not looked at.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "dict.h"
#include "mail_params.h"
#include "mkmap.h"
#include "msg.h"
#include "mymalloc.h"
#include "postmap.h"
#include "vstr.h"

enum part_kind { PART_TEXT, PART_MULTIPART, PART_MESSAGE };

struct msg_state {
	struct mkmap_maps *maps;
	int flags;
	int found;
	bool in_header;      /* reading a header block */
	bool primary;        /* the message's own header */
	bool done;           /* -h without -b or -m: stop after the header */
	struct vstr *header; /* logical header being collected */
	enum part_kind kind; /* from the block's Content-Type */
	bool digest;         /* multipart/digest: parts default to messages */
	struct vstr *boundary;
	struct argv *stack;   /* boundaries of the open multiparts */
	struct argv *digests; /* "1" where that multipart is a digest */
};

/* lookup - look up one key and print it with the value */
static void
lookup(struct msg_state *ms, const char *key)
{
	const char *value;

	if (mkmap_maps_find(ms->maps, key, &value) == DICT_FOUND) {
		printf("%s\t%s\n", key, value);
		ms->found = DICT_FOUND;
	}
}

/* header_name_len - length of the label of a header line, 0 if none */
static size_t
header_name_len(const char *line)
{
	size_t len = 0;
	const char *cp = line;

	while (*cp && *cp != ':' && *cp != ' ' && *cp != '\t') {
		if (!isascii((unsigned char) *cp) ||
		    iscntrl((unsigned char) *cp))
			return 0;
		cp++, len++;
	}
	while (len > 0 && (*cp == ' ' || *cp == '\t'))
		cp++;
	return len > 0 && *cp == ':' ? len : 0;
}

/* param_value - the value of a Content-Type parameter, or NULL */
static const char *
param_value(const char *text, const char *name, struct vstr *out)
{
	size_t len = strlen(name);

	for (const char *cp = strchr(text, ';'); cp; cp = strchr(cp, ';')) {
		while (*++cp == ' ' || *cp == '\t' || *cp == '\n')
			;
		if (strncasecmp(cp, name, len) != 0 || cp[len] != '=')
			continue;
		cp += len + 1;
		vstr_reset(out);
		if (*cp == '"') {
			for (cp++; *cp && *cp != '"'; cp++)
				vstr_addch(out,
				           *cp == '\\' && cp[1] ? *++cp : *cp);
		} else {
			while (*cp && *cp != ';' &&
			       !isspace((unsigned char) *cp))
				vstr_addch(out, *cp++);
		}
		return vstr_str(out);
	}
	return NULL;
}

/* content_type - remember what a Content-Type header says */
static void
content_type(struct msg_state *ms, const char *value)
{
	while (isspace((unsigned char) *value))
		value++;
	if (strncasecmp(value, "multipart/", 10) == 0 &&
	    param_value(value, "boundary", ms->boundary) != NULL) {
		ms->kind = PART_MULTIPART;
		ms->digest = strncasecmp(value + 10, "digest", 6) == 0;
	} else if (strncasecmp(value, "message/rfc822", 14) == 0) {
		ms->kind = PART_MESSAGE;
	} else {
		ms->kind = PART_TEXT;
	}
}

/* flush_header - the collected logical header is complete */
static void
flush_header(struct msg_state *ms)
{
	const char *text = vstr_str(ms->header);
	size_t len = header_name_len(text);

	if (vstr_len(ms->header) == 0)
		return;
	if (ms->flags & PM_HEADER)
		lookup(ms, text);
	if ((ms->flags & PM_MIME) && len == 12 &&
	    strncasecmp(text, "content-type", 12) == 0)
		content_type(ms, strchr(text, ':') + 1);
	vstr_reset(ms->header);
}

/* start_header - a header line: label and colon without space between */
static void
start_header(struct msg_state *ms, const char *line, size_t name_len)
{
	vstr_mem(ms->header, line, name_len);
	vstr_cat(ms->header, strchr(line + name_len, ':'));
}

/* body_line - one line of body content */
static void
body_line(struct msg_state *ms, const char *line)
{
	if (ms->flags & PM_BODY)
		lookup(ms, line);
}

/* enter_block - start a header block of a part or attached message */
static void
enter_block(struct msg_state *ms, bool digest_part)
{
	ms->in_header = true;
	ms->primary = false;
	ms->kind = digest_part ? PART_MESSAGE : PART_TEXT;
}

/* end_header - a header block ended; what follows it */
static void
end_header(struct msg_state *ms)
{
	flush_header(ms);
	ms->in_header = false;
	if (ms->primary && !(ms->flags & (PM_BODY | PM_MIME))) {
		ms->done = true;
		return;
	}
	if (!(ms->flags & PM_MIME))
		return;
	if (ms->kind == PART_MULTIPART) {
		if (ms->stack->argc >= (size_t) var_mime_nesting_limit)
			msg_fatal("message format error: MIME nesting exceeds "
			          "safety limit");
		argv_add(ms->stack, vstr_str(ms->boundary));
		argv_add(ms->digests, ms->digest ? "1" : "0");
	} else if (ms->kind == PART_MESSAGE) {
		enter_block(ms, false);
	}
}

/* boundary_line - a line that opens or closes a part; false if not one */
static bool
boundary_line(struct msg_state *ms, const char *line)
{
	if (!(ms->flags & PM_MIME) || line[0] != '-' || line[1] != '-')
		return false;
	for (size_t i = ms->stack->argc; i-- > 0;) {
		const char *b = ms->stack->argv[i];
		size_t len = strlen(b);
		bool digest = ms->digests->argv[i][0] == '1';

		if (strncmp(line + 2, b, len) != 0)
			continue;
		body_line(ms, line);
		argv_delete(ms->stack, i + 1, ms->stack->argc - i - 1);
		argv_delete(ms->digests, i + 1, ms->digests->argc - i - 1);
		if (strncmp(line + 2 + len, "--", 2) == 0) {
			argv_delete(ms->stack, i, 1);
			argv_delete(ms->digests, i, 1);
		} else {
			enter_block(ms, digest);
		}
		return true;
	}
	return false;
}

/* header_state_line - one line while reading a header block */
static void
header_state_line(struct msg_state *ms, const char *line)
{
	size_t name_len;

	if ((line[0] == ' ' || line[0] == '\t') && vstr_len(ms->header) > 0) {
		if (vstr_len(ms->header) < (size_t) var_header_size_limit) {
			vstr_addch(ms->header, '\n');
			vstr_cat(ms->header, line);
		}
		return;
	}
	flush_header(ms);
	if ((name_len = header_name_len(line)) > 0) {
		start_header(ms, line, name_len);
		return;
	}
	end_header(ms);
	if (ms->done)
		return;
	/* The empty line that ends the block; one is made up if missing. */
	body_line(ms, "");
	if (*line == 0)
		return;
	if (ms->in_header)
		header_state_line(ms, line);
	else if (!boundary_line(ms, line))
		body_line(ms, line);
}

/* message_line - one line of the message */
static void
message_line(struct msg_state *ms, const char *line)
{
	if (ms->in_header)
		header_state_line(ms, line);
	else if (!boundary_line(ms, line))
		body_line(ms, line);
}

/* postmap_message - look up keys made from a message on in */
int
postmap_message(FILE *in, struct mkmap_maps *maps, int pm_flags)
{
	struct msg_state ms = {
	        .maps = maps,
	        .flags = pm_flags,
	        .found = DICT_NOTFOUND,
	        .in_header = true,
	        .primary = true,
	        .header = vstr_alloc(100),
	        .boundary = vstr_alloc(100),
	        .stack = argv_alloc(4),
	        .digests = argv_alloc(4),
	};
	struct vstr *line = vstr_alloc(100);

	while (!ms.done && mkmap_read_line(in, line))
		message_line(&ms, vstr_str(line));
	if (ms.in_header && !ms.done)
		flush_header(&ms);
	fflush(stdout);
	vstr_free(line);
	vstr_free(ms.header);
	vstr_free(ms.boundary);
	argv_free(ms.stack);
	argv_free(ms.digests);
	return ms.found;
}
