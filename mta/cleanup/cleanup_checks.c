/*
 * cleanup_checks - header_checks, mime_header_checks, nested_header_checks
 * and body_checks: the lookup, the actions of header_checks(5), and the
 * log line each action leaves
 *
 * The actions are a table with one small function each. A header or body
 * line is the lookup key (a logical header keeps its embedded newlines).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "attr.h"
#include "dict.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "maps.h"
#include "msg.h"
#include "rec.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstr.h"

#include "cleanup.h"

/* What an action works on. */
struct check_ctx {
	struct cleanup_state *state;
	const char *context; /* "header" or "body" */
	const char *content; /* the header or body line */
	const char *text;    /* the action's optional text */
	const char *title;   /* the table list, for warnings */
	struct vstr *out;    /* replacement text */
};

typedef enum check_result (*check_action_fn)(struct check_ctx *);

/* log_origin - "host[addr]" of the client, or "local" */
static void
log_origin(struct cleanup_state *state, struct vstr *out)
{
	const char *name =
	        attr_list_get(state->attrs, MAIL_ATTR_LOG_CLIENT_NAME);
	const char *addr =
	        attr_list_get(state->attrs, MAIL_ATTR_LOG_CLIENT_ADDR);

	if (name && addr)
		vstr_fmt_append(out, "%s[%s]", name, addr);
	else
		vstr_cat(out, "local");
}

/*
 * cleanup_act_log - "ID: action: class content from origin; from=<s>
 * to=<r> proto=P helo=<h>: text", the shape log parsers know
 */
void
cleanup_act_log(struct cleanup_state *state, const char *action,
                const char *class, const char *content, const char *text)
{
	struct vstr *line = vstr_alloc(200);
	char *safe = xstrndup(content, 200);
	const char *attr;

	printable(safe, '?');
	vstr_fmt(line, "%s: %s: %s %s from ", vstr_str(state->queue_id), action,
	         class, safe);
	log_origin(state, line);
	vstr_addch(line, ';');
	if (state->sender)
		vstr_fmt_append(line, " from=<%s>", state->sender);
	if (state->recip)
		vstr_fmt_append(line, " to=<%s>", state->recip);
	if ((attr = attr_list_get(state->attrs, MAIL_ATTR_LOG_PROTO_NAME)))
		vstr_fmt_append(line, " proto=%s", attr);
	if ((attr = attr_list_get(state->attrs, MAIL_ATTR_LOG_HELO_NAME)))
		vstr_fmt_append(line, " helo=<%s>", attr);
	if (text && *text)
		vstr_fmt_append(line, ": %s", text);
	msg_info("%s", vstr_str(line));
	xfree(safe);
	vstr_free(line);
}

/* act_log - log the action under its lower-case name */
static void
act_log(struct check_ctx *c, const char *action, const char *text)
{
	cleanup_act_log(c->state, action, c->context, c->content, text);
}

/* act_reject - REJECT [text]: 4.x.x defers, anything else rejects */
static enum check_result
act_reject(struct check_ctx *c)
{
	struct cleanup_state *state = c->state;

	cleanup_dsn_prepend(state->reason, "5.7.1",
	                    *c->text ? c->text : "message content rejected");
	if (vstr_str(state->reason)[0] != '4' &&
	    vstr_str(state->reason)[0] != '5') {
		msg_warn("bad DSN action in %s -- need 4.x.x or 5.x.x",
		         c->text);
		vstr_str(state->reason)[0] = '4';
	}
	state->errs |= vstr_str(state->reason)[0] == '4' ? CLEANUP_STAT_DEFER
	                                                 : CLEANUP_STAT_CONT;
	state->checks_off = true;
	act_log(c, "reject", vstr_str(state->reason));
	return CHECK_KEEP;
}

/* act_warn - WARN [text]: log only */
static enum check_result
act_warn(struct check_ctx *c)
{
	act_log(c, "warning", c->text);
	return CHECK_KEEP;
}

/* act_info - INFO [text]: log only */
static enum check_result
act_info(struct check_ctx *c)
{
	act_log(c, "info", c->text);
	return CHECK_KEEP;
}

/* act_hold - HOLD [text]: the message goes to hold/ */
static enum check_result
act_hold(struct check_ctx *c)
{
	c->state->flags |= CLEANUP_FLAG_HOLD;
	act_log(c, "hold", c->text);
	return CHECK_KEEP;
}

/* act_discard - DISCARD [text]: accept, then throw away */
static enum check_result
act_discard(struct check_ctx *c)
{
	c->state->flags |= CLEANUP_FLAG_DISCARD;
	c->state->checks_off = true;
	act_log(c, "discard", c->text);
	return CHECK_KEEP;
}

