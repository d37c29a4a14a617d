/*
 * What the option table (probe/options.c) shares with its setters
 * (probe/options-set.c): the entry, the setters' signature and the one
 * way a setter refuses an argument.  Not for any other file.
 */
#ifndef VQ_OPTIONS_PRIVATE_H
#define VQ_OPTIONS_PRIVATE_H

#include <stddef.h>

#include "probe/options.h"

/* An entry only of the command line (not a key), or only of the file. */
#define OPTIONS_NO_FILE		0x1
#define OPTIONS_ONLY_FILE	0x2

/* The offset of a setting in struct options, for the generic setters. */
#define OPTIONS_FIELD(member)	offsetof(struct options, member)

struct options_entry;
typedef void options_set_fn(struct options *, const struct options_entry *,
    char *arg);

/* One option. */
struct options_entry {
	const char	*name;		/* --name, and the file's key */
	int		 letter;	/* -x, or 0 */
	const char	*arg;		/* its argument in --help; NULL: none */
	const char	*usage;		/* --help's left column, when not
					   "-x, --name ARG" */
	const char	*help;		/* --help's text, lines split by \n;
					   NULL: another entry's text says it */
	options_set_fn	*set;		/* NULL: nothing to do (--config) */
	/* For the generic setters: where, and what a switch stores ... */
	size_t		 field;
	int		 value;
	/* ... or what a number is called in a usage error, and its range. */
	const char	*what;
	long		 min, max;
	int		 flags;		/* OPTIONS_NO_FILE, OPTIONS_ONLY_FILE */
};

options_set_fn options_set_string, options_set_flag, options_set_int,
    options_set_seconds, options_set_count, options_set_jitter_buffer,
    options_set_probe_name, options_set_label, options_set_subnet_label,
    options_set_home_net, options_set_sla_target,
    options_set_spool_max, options_set_log, options_set_log_level;
options_set_fn options_set_points;

/*
 * Say what is wrong with an option and exit VQ_EXIT_USAGE: on the command
 * line, one line and a pointer at --help; in the configuration file, one
 * line naming FILE:LINE.
 */
void	options_usage_error(const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));

#endif /* VQ_OPTIONS_PRIVATE_H */
