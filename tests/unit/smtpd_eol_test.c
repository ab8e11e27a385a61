/*
 * smtpd_eol_test - the DATA line-ending state machine: dot-stuffing, long
 * lines, and every SMTP smuggling variant in each smtpd_forbid_bare_newline
 * mode
 */
#include "testutil.h"

#include "../../mta/smtpd/smtpd_eol.c"

#define LIMIT 2048

static const struct eol_case {
	const char *name;
	int mode;
	bool after_crlf; /* the DATA command ended with CRLF */
	size_t limit;    /* line_length_limit */
	const char *in;
	const char *want; /* records: N:text| U:text|, then E or L */
	const char *rest; /* input left for the command reader */
} eol_cases[] = {
        {"plain message", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "a\r\nb\r\n.\r\nQUIT\r\n", "N:a|N:b|E", "QUIT\r\n"},
        {"empty message", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT, ".\r\n", "E",
         ""},
        {"dot-stuffed lines", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "..x\r\n..\r\n.\r\n", "N:.x|N:.|E", ""},
        {"smuggle LF.LF", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "a\n.\nMAIL FROM:<x>\r\n.\r\n", "N:a|N:|N:MAIL FROM:<x>|E", ""},
        {"smuggle CRLF.LF", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "a\r\n.\nMAIL FROM:<x>\r\n.\r\n", "N:a|N:|N:MAIL FROM:<x>|E", ""},
        {"smuggle LF.CRLF", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "a\n.\r\nMAIL FROM:<x>\r\n.\r\n", "N:a|N:|N:MAIL FROM:<x>|E", ""},
        {"smuggle CR.CR", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "a\r.\rMAIL\r\n.\r\n", "N:a\r.\rMAIL|E", ""},
        {"smuggle CRLF.CR", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "a\r\n.\rMAIL\r\n.\r\n", "N:a|N:\rMAIL|E", ""},
        {"smuggle CR.CRLF", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "a\r.\r\nMAIL\r\n.\r\n", "N:a\r.|N:MAIL|E", ""},
        {"bare LF line ending kept", SMTPD_EOL_MODE_NORMALIZE, true, LIMIT,
         "a\nb\n\r\n.\r\n", "N:a|N:b|N:|E", ""},
        {"first dot after bare-LF DATA", SMTPD_EOL_MODE_NORMALIZE, false, LIMIT,
         ".\r\n.\r\n", "N:|E", ""},
        {"long line split", SMTPD_EOL_MODE_NORMALIZE, true, 4,
         "abcdefghij\r\n.\r\n", "U:abcd|U:efgh|N:ij|E", ""},
        {"CR held at the limit", SMTPD_EOL_MODE_NORMALIZE, true, 4,
         "abc\r\n.\r\n", "U:abc|N:|E", ""},
        {"CR at the limit is data", SMTPD_EOL_MODE_NORMALIZE, true, 4,
         "abc\rdef\r\n.\r\n", "U:abc|U:\rdef|N:|E", ""},
        {"stuffed dot of a long line", SMTPD_EOL_MODE_NORMALIZE, true, 4,
         "..abcd\r\n.\r\n", "U:.ab|N:cd|E", ""},
        {"legacy LF.LF ends", SMTPD_EOL_MODE_NO, true, LIMIT,
         "a\n.\nMAIL FROM:<x>\r\n", "N:a|E", "MAIL FROM:<x>\r\n"},
        {"legacy CRLF.LF ends", SMTPD_EOL_MODE_NO, true, LIMIT,
         "a\r\n.\nRSET\r\n", "N:a|E", "RSET\r\n"},
        {"legacy CRLF.CRLF ends", SMTPD_EOL_MODE_NO, true, LIMIT, "a\r\n.\r\n",
         "N:a|E", ""},
        {"reject bare LF", SMTPD_EOL_MODE_REJECT, true, LIMIT,
         "a\r\nb\nc\r\n.\r\n", "N:a|L", "c\r\n.\r\n"},
        {"reject LF.LF", SMTPD_EOL_MODE_REJECT, true, LIMIT, "a\r\n.\nMAIL\r\n",
         "N:a|L", "MAIL\r\n"},
        {"reject accepts CRLF", SMTPD_EOL_MODE_REJECT, true, LIMIT,
         "a\r\n.\r\n", "N:a|E", ""},
};

/* next_piece - what vstream_get_line would return from *in */
static size_t
next_piece(const char *in, size_t limit)
{
	size_t n = 0;

	while (in[n] && n < limit)
		if (in[n++] == '\n')
			break;
	return n;
}

/* run_eol - feed a case through the state machine */
static void
run_eol(const struct eol_case *c, struct vstr *out, const char **rest)
{
	struct smtpd_eol e;
	struct vstr *piece = vstr_alloc(10);
	const char *in = c->in;
	int type = 0;

	smtpd_eol_init(&e, c->mode, true, c->after_crlf);
	vstr_reset(out);
	while (*in && type != SMTPD_EOL_END && type != SMTPD_EOL_BARE_LF) {
		size_t n = next_piece(in, c->limit);

		vstr_mem(piece, in, n);
		in += n;
		type = smtpd_eol_piece(&e, piece);
		if (type == SMTPD_EOL_NORM || type == SMTPD_EOL_CONT)
			vstr_fmt_append(out, "%c:%s|", type, vstr_str(piece));
		else
			vstr_addch(out, type);
	}
	*rest = in;
	vstr_free(piece);
}

static void
test_eol_cases(void **unused)
{
	struct vstr *out = vstr_alloc(100);
	const char *rest;

	(void) unused;
	for (size_t i = 0; i < NELEM(eol_cases); i++) {
		run_eol(eol_cases + i, out, &rest);
		CHECK_STR(eol_cases[i].name, vstr_str(out), eol_cases[i].want);
		CHECK_STR(eol_cases[i].name, rest, eol_cases[i].rest);
	}
	vstr_free(out);
}

static void
test_eol_bare_lf_flag(void **unused)
{
	struct smtpd_eol e;
	struct vstr *piece = vstr_alloc(10);

	(void) unused;
	smtpd_eol_init(&e, SMTPD_EOL_MODE_NORMALIZE, true, true);
	vstr_cpy(piece, "a\r\n");
	(void) smtpd_eol_piece(&e, piece);
	CHECK_TRUE("CRLF line", !e.saw_bare_lf, "no bare LF seen");
	vstr_cpy(piece, "b\n");
	(void) smtpd_eol_piece(&e, piece);
	CHECK_TRUE("LF line", e.saw_bare_lf, "bare LF seen");
	vstr_free(piece);
}

static const struct mode_case {
	const char *in;
	int want;
} mode_cases[] = {
        {"no", SMTPD_EOL_MODE_NO},
        {"Normalize", SMTPD_EOL_MODE_NORMALIZE},
        {"yes", SMTPD_EOL_MODE_NORMALIZE},
        {"reject", SMTPD_EOL_MODE_REJECT},
        {"REJECT", SMTPD_EOL_MODE_REJECT},
        {"maybe", -1},
        {"", -1},
};

static void
test_eol_mode_parse(void **unused)
{
	(void) unused;
	for (size_t i = 0; i < NELEM(mode_cases); i++)
		CHECK_LONG(mode_cases[i].in,
		           smtpd_eol_mode_parse(mode_cases[i].in),
		           mode_cases[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_eol_cases),
	        cmocka_unit_test(test_eol_bare_lf_flag),
	        cmocka_unit_test(test_eol_mode_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
