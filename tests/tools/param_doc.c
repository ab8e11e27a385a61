/*
 * NAME
 *	param_doc - write the parameter list of postconf(5) from params.def
 * SYNOPSIS
 *	param_doc		the whole postconf.5 page, mdoc(7)
 *	param_doc --names	one parameter name per line
 * DESCRIPTION
 *	postconf(5) is generated from the parameter table so that the two
 *	cannot drift apart; "make doc" runs this tool and the test suite
 *	checks the committed page against the table.
 */
#include <stdio.h>
#include <string.h>

#include "mail_params.h"

/* put_escaped - text safe on an mdoc text line or macro argument */
static void
put_escaped(const char *s, int word_escape)
{
	int at_word_start = 1;

	for (; *s; s++) {
		if (word_escape && at_word_start && *s != ' ')
			fputs("\\&", stdout);
		at_word_start = (*s == ' ');
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else
			putchar(*s);
	}
}

/* put_param - one .It entry */
static void
put_param(const struct param_def *p)
{
	printf(".It Cm %s\n", p->name);
	if (p->flags & PF_HOST)
		printf("Type: %s; default: computed from this host.\n",
		       param_type_name(p->type));
	else if (*p->defval == 0)
		printf("Type: %s; default: empty.\n", param_type_name(p->type));
	else {
		printf("Type: %s; default:\n.Ql ", param_type_name(p->type));
		put_escaped(p->defval, 1);
		printf(" .\n");
	}
	put_escaped(p->desc, 0);
	printf(".\n");
	if (p->flags & PF_RAW)
		printf("Its value is expanded when it is used, not when the "
		       "configuration is read.\n");
}

static const char header[] =
        ".\\\" Generated from mta/libglobal/params.def by "
        "tests/tools/param_doc;\n"
        ".\\\" edit params.def and run \"make doc\", not this file.\n"
        ".Dd November 22, 2026\n"
        ".Dt POSTCONF 5\n"
        ".Os\n"
        ".Sh NAME\n"
        ".Nm postconf\n"
        ".Nd configuration parameters of the mail system\n"
        ".Sh DESCRIPTION\n"
        "The file\n"
        ".Pa main.cf\n"
        "in the configuration directory holds settings of the form\n"
        ".Ql name = value .\n"
        "Lines that start with\n"
        ".Ql #\n"
        "and empty lines are ignored.\n"
        "A line that starts with white space continues the previous one.\n"
        "When a name is set twice, the later setting counts.\n"
        ".Pp\n"
        "A value may refer to other parameters:\n"
        ".Bl -tag -width Ds\n"
        ".It Li $name , Li ${name} , Li $(name)\n"
        "the value of that parameter; empty when it is not defined.\n"
        ".It Li ${name?text}\n"
        "text when the parameter has a non-empty value, else nothing.\n"
        ".It Li ${name:text}\n"
        "text when the parameter is empty or undefined, else nothing.\n"
        ".It Li ${name?{text1}:{text2}}\n"
        "text1 when the parameter has a non-empty value, else text2.\n"
        ".It Li ${{a} op {b} ? {text1} : {text2}}\n"
        "text1 when the comparison holds, else text2.\n"
        "The operators\n"
        ".Li == != < <= >= >\n"
        "compare numbers (or text); with the suffix\n"
        ".Li level\n"
        "they compare compatibility levels such as 3.6.\n"
        ".It Li $$\n"
        "a literal dollar sign.\n"
        ".El\n"
        ".Pp\n"
        "Types: a string; a list, whose elements are separated by commas or\n"
        "white space; a boolean,\n"
        ".Li yes\n"
        "or\n"
        ".Li no ;\n"
        "an integer; a size in bytes; a time, a number followed by one unit\n"
        "letter\n"
        ".Li s , m , h , d\n"
        "or\n"
        ".Li w\n"
        "(a bare number is in the unit that ends the default value).\n"
        ".Pp\n"
        "Debian convention: when\n"
        ".Cm myorigin\n"
        "or\n"
        ".Cm myhostname\n"
        "is an absolute path name, the first line of that file is the value,\n"
        "as in\n"
        ".Ql myorigin = /etc/mailname .\n"
        ".Sh PARAMETERS\n"
        ".Bl -tag -width Ds\n";

static const char footer[] =
        ".El\n"
        ".Sh PER-SERVICE PARAMETERS\n"
        "Each delivery service in\n"
        ".Pa master.cf\n"
        "(a\n"
        ".Cm unix\n"
        "service that runs smtp, lmtp, local, virtual, pipe or error)\n"
        "named NAME has its own copies of the queue manager controls,\n"
        "which default to the global value:\n"
        ".Cm NAME_delivery_slot_cost , NAME_delivery_slot_discount ,\n"
        ".Cm NAME_delivery_slot_loan ,\n"
        ".Cm NAME_destination_concurrency_failed_cohort_limit ,\n"
        ".Cm NAME_destination_concurrency_limit ,\n"
        ".Cm NAME_destination_concurrency_negative_feedback ,\n"
        ".Cm NAME_destination_concurrency_positive_feedback ,\n"
        ".Cm NAME_destination_rate_delay , NAME_destination_recipient_limit ,\n"
        ".Cm NAME_extra_recipient_limit , NAME_initial_destination_concurrency "
        ",\n"
        ".Cm NAME_minimum_delivery_slots , NAME_recipient_limit ,\n"
        ".Cm NAME_recipient_refill_delay , NAME_recipient_refill_limit ,\n"
        ".Cm NAME_transport_rate_delay ,\n"
        "and for pipe services\n"
        ".Cm NAME_time_limit .\n"
        ".Sh SEE ALSO\n"
        ".Xr postconf 1 ,\n"
        ".Xr master 5\n";

/* main - page or name list */
int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--names") == 0) {
		for (size_t i = 0; i < param_count; i++)
			printf("%s\n", param_table[i].name);
		return 0;
	}
	fputs(header, stdout);
	for (size_t i = 0; i < param_count; i++)
		put_param(&param_table[i]);
	fputs(footer, stdout);
	return 0;
}
