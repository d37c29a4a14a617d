/*
 * The settings of a run, from the configuration file and the command line.
 *
 * Every option is one entry of one table (probe/options.c): its long name
 * (which is also its configuration key), its letter, its argument, its
 * lines of --help and the function that applies it.  The getopt tables,
 * --help and the configuration file's keys are all made from that table.
 */
#ifndef VQ_OPTIONS_H
#define VQ_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "probe/log.h"
#include "probe/output/export.h"
#include "probe/output/influx.h"
#include "probe/output/sla.h"
#include "probe/pipeline/capture.h"
#include "probe/pipeline/pipeline.h"

/* Plain data: main reads it, the option table's setters fill it. */
struct options {
	const char	*read_file;
	const char	*json_path;
	const char	*report_dir;	/* --report: evidence pages, pcaps */
	const char	*compare[2];	/* --compare A B; NULL: no comparison */
	const char	*points[2];	/* --points NAME_A,NAME_B; NULL: none */
	const char	*filter;
	const char	*user;		/* -Z */
	struct capture_live_config live;	/* -i and its settings */
	int		 snaplen;	/* 0: as captured */
	struct pipeline_config pipeline;
	int		 jb_ms;		/* 0: the buffer's default depth */
	struct influx_config influx;	/* url NULL: no export */
	struct export_config export;
	struct sla_targets sla_targets;	/* --sla-target */
	char		 host[256];	/* the default probe name */
	int		 tui;		/* -1: on if stdout is a terminal */
	size_t		 tui_calls;	/* ended calls the view keeps */
	int		 no_table;	/* --no-table */
	enum log_dest	 log_dest;	/* --log */
	enum log_level	 log_level;	/* --log-level */

	/* The config file's secrets (the environment's win), in file_values. */
	const char	*file_token;
	const char	*file_user;
	const char	*file_password;
	/* Owned here, for the whole run (options_free). */
	char		**file_values;	/* what the file's options point to */
	size_t		 n_file_values;
	struct subnet_labels *subnets;	/* --subnet-label; NULL: none */
	struct subnet_labels *home_net;	/* --home-net; NULL: none */

	/* HOMER and Prometheus (NULL: not asked for). */
	const char	*hep_url;	/* --hep udp:HOST:PORT | tcp:HOST:PORT */
	int		 hep_id;	/* --hep-id: the capture agent's number */
	const char	*hep_key;	/* VQPROBE_HEP_KEY, else the file's */
	const char	*file_hep_key;	/* the config file's hep-key */
	const char	*hep_listen;	/* --hep-listen udp:ADDR:PORT | tcp:... */
	const char	*prometheus;	/* --prometheus [ADDR:]PORT */
};

/*
 * Fill o from the configuration file (--config FILE, or the default one
 * when it exists) and then the command line, which wins; check that the
 * options make sense together and work out what follows from them (the
 * terminal view when standard output is one, what it and the evidence
 * keep).  --help and --version print and exit 0.  A usage error prints
 * one line saying what is wrong and one pointing at --help, and exits
 * VQ_EXIT_USAGE; a configuration file's error is one line naming FILE:LINE.
 */
void	options_parse(struct options *o, int argc, char **argv);
/* Free what options_parse kept for the run. */
void	options_free(struct options *o);

#endif /* VQ_OPTIONS_H */
