/*
 * NAME
 *	smtpd - the SMTP server
 * SUMMARY
 *	smtpd [generic daemon options]	(from master(8))
 *	smtpd -S [-c config_dir] [-o name=value]	(stand-alone,
 *stdin/stdout) DESCRIPTION One SMTP session per connection, RFC 5321 with
 *PIPELINING, SIZE, VRFY, ETRN, ENHANCEDSTATUSCODES, 8BITMIME, DSN, SMTPUTF8 and
 *	CHUNKING. Messages go to the cleanup service; the access checks
 *	are smtpd_check.c. This file holds the daemon set-up and the
 *	command loop; the verbs are table-driven (smtpd_proto.c).
 *
 *	The loop reads one command line, finds its row in the verb table,
 *	applies the rules common to all verbs (improper pipelining,
 *	connect-time rejection, smtpd_helo_required, junk commands,
 *	error limits) and runs the row's handler. Per-verb counters make
 *	the "disconnect from" summary line.
 * SECURITY
 *	The server talks to anyone on the network. It runs chrooted at
 *	fixed low privilege (master.cf). Tables and lists are opened
 *	before the jail. Client input is bounded by line_length_limit and
 *	message_size_limit where it is read, logged through printable(),
 *	and the end of DATA is recognized only as <CR><LF>.<CR><LF> by
 *	default, so that a message cannot smuggle another one past us.
 * DIAGNOSTICS
 *	Postfix's log line shapes: "connect from NAME[ADDR]", "QUEUEID:
 *	client=NAME[ADDR]", "lost connection after CMD from ...",
 *	"timeout after CMD from ...", "too many errors after CMD from
 *	...", "disconnect from NAME[ADDR] ehlo=1 mail=1 rcpt=0/1 ...
 *	commands=3/4". Rejections are logged by the checks.
 *	Per-client connection count and rate limits and message and
 *	recipient rate limits go through the anvil service
 *	(smtpd_anvil.c).
 * BUGS
 *	AUTH and STARTTLS are answered 502.
 */
#include <ifaddrs.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "argv.h"
#include "dict.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "mail_server.h"
#include "maps.h"
#include "match_list.h"
#include "msg.h"
#include "mymalloc.h"
#include "smtpd_anvil.h"
#include "smtpd_check.h"
#include "smtpd_int.h"
#include "stringops.h"

struct maps *smtpd_ehlo_discard_maps;      /* smtpd_proto.c */
static struct match_list *debug_peers;     /* debug_peer_list */
static struct match_list *bare_lf_exclude; /* ..._bare_newline_exclusions */
static struct match_list *forbidden_cmds;  /* smtpd_forbidden_commands */
static struct argv *local_addrs;           /* our interface addresses */
static int bare_lf_mode;                   /* smtpd_forbid_bare_newline */

/* bare_lf_config - smtpd_forbid_bare_newline; unset means normalize */
static int
bare_lf_config(void)
{
	char *value = mail_conf_main_eval("smtpd_forbid_bare_newline");
	int mode;

	/* Safe by default, whatever the parameter table says. */
	if (value == NULL)
		return SMTPD_EOL_MODE_NORMALIZE;
	if ((mode = smtpd_eol_mode_parse(value)) < 0)
		msg_fatal("invalid smtpd_forbid_bare_newline value: \"%s\"",
		          value);
	free(value);
	return mode;
}

/* interface_addrs - numeric addresses of our interfaces */
static struct argv *
interface_addrs(void)
{
	struct argv *list = argv_alloc(8);
	struct ifaddrs *ifa, *p;
	char host[NI_MAXHOST];

	if (getifaddrs(&ifa) < 0) {
		msg_warn("getifaddrs: %m");
		return list;
	}
	for (p = ifa; p; p = p->ifa_next)
		if (p->ifa_addr &&
		    (p->ifa_addr->sa_family == AF_INET ||
		     p->ifa_addr->sa_family == AF_INET6) &&
		    getnameinfo(p->ifa_addr,
		                p->ifa_addr->sa_family == AF_INET
		                        ? sizeof(struct sockaddr_in)
		                        : sizeof(struct sockaddr_in6),
		                host, sizeof(host), NULL, 0,
		                NI_NUMERICHOST) == 0)
			argv_add(list, host);
	freeifaddrs(ifa);
	return list;
}

