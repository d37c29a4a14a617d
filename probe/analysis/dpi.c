/*
 * The nDPI glue: one detection module per worker, a bounded flow table,
 * and flows, packets and bytes per application.
 *
 * Written against Debian 12's nDPI 4.2.  Later releases changed a few
 * calls; configure finds out which form the installed headers declare
 * (see the nDPI block of configure.ac), and the dpi_ndpi_* functions below
 * are the only places that differ:
 *  - from 4.6, ndpi_detection_process_packet takes flow information from
 *    the caller's own flow manager as a sixth argument (NULL: none);
 *  - ndpi_detection_giveup then loses its enable_guess argument (guessing
 *    becomes a module setting, on by default), and later also
 *    protocol_was_guessed;
 *  - from 4.10, a module belongs to a global context (NULL: none shared),
 *    ndpi_finalize_initialization returns 0 or an error, and the ids in
 *    ndpi_protocol move into a member named proto;
 *  - releases without ndpi_set_protocol_detection_bitmask2 have every
 *    protocol on from the start.
 *
 * Memory.  nDPI keeps its state for a flow in one struct ndpi_flow_struct
 * (688 bytes in 4.2) plus whatever its dissectors allocate on the side
 * (a host name, a certificate), all freed by ndpi_free_flow.  That state
 * is held only while the flow is being inspected: once nDPI names the
 * application, or after max_packets packets without a name, it is freed
 * and the flow keeps only its table entry (struct dpi_flow) with the
 * application id, so that its later packets are counted without any
 * inspection.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <ndpi_api.h>

#include "config.h"
#include "probe/analysis/dpi.h"
#include "probe/vqprobe.h"

/* Out of memory in the table is out of memory anywhere: fatal. */
#define uthash_fatal(msg)	fatal("%s", msg)
#include <uthash.h>

/* ndpi_detection_process_packet takes at most this many bytes. */
#define DPI_MAX_PACKET_LEN	65535

struct dpi_flow {
	struct dpi_flow_key	 key;
	uint16_t		 app;		/* once decided */
	uint32_t		 packets_inspected;
	uint64_t		 pending_bytes;	/* until decided */
	int64_t			 last_us;
	struct ndpi_flow_struct	*ndpi;		/* NULL once decided */
	TAILQ_ENTRY(dpi_flow)	 lru;		/* least recently seen first */
	UT_hash_handle		 hh;
};

TAILQ_HEAD(dpi_flow_list, dpi_flow);

/* What is counted per application between two reports. */
struct dpi_app_acc {
	uint64_t	flows;
	uint64_t	packets;
	uint64_t	bytes;
};

struct dpi {
	struct ndpi_detection_module_struct *ndpi;
	struct dpi_config	 cfg;
	uint32_t		 flow_state_size;
	struct dpi_flow		*flows;		/* uthash head */
	struct dpi_flow_list	 lru;
	struct dpi_app_acc	*apps;		/* by application id */
	size_t			 n_apps;
	uint64_t		 inspecting;	/* flows with nDPI state */
	struct dpi_stats	 st;
};

/*
 * nDPI forbids creating (and, to be safe, destroying) modules in
 * parallel: workers that start together take turns here.
 */
static pthread_mutex_t dpi_module_lock = PTHREAD_MUTEX_INITIALIZER;

/* A finalised detection module with every protocol on, or NULL. */
static struct ndpi_detection_module_struct *
dpi_ndpi_module_new(void)
{
	struct ndpi_detection_module_struct *m;

#ifdef HAVE_NDPI_GLOBAL_CONTEXT
	m = ndpi_init_detection_module(NULL);
#else
	m = ndpi_init_detection_module(ndpi_no_prefs);
#endif
	if (m == NULL)
		return NULL;
#ifdef HAVE_NDPI_PROTOCOL_BITMASK
	{
		NDPI_PROTOCOL_BITMASK all;

		NDPI_BITMASK_SET_ALL(all);
		ndpi_set_protocol_detection_bitmask2(m, &all);
	}
#endif
#ifdef HAVE_NDPI_FINALIZE_RETURNS_INT
	if (ndpi_finalize_initialization(m) != 0) {
		ndpi_exit_detection_module(m);
		return NULL;
	}
#else
	ndpi_finalize_initialization(m);
#endif
	return m;
}

