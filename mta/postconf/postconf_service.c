/*
 * postconf_service - parameters created by master.cf delivery services
 *
 * A delivery service named NAME in master.cf gets its own copy of the
 * queue manager's per-transport controls (NAME_destination_concurrency_limit
 * and so on), defaulting to the global default_* value; a pipe(8) service
 * also gets NAME_time_limit. Which daemons count as delivery agents, and
 * which suffixes exist, matches what "postconf -d" shows on Debian.
 */
#include <string.h>

#include "argv.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "master_cf.h"
#include "postconf.h"
#include "vstr.h"

static const struct suffix {
	const char *suffix;
	const char *defval;
} suffixes[] = {
        {"_delivery_slot_cost", "$default_delivery_slot_cost"},
        {"_delivery_slot_discount", "$default_delivery_slot_discount"},
        {"_delivery_slot_loan", "$default_delivery_slot_loan"},
        {"_destination_concurrency_failed_cohort_limit",
         "$default_destination_concurrency_failed_cohort_limit"},
        {"_destination_concurrency_limit",
         "$default_destination_concurrency_limit"},
        {"_destination_concurrency_negative_feedback",
         "$default_destination_concurrency_negative_feedback"},
        {"_destination_concurrency_positive_feedback",
         "$default_destination_concurrency_positive_feedback"},
        {"_destination_rate_delay", "$default_destination_rate_delay"},
        {"_destination_recipient_limit",
         "$default_destination_recipient_limit"},
        {"_extra_recipient_limit", "$default_extra_recipient_limit"},
        {"_initial_destination_concurrency",
         "$initial_destination_concurrency"},
        {"_minimum_delivery_slots", "$default_minimum_delivery_slots"},
        {"_recipient_limit", "$default_recipient_limit"},
        {"_recipient_refill_delay", "$default_recipient_refill_delay"},
        {"_recipient_refill_limit", "$default_recipient_refill_limit"},
        {"_transport_rate_delay", "$default_transport_rate_delay"},
};

static const char *const delivery_agents[] = {
        "smtp", "lmtp", "local", "virtual", "pipe", "error", NULL,
};

/* is_delivery_agent - does this command deliver mail */
static bool
is_delivery_agent(const char *command)
{
	for (const char *const *a = delivery_agents; *a; a++)
		if (strcmp(command, *a) == 0)
			return true;
	return false;
}

static struct argv *service_params;

/* register_one - unless the name is a built-in parameter */
static void
register_one(const char *service, const char *suffix, const char *defval)
{
	struct vstr *name = vstr_alloc(64);

	vstr_fmt(name, "%s%s", service, suffix);
	if (param_find(vstr_str(name)) == NULL &&
	    mail_conf_registered(vstr_str(name)) == NULL) {
		mail_conf_register(vstr_str(name), defval);
		argv_add(service_params, vstr_str(name));
	}
	vstr_free(name);
}

/* pc_service_names - append the names registered for services */
void
pc_service_names(struct argv *list)
{
	for (size_t i = 0; service_params && i < service_params->argc; i++)
		argv_add(list, service_params->argv[i]);
}

/* pc_register_services - per-service parameters of master.cf */
void
pc_register_services(const struct master_cf *mc)
{
	if (service_params == NULL)
		service_params = argv_alloc(64);
	if (mc == NULL)
		return;
	for (size_t i = 0; i < mc->count; i++) {
		const struct master_ent *e = &mc->ents[i];
		const char *cmd = e->args->argv[0];

		if (strcmp(e->field[MF_TYPE], "unix") != 0 ||
		    !is_delivery_agent(cmd))
			continue;
		for (size_t s = 0; s < sizeof(suffixes) / sizeof(suffixes[0]);
		     s++)
			register_one(e->field[MF_NAME], suffixes[s].suffix,
			             suffixes[s].defval);
		if (strcmp(cmd, "pipe") == 0)
			register_one(e->field[MF_NAME], "_time_limit",
			             "$command_time_limit");
	}
}