/* pre_jail - open lists and tables while we can still read them */
static void
pre_jail(const char *service, char **argv)
{
	(void) service;
	(void) argv;
	smtpd_check_init();
	if (*var_debug_peer_list)
		debug_peers = match_list_init(
		        "debug_peer_list", var_debug_peer_list, MATCH_NAMADR);
	if (*var_smtpd_forbid_bare_newline_exclusions)
		bare_lf_exclude = match_list_init(
		        "smtpd_forbid_bare_newline_exclusions",
		        var_smtpd_forbid_bare_newline_exclusions, MATCH_NAMADR);
	if (*var_smtpd_forbidden_commands)
		forbidden_cmds = match_list_init("smtpd_forbidden_commands",
		                                 var_smtpd_forbidden_commands,
		                                 MATCH_STRING);
	if (*var_smtpd_discard_ehlo_keyword_address_maps)
		smtpd_ehlo_discard_maps =
		        maps_create("smtpd_discard_ehlo_keyword_address_maps",
		                    var_smtpd_discard_ehlo_keyword_address_maps,
		                    DICT_FLAG_LOCK);
	bare_lf_mode = bare_lf_config();
	local_addrs = interface_addrs();
	smtpd_anvil_init();
}

/* is_local_addr - is the client one of our interfaces? */
static bool
is_local_addr(const char *addr)
{
	for (size_t i = 0; i < local_addrs->argc; i++)
		if (strcasecmp(local_addrs->argv[i], addr) == 0)
			return true;
	return false;
}

/* rewrite_context - local_header_rewrite_clients, the common forms */
static const char *
rewrite_context(struct smtpd_state *s)
{
	struct argv *words =
	        argv_split(var_local_header_rewrite_clients, LIST_DELIMS);
	bool local = false;

	for (size_t i = 0; i < words->argc && !local; i++) {
		const char *w = words->argv[i];

		if (strcasecmp(w, "permit_inet_interfaces") == 0)
			local = s->addr_family == AF_UNSPEC ||
			        is_local_addr(s->addr);
		else if (strcasecmp(w, "permit_mynetworks") == 0)
			local = smtpd_check_mynetworks(s);
		else if (strcasecmp(w, "static:all") == 0)
			local = true;
		else if (strcasecmp(w, "permit_sasl_authenticated") == 0)
			local = s->sasl_username != NULL;
	}
	argv_free(words);
	return local ? "local" : "remote";
}

/* session_init - a new client */
static void
session_init(struct smtpd_state *s, struct vstream *stream, const char *service)
{
	s->client = stream;
	s->service = xstrdup(service);
	s->buffer = vstr_alloc(100);
	s->reply = vstr_alloc(100);
	s->where = "CONNECT";
	s->cmd_ok = xcalloc(smtpd_cmd_count, sizeof(int));
	s->cmd_total = xcalloc(smtpd_cmd_count, sizeof(int));
	vstream_set_timeout(stream, (int) var_smtpd_timeout);
	smtpd_peer_init(s);
	s->bare_lf_mode = bare_lf_mode;
	if (bare_lf_exclude &&
	    match_list_match(bare_lf_exclude, s->name, s->addr) == 1)
		s->bare_lf_mode = SMTPD_EOL_MODE_NO;
	s->command_crlf = true;
}

/* session_free - forget the client */
static void
session_free(struct smtpd_state *s)
{
	smtpd_mail_reset(s);
	smtpd_peer_free(s);
	s->service = xfree(s->service);
	s->helo_name = xfree(s->helo_name);
	s->protocol = xfree(s->protocol);
	s->etrn_name = xfree(s->etrn_name);
	s->access_denied = xfree(s->access_denied);
	s->rewrite_context = xfree(s->rewrite_context);
	s->cmd_ok = xfree(s->cmd_ok);
	s->cmd_total = xfree(s->cmd_total);
	s->buffer = vstr_free(s->buffer);
	s->reply = vstr_free(s->reply);
}