/* The most specific id nDPI returned: the application, else its carrier. */
static uint16_t
dpi_ndpi_app(ndpi_protocol p)
{
#ifdef HAVE_NDPI_PROTOCOL_PROTO
	if (p.proto.app_protocol != NDPI_PROTOCOL_UNKNOWN)
		return p.proto.app_protocol;
	return p.proto.master_protocol;
#else
	if (p.app_protocol != NDPI_PROTOCOL_UNKNOWN)
		return p.app_protocol;
	return p.master_protocol;
#endif
}

/* Inspect one packet; the flow's application so far. */
static uint16_t
dpi_ndpi_process(struct dpi *d, struct dpi_flow *f, const uint8_t *ip,
    uint32_t ip_caplen, int64_t ts_us)
{
	unsigned short len;
	uint64_t ts_ms;
	ndpi_protocol p;

	len = ip_caplen > DPI_MAX_PACKET_LEN ? DPI_MAX_PACKET_LEN :
	    (unsigned short)ip_caplen;
	ts_ms = ts_us > 0 ? (uint64_t)ts_us / 1000 : 0;
#ifdef HAVE_NDPI_PROCESS_PACKET_INPUT_INFO
	p = ndpi_detection_process_packet(d->ndpi, f->ndpi, ip, len, ts_ms,
	    NULL);
#else
	p = ndpi_detection_process_packet(d->ndpi, f->ndpi, ip, len, ts_ms);
#endif
	return dpi_ndpi_app(p);
}

/* nDPI's last word on a flow it could not name from its packets. */
static uint16_t
dpi_ndpi_giveup(struct dpi *d, struct dpi_flow *f)
{
	ndpi_protocol p;
#if defined(HAVE_NDPI_GIVEUP_2ARGS)
	/* Guessing follows the module's own setting (on by default). */
	p = ndpi_detection_giveup(d->ndpi, f->ndpi);
#elif defined(HAVE_NDPI_GIVEUP_3ARGS)
	uint8_t guessed;

	p = ndpi_detection_giveup(d->ndpi, f->ndpi, &guessed);
#else
	uint8_t guessed;

	p = ndpi_detection_giveup(d->ndpi, f->ndpi, d->cfg.guess ? 1 : 0,
	    &guessed);
#endif
	return dpi_ndpi_app(p);
}

/* The defaults: 32 packets, 65536 flows, 120 s idle, guessing on. */
void
dpi_config_default(struct dpi_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_packets = 32;
	cfg->max_flows = 65536;
	cfg->idle_timeout_us = 120 * INT64_C(1000000);
	cfg->guess = 1;
}

/* A detection module and an empty table, or NULL with *cause set. */
struct dpi *
dpi_new(const struct dpi_config *cfg, char **cause)
{
	struct dpi *d;
	struct dpi_config defaults;

	if (cfg == NULL) {
		dpi_config_default(&defaults);
		cfg = &defaults;
	}
	if (cfg->max_packets == 0 || cfg->max_flows == 0) {
		*cause = xasprintf("DPI needs room for a packet and a flow");
		return NULL;
	}
	if (cfg->idle_timeout_us <= 0) {
		*cause = xasprintf("DPI idle timeout must be positive");
		return NULL;
	}

	d = xcalloc(1, sizeof(*d));
	d->cfg = *cfg;
	TAILQ_INIT(&d->lru);

	pthread_mutex_lock(&dpi_module_lock);
	d->ndpi = dpi_ndpi_module_new();
	pthread_mutex_unlock(&dpi_module_lock);
	if (d->ndpi == NULL) {
		free(d);
		*cause = xasprintf("nDPI %s could not set up a detection "
		    "module", ndpi_revision());
		return NULL;
	}

	/* Custom protocols, if any were loaded, come after nDPI's own. */
	d->n_apps = ndpi_get_num_supported_protocols(d->ndpi);
	if (d->n_apps <= DPI_UNKNOWN)
		d->n_apps = DPI_UNKNOWN + 1;
	d->apps = xcalloc(d->n_apps, sizeof(*d->apps));
	d->flow_state_size = ndpi_detection_get_sizeof_ndpi_flow_struct();
	return d;
}

