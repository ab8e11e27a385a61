/*
 * rewrite_test - unit tests for trivial-rewrite's address rewriting in the
 * local and remote contexts, with each feature switched on and off
 */
#include "mail_params.h"
#include "rewrite.h"
#include "testutil.h"

/* set_var - replace a string global */
static void
set_var(char **var, const char *value)
{
	xfree(*var);
	*var = value ? xstrdup(value) : NULL;
}

/* Feature switches of one case. */
#define NO_BANG (1 << 0)
#define NO_PCT (1 << 1)
#define NO_ORIGIN (1 << 2)
#define NO_DOT (1 << 3)
#define REMOTE_DOM (1 << 4) /* remote_header_rewrite_domain = r.example */

static const struct tcase {
	const char *name;
	const char *context;
	int flags;
	const char *in;
	const char *want;
} cases[] = {
        {"empty", REWRITE_LOCAL, 0, "", ""},
        {"lone at", REWRITE_LOCAL, 0, "@", ""},
        {"qualified", REWRITE_LOCAL, 0, "u@d.example", "u@d.example"},
        {"append origin", REWRITE_LOCAL, 0, "user", "user@o.example"},
        {"no append origin", REWRITE_LOCAL, NO_ORIGIN, "user", "user"},
        {"append mydomain", REWRITE_LOCAL, 0, "u@host", "u@host.m.example"},
        {"no append mydomain", REWRITE_LOCAL, NO_DOT, "u@host", "u@host"},
        {"literal not appended", REWRITE_LOCAL, 0, "u@[192.0.2.1]",
         "u@[192.0.2.1]"},
        {"empty domain left alone", REWRITE_LOCAL, 0, "u@", "u@"},
        {"bang", REWRITE_LOCAL, 0, "host!user", "user@host.m.example"},
        {"bang two hops", REWRITE_LOCAL, 0, "a.x!b!user", "b!user@a.x"},
        {"bang off, percent", REWRITE_LOCAL, NO_BANG, "a!u%d.x", "a!u@d.x"},
        {"bang off, origin", REWRITE_LOCAL, NO_BANG | NO_PCT, "a!u",
         "a!u@o.example"},
        {"bang with at", REWRITE_LOCAL, 0, "a!u@d.x", "a!u@d.x"},
        {"percent", REWRITE_LOCAL, 0, "u%d.x", "u@d.x"},
        {"percent rightmost", REWRITE_LOCAL, 0, "u%v%d.x", "u%v@d.x"},
        {"percent then mydomain", REWRITE_LOCAL, 0, "u%host",
         "u@host.m.example"},
        {"percent off", REWRITE_LOCAL, NO_PCT, "u%d.x", "u%d.x@o.example"},
        {"percent with at kept", REWRITE_LOCAL, 0, "u%d.x@o.example",
         "u%d.x@o.example"},
        {"source route", REWRITE_LOCAL, 0, "@a,@b:u@d.x", "u@d.x"},
        {"source route to bare", REWRITE_LOCAL, 0, "@a:u", "u@o.example"},
        {"trailing dot", REWRITE_LOCAL, 0, "u@d.x.", "u@d.x"},
        {"trailing dot, single label", REWRITE_LOCAL, 0, "u@host.", "u@host"},
        {"double dot kept", REWRITE_LOCAL, 0, "u@d.x..", "u@d.x.."},
        {"at dot kept", REWRITE_LOCAL, 0, "u@.", "u@."},
        {"remote, no domain set", REWRITE_REMOTE, 0, "user", "user"},
        {"remote, host kept", REWRITE_REMOTE, 0, "u@host", "u@host"},
        {"remote, bang still", REWRITE_REMOTE, 0, "h.x!u", "u@h.x"},
        {"remote, domain set", REWRITE_REMOTE, REMOTE_DOM, "user",
         "user@r.example"},
        {"remote, host qualified", REWRITE_REMOTE, REMOTE_DOM, "u@host",
         "u@host.r.example"},
        {"space in local part", REWRITE_LOCAL, 0, "a b", "a b@o.example"},
};

/* test_cases - the table */
static void
test_cases(void **state)
{
	struct vstr *out = vstr_alloc(10);

	(void) state;
	set_var(&var_myorigin, "o.example");
	set_var(&var_mydomain, "m.example");
	for (size_t i = 0; i < NELEM(cases); i++) {
		const struct tcase *c = &cases[i];

		var_swap_bangpath = !(c->flags & NO_BANG);
		var_allow_percent_hack = !(c->flags & NO_PCT);
		var_append_at_myorigin = !(c->flags & NO_ORIGIN);
		var_append_dot_mydomain = !(c->flags & NO_DOT);
		set_var(&var_remote_header_rewrite_domain,
		        c->flags & REMOTE_DOM ? "r.example" : "");
		rewrite_addr(c->context, c->in, out);
		CHECK_STR(c->name, vstr_str(out), c->want);
	}
	vstr_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests_name("rewrite", tests, NULL, NULL);
}