/* log_disconnect - "disconnect from ... ehlo=1 mail=1 ... commands=N" */
static void
log_disconnect(const struct smtpd_state *s)
{
	struct vstr *buf = vstr_alloc(200);
	int ok = 0, total = 0;

	vstr_fmt(buf, "disconnect from %s", s->namaddr);
	for (size_t i = 0; i < smtpd_cmd_count; i++) {
		if (s->cmd_total[i] == 0)
			continue;
		char *name = lowercase(xstrdup(smtpd_cmd_table[i].name));

		vstr_fmt_append(buf, " %s=%d", name, s->cmd_ok[i]);
		if (s->cmd_ok[i] != s->cmd_total[i])
			vstr_fmt_append(buf, "/%d", s->cmd_total[i]);
		ok += s->cmd_ok[i];
		total += s->cmd_total[i];
		xfree(name);
	}
	vstr_fmt_append(buf, " commands=%d", ok);
	/* Postfix writes "commands=0/0" for a session without commands. */
	if (ok != total || total == 0)
		vstr_fmt_append(buf, "/%d", total);
	msg_info("%s", vstr_str(buf));
	vstr_free(buf);
}

/* improper_pipelining - input before our reply where RFC 2920 forbids */
static bool
improper_pipelining(struct smtpd_state *s, const struct smtpd_cmd *cmd)
{
	bool may_pipeline =
	        s->ehlo_seen && !(s->ehlo_discard_mask & SMTPD_EHLO_PIPELINING);
	size_t n;

	if (!(cmd->flags & SMTPD_CMD_LAST) && may_pipeline)
		return false;
	if (!smtpd_chat_pending(s))
		return false;
	s->pipelining = true;
	if (!var_smtpd_forbid_unauth_pipelining)
		return false;
	n = vstream_peek(s->client);
	if (n > 100)
		n = 100;
	/* Copy the pipelined text through a buffer of exactly that size. */
	{
		char *text = xmalloc(n + 1);

		n = vstream_read(s->client, text, n);
		vstr_mem(s->reply, text, n);
		xfree(text);
	}
	vstr_truncate(s->reply, strcspn(vstr_str(s->reply), "\r\n"));
	msg_info("improper command pipelining after %s from %s: %s", cmd->name,
	         s->namaddr, printable(vstr_str(s->reply), '?'));
	smtpd_chat_reply(s, "554 5.5.0 Error: SMTP protocol synchronization");
	s->io_status = SMTPD_IO_CLOSE;
	return true;
}

/* unknown_command - not in the table; maybe not SMTP at all */
static void
unknown_command(struct smtpd_state *s, const char *verb)
{
	s->where = "UNKNOWN";
	if (*verb != 0 && forbidden_cmds &&
	    match_list_match(forbidden_cmds, verb, NULL) == 1) {
		msg_warn("non-SMTP command from %s: %.100s", s->namaddr,
		         printable(vstr_str(s->buffer), '?'));
		smtpd_chat_reply(s, "221 2.7.0 Error: I can break rules, too. "
		                    "Goodbye.");
		s->io_status = SMTPD_IO_CLOSE;
	} else if (*verb == 0) {
		smtpd_chat_reply(s, "500 5.5.2 Error: bad syntax");
	} else {
		smtpd_chat_reply(s, "502 5.5.2 Error: command not recognized");
	}
}

/* command_allowed - rules common to every verb */
static bool
command_allowed(struct smtpd_state *s, const struct smtpd_cmd *cmd)
{
	if (improper_pipelining(s, cmd))
		return false;
	if (s->access_denied && (cmd->flags & SMTPD_CMD_DENIABLE)) {
		smtpd_chat_reply(s, "503 5.7.0 Error: access denied for %s",
		                 s->namaddr);
		return false;
	}
	if ((cmd->flags & SMTPD_CMD_NEED_HELO) && var_smtpd_helo_required &&
	    s->helo_name == NULL) {
		smtpd_chat_reply(s, "503 5.5.1 Error: send HELO/EHLO first");
		return false;
	}
	if ((cmd->flags & SMTPD_CMD_LIMIT) &&
	    s->junk_cmds++ >= var_smtpd_junk_command_limit)
		s->error_count++;
	return true;
}

