#ifndef REWRITE_H
#define REWRITE_H
/*
 * NAME
 *	rewrite - trivial-rewrite's address rewriting, as a library
 * SUMMARY
 *	void rewrite_addr(const char *context, const char *addr,
 *	    struct vstr *result);
 * DESCRIPTION
 *	rewrite_addr() rewrites addr (internal form) to the standard
 *	user@fully.qualified.domain form into result (replacing its
 *	contents), as trivial-rewrite does for the "rewrite" request.
 *	context is "local" (the address came from this machine or a
 *	trusted client) or "remote" (from other clients, see
 *	remote_header_rewrite_domain). In order:
 *
 *	- "" and "@" become "".
 *	- a source route "@a,@b:user@domain" is reduced to user@domain.
 *	- an address without "@": with swap_bangpath, "host!user" becomes
 *	  "user@host" (at the first "!"); else with allow_percent_hack,
 *	  "user%domain" becomes "user@domain" (at the last "%"); else with
 *	  append_at_myorigin, "user" becomes "user@$myorigin" (local
 *	  context) or "user@$remote_header_rewrite_domain" (remote
 *	  context; left unchanged when that parameter is empty).
 *	- "user@host" where host has no dot and is not a [literal] gets
 *	  ".$mydomain" (local) or ".$remote_header_rewrite_domain" (remote,
 *	  when not empty) appended when append_dot_mydomain is set.
 *	- a trailing dot is removed (but not from "..", "@.").
 *
 *	As in Postfix, "user%domain@localdomain" is left alone here: the
 *	resolver (resolve.h) strips local domains and applies the percent
 *	hack when it decides where the address goes.
 *
 *	Parameters are read from the var_* globals at each call; no
 *	table is used.
 */

struct vstr;

#define REWRITE_LOCAL "local"
#define REWRITE_REMOTE "remote"

extern void rewrite_addr(const char *, const char *, struct vstr *);

#endif
