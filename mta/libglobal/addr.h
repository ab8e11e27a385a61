#ifndef ADDR_H
#define ADDR_H
/*
 * NAME
 *	addr - RFC 5322/5321 address text: quoting, header lists, SMTP paths
 * SUMMARY
 *	void addr_quote_local(const char *internal, struct vstr *out);
 *	void addr_unquote(const char *external, struct vstr *out);
 *	typedef int (*addr_rewrite_fn)(const char *in, struct vstr *out,
 *	    void *ctx);
 *	int addr_list_rewrite(const char *value, struct vstr *out,
 *	    addr_rewrite_fn fn, void *ctx);
 *	int addr_list_extract(const char *value, struct argv *out);
 *	int addr_parse_path(const char *arg, struct vstr *addr,
 *	    struct vstr *why);
 * DESCRIPTION
 *	Addresses have two forms. The internal form is what the queue,
 *	tables and delivery agents use: the local part unquoted
 *	("a b@example.com"). The external form is what goes on the wire
 *	and in headers: the local part quoted when it needs it
 *	("\"a b\"@example.com").
 *
 *	addr_quote_local() converts internal to external form into out
 *	(replacing its contents). The local part (up to the last "@") is
 *	quoted when it is not a dot-atom; '"' and '\\' inside are escaped.
 *	The empty address stays empty.
 *
 *	addr_unquote() converts external to internal form: quotes are
 *	removed and backslash escapes resolved; comments and white space
 *	outside quotes are dropped; surrounding "<>" are removed.
 *
 *	addr_list_rewrite() parses value, the text of a header that holds
 *	an address list (From, To, Cc, Bcc, Sender, Reply-To, Resent-*),
 *	with phrases, <route-addr>, groups "name: a, b;" and comments. For
 *	every address it calls fn with the internal form; fn writes the
 *	replacement (internal form) into out and returns 0, or returns -1
 *	to keep the address unchanged. The rebuilt value goes to out
 *	(replacing its contents), with phrases, comments and white space
 *	kept and rewritten addresses in external form. The result is the
 *	number of addresses found, or -1 when the value cannot be parsed
 *	(out then holds the value unchanged). fn may be NULL (no rewrite).
 *
 *	addr_list_extract() appends to out the internal forms of the
 *	addresses in value and returns how many, or -1 on a parse error.
 *	Empty addresses ("<>") are added as "".
 *
 *	addr_parse_path() parses the argument of SMTP MAIL FROM: or RCPT
 *	TO: (just the path, without ESMTP parameters): "<user@domain>",
 *	"<>", "<@a,@b:user@domain>" (the source route is dropped) or a
 *	bare address without "<>". The internal form goes to addr. It
 *	returns 0, or -1 with a short reason in why ("Syntax error in
 *	address" style text without a reply code). Whether a bare address
 *	is allowed (strict_rfc821_envelopes) is the caller's decision.
 */

struct vstr;
struct argv;

typedef int (*addr_rewrite_fn)(const char *in, struct vstr *out, void *ctx);

extern void addr_quote_local(const char *, struct vstr *);
extern void addr_unquote(const char *, struct vstr *);
extern int addr_list_rewrite(const char *, struct vstr *, addr_rewrite_fn,
                             void *);
extern int addr_list_extract(const char *, struct argv *);
extern int addr_parse_path(const char *, struct vstr *, struct vstr *);

#endif