/* run_command - one command line */
static void
run_command(struct smtpd_state *s)
{
	char *line = vstr_str(s->buffer);
	char *verb, *arg;
	const struct smtpd_cmd *cmd;
	size_t row;

	line += strspn(line, " \t");
	verb = line;
	arg = line + strcspn(line, " \t");
	if (*arg)
		*arg++ = 0;
	cmd = smtpd_cmd_find(verb);
	row = (size_t) (cmd - smtpd_cmd_table);
	s->cmd_total[row]++;
	if (cmd->fn == NULL) {
		unknown_command(s, verb);
		return;
	}
	s->where = cmd->name;
	if (command_allowed(s, cmd) && cmd->fn(s, arg) == 0)
		s->cmd_ok[row]++;
}

/* command_loop - commands until QUIT, an error limit or I/O trouble */
static void
command_loop(struct smtpd_state *s)
{
	while (s->io_status == SMTPD_IO_OK) {
		if (s->error_count >= var_smtpd_hard_error_limit) {
			msg_info("too many errors after %s from %s", s->where,
			         s->namaddr);
			smtpd_chat_reply(s,
			                 "421 4.7.0 %s Error: too many errors",
			                 var_myhostname);
			break;
		}
		int rc = smtpd_chat_command(s);

		if (rc == 0)
			run_command(s);
	}
	vstream_fflush(s->client);
}

/* greet - the banner, or a connect-time rejection */
static void
greet(struct smtpd_state *s)
{
	const char *reply = smtpd_check_client(s);

	if (reply != NULL) {
		s->access_denied = xstrdup(reply);
		smtpd_chat_reply(s, "%s", reply);
	} else {
		smtpd_chat_reply(s, "220 %s", var_smtpd_banner);
	}
}

/*
 * linger_close - let the last reply reach a client that is still sending
 *
 * Closing a TCP socket with unread input makes the kernel send a reset,
 * and the client may then lose our last reply ("421 ... too many errors",
 * "554 ... synchronization"). So: flush, shut down our side, and discard
 * what the client still sends for a moment.
 */
static void
linger_close(struct vstream *stream)
{
	int fd = vstream_fileno(stream);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char junk[4096];
	int rounds = 0;

	if (vstream_fflush(stream) < 0 || shutdown(fd, SHUT_WR) < 0)
		return;
	while (rounds++ < 16 && poll(&pfd, 1, 200) > 0 &&
	       read(fd, junk, sizeof(junk)) > 0)
		continue;
}

/* smtpd_service - one SMTP session */
static void
smtpd_service(struct vstream *stream, const char *service, char **argv)
{
	struct smtpd_state state = {0};
	int saved_verbose = msg_verbose;

	(void) argv;
	session_init(&state, stream, service);
	if (debug_peers &&
	    match_list_match(debug_peers, state.name, state.addr) == 1)
		msg_verbose += var_debug_peer_level;
	msg_info("connect from %s", state.namaddr);
	smtpd_check_session(&state);
	state.rewrite_context = xstrdup(rewrite_context(&state));
	if (smtpd_anvil_connect(&state) == 0)
		greet(&state);
	command_loop(&state);
	smtpd_chat_log_lost(&state);
	smtpd_mail_reset(&state);
	smtpd_anvil_disconnect(&state);
	log_disconnect(&state);
	linger_close(stream);
	session_free(&state);
	msg_verbose = saved_verbose;
}

/* main - run as a single-client service */
int
main(int argc, char **argv)
{
	static const struct server_spec spec = {
	        .kind = SERVER_SINGLE,
	        .service = smtpd_service,
	        .pre_jail = pre_jail,
	};

	return mail_server_run(argc, argv, &spec);
}