/* act_ignore - IGNORE: drop this header or line */
static enum check_result
act_ignore(struct check_ctx *c)
{
	(void) c;
	return CHECK_DROP;
}

/* new_text_ok - REPLACE and PREPEND need text; a header needs a name */
static bool
new_text_ok(struct check_ctx *c, const char *action)
{
	if (*c->text == 0) {
		msg_warn("%s action without text in %s map", action, c->title);
		return false;
	}
	if (strcmp(c->context, "header") == 0 &&
	    cleanup_hdr_name(c->text, strlen(c->text), NULL) == 0) {
		msg_warn("bad %s header text \"%s\" in %s map -- need "
		         "\"headername: headervalue\"",
		         action, c->text, c->title);
		return false;
	}
	return true;
}

/* act_replace - REPLACE text: the header or line becomes text */
static enum check_result
act_replace(struct check_ctx *c)
{
	if (!new_text_ok(c, "REPLACE"))
		return CHECK_KEEP;
	act_log(c, "replace", c->text);
	vstr_cpy(c->out, c->text);
	return CHECK_REPLACED;
}

/* act_prepend - PREPEND text: text goes out before the header or line */
static enum check_result
act_prepend(struct check_ctx *c)
{
	if (!new_text_ok(c, "PREPEND"))
		return CHECK_KEEP;
	act_log(c, "prepend", c->text);
	if (strcmp(c->context, "header") == 0)
		cleanup_out_header(c->state, c->text, strlen(c->text));
	else
		cleanup_out_text(c->state, REC_TYPE_NORM, c->text,
		                 strlen(c->text));
	return CHECK_KEEP;
}

/* act_redirect - REDIRECT address: deliver to that address only */
static enum check_result
act_redirect(struct check_ctx *c)
{
	if (*c->text == 0) {
		msg_warn("missing REDIRECT destination in %s map", c->title);
		return CHECK_KEEP;
	}
	xfree(c->state->redirect);
	c->state->redirect = xstrdup(c->text);
	act_log(c, "redirect", c->text);
	return CHECK_KEEP;
}

/* act_filter - FILTER transport:destination: the content filter */
static enum check_result
act_filter(struct check_ctx *c)
{
	if (*c->text == 0 || strchr(c->text, ':') == NULL) {
		msg_warn("bad FILTER action \"%s\" in %s map -- need "
		         "transport:destination",
		         c->text, c->title);
		return CHECK_KEEP;
	}
	xfree(c->state->filter);
	c->state->filter = xstrdup(c->text);
	act_log(c, "filter", c->text);
	return CHECK_KEEP;
}

/* act_dunno - DUNNO, OK: nothing */
static enum check_result
act_dunno(struct check_ctx *c)
{
	(void) c;
	return CHECK_KEEP;
}

static const struct {
	const char *name;
	check_action_fn fn;
} actions[] = {
        {"REJECT", act_reject},     {"WARN", act_warn},
        {"INFO", act_info},         {"HOLD", act_hold},
        {"DISCARD", act_discard},   {"IGNORE", act_ignore},
        {"REPLACE", act_replace},   {"PREPEND", act_prepend},
        {"REDIRECT", act_redirect}, {"FILTER", act_filter},
        {"DUNNO", act_dunno},       {"OK", act_dunno},
};

/* run_action - split "COMMAND text" and run the command */
static enum check_result
run_action(struct check_ctx *c, const char *value)
{
	size_t len = strcspn(value, " \t");
	const char *text = value + len;

	while (*text == ' ' || *text == '\t')
		text++;
	c->text = text;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strlen(actions[i].name) == len &&
		    strncasecmp(value, actions[i].name, len) == 0)
			return actions[i].fn(c);
	msg_warn("unknown command in %s map: %s", c->title, value);
	return CHECK_KEEP;
}

/*
 * cleanup_check - look content up in maps and act on the result. context
 * is "header" or "body". Returns CHECK_DROP (IGNORE), CHECK_REPLACED
 * (the new text is in out) or CHECK_KEEP.
 */
enum check_result
cleanup_check(struct cleanup_state *state, struct maps *maps,
              const char *context, const char *content, struct vstr *out)
{
	struct check_ctx c = {state, context, content, "", maps->title, out};
	const char *value;
	enum check_result result;
	char *copy;
	int rc = maps_find(maps, content, MAPS_FIND_FULL, &value);

	if (rc == DICT_ERROR) {
		msg_warn("%s: %s map lookup problem -- message not accepted, "
		         "try again later",
		         vstr_str(state->queue_id), maps->title);
		state->errs |= CLEANUP_STAT_WRITE;
		return CHECK_KEEP;
	}
	if (rc != DICT_FOUND)
		return CHECK_KEEP;
	copy = xstrdup(value);
	result = run_action(&c, copy);
	xfree(copy);
	return result;
}
