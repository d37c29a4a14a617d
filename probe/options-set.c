/*
 * The option table's setters (see probe/options-private.h): each takes
 * one option's argument into struct options, or refuses it with a usage
 * error.  The generic ones store at the entry's field; the others parse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/options-private.h"
#include "probe/subnet.h"
#include "probe/vqprobe.h"

/* A whole number from min to max, or a usage error naming what it is. */
static long
options_number(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > max)
		options_usage_error("bad %s '%s' (%ld to %ld)", what, s, min,
		    max);
	return v;
}

/* A string setting: it points to the argument, which outlives the run. */
void
options_set_string(struct options *o, const struct options_entry *e,
    char *arg)
{
	*(const char **)(void *)((char *)o + e->field) = arg;
}

/* A switch: the int setting takes the entry's value. */
void
options_set_flag(struct options *o, const struct options_entry *e,
    char *arg)
{
	(void)arg;
	*(int *)(void *)((char *)o + e->field) = e->value;
}

/* A number of the entry's range into an int setting. */
void
options_set_int(struct options *o, const struct options_entry *e, char *arg)
{
	*(int *)(void *)((char *)o + e->field) = (int)options_number(arg,
	    e->what, e->min, e->max);
}

/* Seconds of the entry's range into a microseconds setting (int64_t). */
void
options_set_seconds(struct options *o, const struct options_entry *e,
    char *arg)
{
	*(int64_t *)(void *)((char *)o + e->field) = options_number(arg,
	    e->what, e->min, e->max) * 1000000LL;
}

/* A number of the entry's range into a size_t setting. */
void
options_set_count(struct options *o, const struct options_entry *e,
    char *arg)
{
	*(size_t *)(void *)((char *)o + e->field) = (size_t)options_number(arg,
	    e->what, e->min, e->max);
}

/* --jitter-buffer fixed|adaptive: the kind of playout buffer emulated. */
void
options_set_jitter_buffer(struct options *o, const struct options_entry *e,
    char *arg)
{
	(void)e;
	if (strcmp(arg, "fixed") == 0)
		jbuf_config_default(&o->pipeline.analysis.jbuf, JBUF_FIXED);
	else if (strcmp(arg, "adaptive") == 0)
		jbuf_config_default(&o->pipeline.analysis.jbuf, JBUF_ADAPTIVE);
	else
		options_usage_error("bad jitter buffer '%s' (fixed or adaptive)",
		    arg);
}

/* --probe-name NAME. */
void
options_set_probe_name(struct options *o, const struct options_entry *e,
    char *arg)
{
	(void)e;
	if (*arg == '\0')
		options_usage_error("%s", "empty probe name");
	o->export.probe = arg;
}

/* A label's key may not be a tag of vqprobe's own. */
static void
options_check_label_key(const char *key)
{
	static const char *const reserved[] = { "probe", "direction", "codec",
	    "state", "method", "app", NULL };
	size_t i;

	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(key, reserved[i]) == 0)
			options_usage_error("label '%s' is a tag of vqprobe's own",
			    key);
}

/* --label KEY=VALUE: a tag of the operator's on every point. */
void
options_set_label(struct options *o, const struct options_entry *e,
    char *arg)
{
	char *eq = strchr(arg, '=');

	(void)e;
	if (eq == NULL || eq == arg || eq[1] == '\0')
		options_usage_error("bad label '%s' (KEY=VALUE)", arg);
	if (o->export.n_labels == EXPORT_MAX_LABELS)
		options_usage_error("more than %d labels", EXPORT_MAX_LABELS);
	*eq = '\0';
	options_check_label_key(arg);
	o->export.labels[o->export.n_labels].key = arg;
	o->export.labels[o->export.n_labels++].value = eq + 1;
}

/* --subnet-label CIDR=KEY=VALUE: a tag of the media of a subnet. */
void
options_set_subnet_label(struct options *o, const struct options_entry *e,
    char *arg)
{
	struct subnet_rule rule;
	char *cause = NULL;

	(void)e;
	if (subnet_rule_parse(arg, &rule, &cause) != 0)
		options_usage_error("%s", cause);
	options_check_label_key(rule.key);
	if (o->subnets == NULL)
		o->subnets = subnet_labels_new();
	if (subnet_labels_add(o->subnets, &rule, &cause) != 0)
		options_usage_error("%s", cause);
	o->export.subnets = o->subnets;
}

/* --sla-target KEY=VALUE: one target of the SLA list (probe/output/sla.h). */
void
options_set_sla_target(struct options *o, const struct options_entry *e,
    char *arg)
{
	char *cause = NULL;

	(void)e;
	if (sla_targets_set(&o->sla_targets, arg, &cause) != 0)
		options_usage_error("%s", cause);
}

/* --home-net CIDR: the site's own addresses, one key of a label set. */
void
options_set_home_net(struct options *o, const struct options_entry *e,
    char *arg)
{
	struct subnet_rule rule;
	char spec[128], *cause = NULL;

	(void)e;
	if (arg[0] == '\0' || strpbrk(arg, "= \t") != NULL ||
	    snprintf(spec, sizeof(spec), "%s home=yes", arg) >=
	    (int)sizeof(spec) || subnet_rule_parse(spec, &rule, &cause) != 0)
		options_usage_error("bad --home-net '%s' (an address or a "
		    "network, as 192.0.2.0/24)", arg);
	if (o->home_net == NULL)
		o->home_net = subnet_labels_new();
	/* The same network twice says nothing new. */
	if (subnet_labels_add(o->home_net, &rule, &cause) != 0)
		free(cause);
	o->pipeline.analysis.home_net = o->home_net;
}

/* --points NAME_A,NAME_B: two names, neither empty. */
void
options_set_points(struct options *o, const struct options_entry *e,
    char *arg)
{
	char *comma = strchr(arg, ',');

	(void)e;
	if (comma == NULL || comma == arg || comma[1] == '\0' ||
	    strchr(comma + 1, ',') != NULL ||
	    (strlen(comma + 1) == (size_t)(comma - arg) &&
	    strncmp(arg, comma + 1, (size_t)(comma - arg)) == 0))
		options_usage_error("bad --points '%s' (two different names: "
		    "NAME_A,NAME_B)", arg);
	*comma = '\0';
	o->points[0] = arg;
	o->points[1] = comma + 1;
}

/* --spool-max MB. */
void
options_set_spool_max(struct options *o, const struct options_entry *e,
    char *arg)
{
	(void)e;
	o->influx.spool_max_bytes = (uint64_t)options_number(arg,
	    "spool size (MB)", 1, 1048576) << 20;
}

/* --log stderr|syslog. */
void
options_set_log(struct options *o, const struct options_entry *e, char *arg)
{
	(void)e;
	if (log_dest_parse(arg, &o->log_dest) != 0)
		options_usage_error("bad log '%s' (stderr or syslog)", arg);
}

/* --log-level LEVEL. */
void
options_set_log_level(struct options *o, const struct options_entry *e,
    char *arg)
{
	(void)e;
	if (log_level_parse(arg, &o->log_level) != 0)
		options_usage_error("bad log level '%s' (error, warning, "
		    "notice, info or debug)", arg);
}
