/*
 * Deep packet inspection with libnDPI: which application a flow carries,
 * for the flows that SIP and SDP do not explain (SIP on an odd port, RTP
 * whose signalling was not seen, IAX, MGCP, H.323, Teams, ...), and
 * flows, packets and bytes per application for the reports.
 *
 * nDPI's detection module is not thread-safe, so each analysis worker owns
 * one struct dpi and nobody else touches it.  A flow is inspected for a
 * bounded number of packets; its nDPI state is freed as soon as the flow
 * is classified or given up, and only its application id is kept.  The
 * flow table is bounded: when full, the least recently seen flow leaves
 * (counted).  Time is capture time, given with every call.
 */
#ifndef VQ_DPI_H
#define VQ_DPI_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/addr.h"

struct dpi;

/* The application id of a flow nDPI could not name (nDPI's "Unknown"). */
#define DPI_UNKNOWN	0

/* Bytes of a flow key: IP protocol and both endpoints, packed. */
#define DPI_FLOW_KEY_LEN	(1 + 2 * ENDPOINT_KEY_LEN)

/*
 * A flow's 5-tuple, the same for both directions (the endpoints are kept
 * in byte order of their packed form).  Make it with dpi_flow_key_set().
 */
struct dpi_flow_key {
	uint8_t	bytes[DPI_FLOW_KEY_LEN];
};

struct dpi_config {
	uint32_t	max_packets;	/* inspected per flow, then give up */
	uint32_t	max_flows;	/* in the table, then the oldest go */
	int64_t		idle_timeout_us; /* dpi_expire's idle limit */
	/*
	 * On giving up, let nDPI guess by port, as ndpiReader does.  Releases
	 * whose ndpi_detection_giveup has no such argument use their own
	 * setting (on by default).
	 */
	int		guess;
};

/* Flows, packets and bytes of one application, since the last report. */
struct dpi_app_count {
	int		 app;
	const char	*name;		/* nDPI's; lives as long as the dpi */
	uint64_t	 flows;		/* whose application was decided */
	uint64_t	 packets;
	uint64_t	 bytes;
};

struct dpi_stats {
	uint64_t	flows;		/* in the table now */
	uint64_t	flows_inspecting; /* of those, holding nDPI state */
	uint64_t	flows_created;
	uint64_t	classified;	/* named by nDPI's inspection */
	uint64_t	given_up;	/* out of packets, idle or evicted */
	uint64_t	evicted;	/* left the full table */
	uint64_t	expired;	/* left idle */
	uint64_t	packets_inspected; /* handed to nDPI */
	uint64_t	state_bytes;	/* nDPI flow state held now */
	uint64_t	table_bytes;	/* the table's own entries now */
	uint32_t	flow_state_size; /* nDPI's state for one flow */
	uint32_t	flow_entry_size; /* the table's entry for any flow */
};

/* 32 packets, 65536 flows, 120 s idle, guessing on. */
void	dpi_config_default(struct dpi_config *);

/*
 * A detection module with every protocol nDPI knows enabled.  NULL config
 * means the defaults.  Returns NULL with *cause set (free it) when nDPI
 * cannot be set up or the configuration is impossible (zero packets or
 * flows).  Safe to call from several threads: module creation, which nDPI
 * forbids in parallel, is serialised.
 */
struct dpi	*dpi_new(const struct dpi_config *, char **cause);
void		 dpi_free(struct dpi *);

/* The direction-independent key of a flow from one of its packets. */
void	dpi_flow_key_set(struct dpi_flow_key *, uint8_t ip_proto,
	    const struct vq_endpoint *src, const struct vq_endpoint *dst);

/*
 * One IP packet of flow key captured at ts_us: ip points at the start of
 * its innermost IP header, ip_caplen bytes of it captured, and wire_bytes
 * are counted for the flow's application (the frame's length on the wire,
 * as ndpiReader counts).  Unfragmented packets only: nDPI needs the IP
 * header in front of the transport header.  Until the flow is decided its
 * packets go to nDPI; afterwards they are only counted.  Returns the
 * flow's application once decided, DPI_UNKNOWN while undecided or when
 * nDPI gave up without a name.
 */
int	dpi_packet(struct dpi *, const struct dpi_flow_key *, int64_t ts_us,
	    const uint8_t *ip, uint32_t ip_caplen, uint32_t wire_bytes);

/*
 * Copy into out (room for max) the applications with anything counted
 * since they were last reported, in the order of their ids, and return
 * how many were copied.  With reset, what was copied starts again from
 * zero; what did not fit stays for the next call.  A flow's packets are
 * counted when its application is decided, those before included.
 */
size_t	dpi_apps(struct dpi *, struct dpi_app_count *out, size_t max,
	    int reset);

/*
 * Forget the flows idle for longer than the idle timeout at capture time
 * now_us; INT64_MAX forgets them all (at the end of a capture).  A flow
 * still undecided is given up first, so its packets are counted.
 */
void	dpi_expire(struct dpi *, int64_t now_us);

void	dpi_stats(const struct dpi *, struct dpi_stats *);

/* nDPI's name of an application id ("SIP", "RTP", "Unknown"). */
const char *dpi_app_name(struct dpi *, int app);
/* Whether the analyzer should read a flow of app as SIP, RTP or RTCP. */
int	dpi_app_is_sip(const struct dpi *, int app);
int	dpi_app_is_rtp(const struct dpi *, int app);
int	dpi_app_is_rtcp(const struct dpi *, int app);

#endif /* VQ_DPI_H */