/* Take a flow out of the table and free it. */
static void
dpi_flow_remove(struct dpi *d, struct dpi_flow *f)
{
	HASH_DEL(d->flows, f);
	TAILQ_REMOVE(&d->lru, f, lru);
	if (f->ndpi != NULL) {
		ndpi_free_flow(f->ndpi);
		d->inspecting--;
	}
	free(f);
}

/* Free every flow, the detection module and the table. */
void
dpi_free(struct dpi *d)
{
	struct dpi_flow *f;

	if (d == NULL)
		return;
	while ((f = TAILQ_FIRST(&d->lru)) != NULL)
		dpi_flow_remove(d, f);
	pthread_mutex_lock(&dpi_module_lock);
	ndpi_exit_detection_module(d->ndpi);
	pthread_mutex_unlock(&dpi_module_lock);
	free(d->apps);
	free(d);
}

/* The key of a flow, its endpoints in the order of their packed bytes. */
void
dpi_flow_key_set(struct dpi_flow_key *key, uint8_t ip_proto,
    const struct vq_endpoint *src, const struct vq_endpoint *dst)
{
	uint8_t a[ENDPOINT_KEY_LEN], b[ENDPOINT_KEY_LEN];

	endpoint_pack(src, a);
	endpoint_pack(dst, b);
	key->bytes[0] = ip_proto;
	if (memcmp(a, b, sizeof(a)) <= 0) {
		memcpy(key->bytes + 1, a, sizeof(a));
		memcpy(key->bytes + 1 + sizeof(a), b, sizeof(b));
	} else {
		memcpy(key->bytes + 1, b, sizeof(b));
		memcpy(key->bytes + 1 + sizeof(b), a, sizeof(a));
	}
}

/* The counters of an application; ids past the table count as unknown. */
static struct dpi_app_acc *
dpi_app_acc(struct dpi *d, uint16_t app)
{
	if (app >= d->n_apps)
		app = DPI_UNKNOWN;
	return &d->apps[app];
}

/*
 * The flow's application is app: count the flow and the packets held
 * back until now, and free its nDPI state.
 */
static void
dpi_flow_decide(struct dpi *d, struct dpi_flow *f, uint16_t app,
    int classified)
{
	struct dpi_app_acc *acc;

	f->app = app < d->n_apps ? app : DPI_UNKNOWN;
	acc = dpi_app_acc(d, f->app);
	acc->flows++;
	acc->packets += f->packets_inspected;
	acc->bytes += f->pending_bytes;
	f->pending_bytes = 0;
	ndpi_free_flow(f->ndpi);
	f->ndpi = NULL;
	d->inspecting--;
	if (classified)
		d->st.classified++;
	else
		d->st.given_up++;
}

/* Give up on an undecided flow: nDPI's guess, or unknown. */
static void
dpi_flow_giveup(struct dpi *d, struct dpi_flow *f)
{
	dpi_flow_decide(d, f, dpi_ndpi_giveup(d, f), 0);
}

/* A new flow, last in the table's order, making room first when full. */
static struct dpi_flow *
dpi_flow_add(struct dpi *d, const struct dpi_flow_key *key, int64_t ts_us)
{
	struct dpi_flow *f;

	if (HASH_COUNT(d->flows) >= d->cfg.max_flows) {
		f = TAILQ_FIRST(&d->lru);
		if (f->ndpi != NULL)
			dpi_flow_giveup(d, f);
		dpi_flow_remove(d, f);
		d->st.evicted++;
	}

	f = xcalloc(1, sizeof(*f));
	f->key = *key;
	f->last_us = ts_us;
	/* nDPI wants a zeroed struct of the size the library says. */
	if ((f->ndpi = ndpi_flow_malloc(d->flow_state_size)) == NULL)
		fatal("out of memory");
	memset(f->ndpi, 0, d->flow_state_size);
	d->inspecting++;
	HASH_ADD(hh, d->flows, key.bytes, sizeof(f->key.bytes), f);
	TAILQ_INSERT_TAIL(&d->lru, f, lru);
	d->st.flows_created++;
	return f;
}

/* Count one packet of a flow, and inspect it while the flow is undecided. */
int
dpi_packet(struct dpi *d, const struct dpi_flow_key *key, int64_t ts_us,
    const uint8_t *ip, uint32_t ip_caplen, uint32_t wire_bytes)
{
	struct dpi_flow *f;
	struct dpi_app_acc *acc;
	uint16_t app;

	HASH_FIND(hh, d->flows, key->bytes, sizeof(key->bytes), f);
	if (f == NULL)
		f = dpi_flow_add(d, key, ts_us);
	else if (f != TAILQ_LAST(&d->lru, dpi_flow_list)) {
		TAILQ_REMOVE(&d->lru, f, lru);
		TAILQ_INSERT_TAIL(&d->lru, f, lru);
	}
	if (ts_us > f->last_us)
		f->last_us = ts_us;

	if (f->ndpi == NULL) {
		acc = dpi_app_acc(d, f->app);
		acc->packets++;
		acc->bytes += wire_bytes;
		return f->app;
	}

	f->packets_inspected++;
	f->pending_bytes += wire_bytes;
	d->st.packets_inspected++;
	app = dpi_ndpi_process(d, f, ip, ip_caplen, ts_us);
	if (app != NDPI_PROTOCOL_UNKNOWN)
		dpi_flow_decide(d, f, app, 1);
	else if (f->packets_inspected >= d->cfg.max_packets)
		dpi_flow_giveup(d, f);
	return f->ndpi == NULL ? f->app : DPI_UNKNOWN;
}

/* Copy out (with reset, clear) what was counted since the last report. */
size_t
dpi_apps(struct dpi *d, struct dpi_app_count *out, size_t max, int reset)
{
	struct dpi_app_acc *acc;
	size_t i, n = 0;

	for (i = 0; i < d->n_apps && n < max; i++) {
		acc = &d->apps[i];
		if (acc->flows == 0 && acc->packets == 0)
			continue;
		out[n].app = (int)i;
		out[n].name = dpi_app_name(d, (int)i);
		out[n].flows = acc->flows;
		out[n].packets = acc->packets;
		out[n].bytes = acc->bytes;
		n++;
		if (reset)
			memset(acc, 0, sizeof(*acc));
	}
	return n;
}

/*
 * Forget the flows idle past the timeout.  The table's order is the order
 * flows were last seen in, so the walk stops at the first flow still
 * active (a capture whose time steps back keeps a flow a little longer,
 * never forgets one early).
 */
void
dpi_expire(struct dpi *d, int64_t now_us)
{
	struct dpi_flow *f;

	while ((f = TAILQ_FIRST(&d->lru)) != NULL) {
		if (now_us != INT64_MAX &&
		    now_us - f->last_us <= d->cfg.idle_timeout_us)
			break;
		if (f->ndpi != NULL)
			dpi_flow_giveup(d, f);
		dpi_flow_remove(d, f);
		d->st.expired++;
	}
}

/* The counters, and the memory held now. */
void
dpi_stats(const struct dpi *d, struct dpi_stats *st)
{
	*st = d->st;
	st->flows = HASH_COUNT(d->flows);
	st->flows_inspecting = d->inspecting;
	st->flow_state_size = d->flow_state_size;
	st->flow_entry_size = sizeof(struct dpi_flow);
	st->state_bytes = d->inspecting * d->flow_state_size;
	st->table_bytes = st->flows * sizeof(struct dpi_flow);
	if (d->flows != NULL)
		st->table_bytes += sizeof(UT_hash_table) +
		    d->flows->hh.tbl->num_buckets * sizeof(UT_hash_bucket);
}

/* nDPI's name of an application id; unknown ids are "Unknown". */
const char *
dpi_app_name(struct dpi *d, int app)
{
	if (app < 0 || (size_t)app >= d->n_apps)
		app = DPI_UNKNOWN;
	return ndpi_get_proto_name(d->ndpi, (uint16_t)app);
}

/* Whether flows of app carry SIP. */
int
dpi_app_is_sip(const struct dpi *d, int app)
{
	(void)d;
	return app == NDPI_PROTOCOL_SIP;
}

/* Whether flows of app carry RTP. */
int
dpi_app_is_rtp(const struct dpi *d, int app)
{
	(void)d;
	return app == NDPI_PROTOCOL_RTP;
}

/* Whether flows of app carry RTCP. */
int
dpi_app_is_rtcp(const struct dpi *d, int app)
{
	(void)d;
	return app == NDPI_PROTOCOL_RTCP;
}
