/*
 * Packet sources through libpcap, and HEPv3 input (probe/pipeline/hepin.c)
 * alone or beside an interface: then one poll() waits on the interface's
 * selectable descriptor (non-blocking) and the HEP sockets together.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "config.h"
#ifdef HAVE_STDIO_EXT_H
#include <stdio_ext.h>
#endif

#include <pcap/pcap.h>

#include "dissectors/decode.h"
#include "dissectors/hep.h"
#include "probe/log.h"
#include "probe/pipeline/capture.h"
#include "probe/pipeline/hepframe.h"
#include "probe/pipeline/hepin.h"
#include "probe/vqprobe.h"

/*
 * The stdio buffer a capture file is read through.  libpcap reads it
 * with two freads a packet, and stdio's default buffer (a page) makes
 * that a read(2) every 20 packets; with a mebibyte the syscalls vanish
 * from the profile (bench-read, the benchmark's floor, reads the same
 * way, so that the ratio to it does not come from here).
 */
#define CAPTURE_FILE_BUFFER	(1u << 20)

struct capture {
	pcap_t		*pcap;		/* NULL for HEP alone */
	char		*file_buffer;	/* the stream's, freed after it */
	int		 linktype;
	int		 live;
	/* pcap_stats counters are 32 bits: carry their wraps. */
	uint32_t	 last_drop;
	uint32_t	 last_ifdrop;
	int64_t		 drops;
	/* For the frame handler. */
	capture_frame_fn *fn;
	void		*arg;
	/* HEP input, when listening; and the filter its frames pass. */
	struct hepin	*hep;
	struct bpf_program hep_filter;
	int		 has_hep_filter;
	/* Set by capture_break (any thread, a signal handler). */
	atomic_int	 broken;
};

static char * __attribute__((format(printf, 1, 2)))
cause_printf(const char *fmt, ...)
{
	char buf[PCAP_ERRBUF_SIZE + 512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return xstrdup(buf);
}

struct capture *
capture_open_file(const char *path, char **cause)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *cap;
	pcap_t *p;
	int linktype;

	char *buffer = NULL;
	FILE *fp;

	/* Microsecond timestamps whatever the file holds (pcapng may differ). */
	if (strcmp(path, "-") == 0)
		p = pcap_open_offline_with_tstamp_precision(path,
		    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	else {
		/* libpcap's own words when it opens the file itself. */
		if ((fp = fopen(path, "rb")) == NULL) {
			*cause = cause_printf("cannot read %s: %s: %s", path,
			    path, strerror(errno));
			return NULL;
		}
		buffer = xcalloc(1, CAPTURE_FILE_BUFFER);
		setvbuf(fp, buffer, _IOFBF, CAPTURE_FILE_BUFFER);
		/* On success pcap_close closes fp; on failure it is ours. */
		if ((p = pcap_fopen_offline_with_tstamp_precision(fp,
		    PCAP_TSTAMP_PRECISION_MICRO, errbuf)) == NULL)
			fclose(fp);
	}
	if (p == NULL) {
		*cause = cause_printf("cannot read %s: %s", path, errbuf);
		free(buffer);
		return NULL;
	}
	linktype = pcap_datalink(p);
	if (!decode_linktype_supported(linktype)) {
		const char *name = pcap_datalink_val_to_name(linktype);
		char num[32];

		snprintf(num, sizeof(num), "%d", linktype);
		*cause = cause_printf("%s: link type %s is not supported", path,
		    name ? name : num);
		pcap_close(p);
		free(buffer);
		return NULL;
	}
#ifdef HAVE_STDIO_EXT_H
	/*
	 * libpcap reads a file through stdio, two freads a packet, and in a
	 * process with threads glibc takes the stream's lock for each: a
	 * sixth of the capture thread's time on a 2-core machine.  Only the
	 * capture thread ever reads this stream (the main thread closes it
	 * after joining it), so it needs no lock.
	 */
	if (pcap_file(p) != NULL)
		__fsetlocking(pcap_file(p), FSETLOCKING_BYCALLER);
#endif
	cap = xcalloc(1, sizeof(*cap));
	cap->pcap = p;
	cap->file_buffer = buffer;
	cap->linktype = linktype;
	return cap;
}

void
capture_live_config_default(struct capture_live_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->promisc = 1;
	/*
	 * Packets reach the pipeline at most this late on a quiet link; on a
	 * busy one the kernel hands over full blocks long before.
	 */
	cfg->timeout_ms = 100;
}

/* A pcap_set_* call failed before activation: say which. */
static struct capture *
live_failed(pcap_t *p, const char *iface, const char *what, char **cause)
{
	*cause = cause_printf("%s: cannot set %s", iface, what);
	pcap_close(p);
	return NULL;
}

struct capture *
capture_open_live(const struct capture_live_config *cfg, char **cause)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *cap;
	pcap_t *p;
	int rc, linktype;

	if ((p = pcap_create(cfg->iface, errbuf)) == NULL) {
		*cause = cause_printf("%s: %s", cfg->iface, errbuf);
		return NULL;
	}
	if (pcap_set_snaplen(p, cfg->snaplen ? (int)cfg->snaplen : 262144) != 0)
		return live_failed(p, cfg->iface, "the snaplen", cause);
	if (pcap_set_promisc(p, cfg->promisc) != 0)
		return live_failed(p, cfg->iface, "promiscuous mode", cause);
	if (pcap_set_timeout(p, cfg->timeout_ms) != 0)
		return live_failed(p, cfg->iface, "the timeout", cause);
	if (cfg->immediate && pcap_set_immediate_mode(p, 1) != 0)
		return live_failed(p, cfg->iface, "immediate mode", cause);
	if (cfg->buffer_mib > 0 &&
	    pcap_set_buffer_size(p, cfg->buffer_mib * 1024 * 1024) != 0)
		return live_failed(p, cfg->iface, "the buffer size", cause);
	if ((rc = pcap_activate(p)) < 0) {
		/* PCAP_ERROR carries its text in geterr; the others do not. */
		*cause = cause_printf("%s: %s", cfg->iface,
		    rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
		pcap_close(p);
		return NULL;
	}
	if (rc > 0)
		warnx_vq("%s: %s", cfg->iface, pcap_statustostr(rc));
	linktype = pcap_datalink(p);
	if (!decode_linktype_supported(linktype)) {
		const char *name = pcap_datalink_val_to_name(linktype);

		*cause = cause_printf("%s: link type %s is not supported",
		    cfg->iface, name ? name : "unknown");
		pcap_close(p);
		return NULL;
	}
	cap = xcalloc(1, sizeof(*cap));
	cap->pcap = p;
	cap->linktype = linktype;
	cap->live = 1;
	return cap;
}

struct capture *
capture_open_hep(const char *spec, const char *key, char **cause)
{
	struct capture *cap;
	struct hepin *h;

	if ((h = hepin_open(spec, key, cause)) == NULL)
		return NULL;
	cap = xcalloc(1, sizeof(*cap));
	cap->hep = h;
	cap->linktype = HEPFRAME_LINKTYPE;
	cap->live = 1;
	return cap;
}

int
capture_add_hep(struct capture *cap, const char *spec, const char *key,
    char **cause)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";

	if (!cap->live || cap->hep != NULL) {
		*cause = cause_printf("--hep-listen %s: only beside one "
		    "interface", spec);
		return -1;
	}
	/* poll() waits for the interface: libpcap must not block in it. */
	if (pcap_get_selectable_fd(cap->pcap) < 0 ||
	    pcap_setnonblock(cap->pcap, 1, errbuf) != 0) {
		*cause = cause_printf("--hep-listen %s: the interface cannot "
		    "be polled: %s", spec, errbuf);
		return -1;
	}
	if ((cap->hep = hepin_open(spec, key, cause)) == NULL) {
		pcap_setnonblock(cap->pcap, 0, errbuf);
		return -1;
	}
	return 0;
}

int
capture_is_live(const struct capture *cap)
{
	return cap->live;
}

int
capture_linktype(const struct capture *cap)
{
	return cap->linktype;
}

/*
 * The reach of a timestamp, in seconds either side of 1970: a classic pcap
 * record holds 32 bits of them, but a pcapng interface with a coarse
 * if_tsresol (or a large if_tsoffset) hands over seconds that overflow
 * when multiplied into 64-bit microseconds.  Beyond it they are clamped.
 */
#define CAPTURE_MAX_SEC		((int64_t)1 << 32)

static void
on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *cap = (struct capture *)arg;
	int64_t sec = h->ts.tv_sec, ts_us;

	if (sec > CAPTURE_MAX_SEC)
		sec = CAPTURE_MAX_SEC;
	else if (sec < -CAPTURE_MAX_SEC)
		sec = -CAPTURE_MAX_SEC;
	ts_us = sec * 1000000 + h->ts.tv_usec;
	cap->fn(cap->arg, cap->linktype, ts_us, h->caplen, h->len, data);
}

/* Frames handed over per pcap_dispatch, between two polls. */
#define CAPTURE_BATCH	256
/* The longest poll() waits: a stop, and a quiet link's clock, wait no more. */
#define CAPTURE_POLL_MS	100

/* A frame out of HEP input: through the filter, to the frame handler. */
static void
on_hep_frame(void *arg, int64_t ts_us, const uint8_t *ip, size_t len)
{
	struct capture *cap = arg;
	struct pcap_pkthdr h;

	h.ts.tv_sec = (time_t)(ts_us / 1000000);
	h.ts.tv_usec = (suseconds_t)(ts_us % 1000000);
	h.caplen = h.len = (uint32_t)len;
	if (cap->has_hep_filter &&
	    pcap_offline_filter(&cap->hep_filter, &h, ip) == 0)
		return;
	cap->fn(cap->arg, HEPFRAME_LINKTYPE, ts_us, (uint32_t)len,
	    (uint32_t)len, ip);
}

/* Has capture_break been called?  (Relaxed: the flag carries no data.) */
static int
capture_broken(struct capture *cap)
{
	return atomic_load_explicit(&cap->broken, memory_order_relaxed);
}

/*
 * capture_run with HEP input: wait on the interface (if any) and the HEP
 * sockets at once, read whichever is ready, poll between.
 */
static int
capture_run_hep(struct capture *cap, capture_poll_fn *poll_fn, void *arg,
    char **cause)
{
	struct pollfd fds[1 + HEPIN_MAX_FDS];
	size_t first, n;
	int rc;

	for (;;) {
		first = 0;
		if (cap->pcap != NULL) {
			fds[0].fd = pcap_get_selectable_fd(cap->pcap);
			fds[0].events = POLLIN;
			fds[0].revents = 0;
			first = 1;
		}
		n = hepin_pollfds(cap->hep, fds + first);
		rc = poll(fds, first + n, CAPTURE_POLL_MS);
		if (rc < 0 && errno != EINTR) {
			*cause = cause_printf("poll: %s", strerror(errno));
			return -1;
		}
		if (capture_broken(cap))
			return 0;
		if (rc > 0 && first == 1 && fds[0].revents != 0) {
			rc = pcap_dispatch(cap->pcap, CAPTURE_BATCH, on_packet,
			    (u_char *)cap);
			if (rc == PCAP_ERROR_BREAK)
				return 0;
			if (rc < 0) {
				*cause = xstrdup(pcap_geterr(cap->pcap));
				return -1;
			}
		}
		hepin_service(cap->hep, fds + first, n, on_hep_frame, cap);
		if (capture_broken(cap) || (poll_fn != NULL && poll_fn(arg)))
			return 0;
	}
}

int
capture_run(struct capture *cap, capture_frame_fn *fn, capture_poll_fn *poll,
    void *arg, char **cause)
{
	int rc;

	cap->fn = fn;
	cap->arg = arg;
	if (cap->hep != NULL)
		return capture_run_hep(cap, poll, arg, cause);
	for (;;) {
		rc = pcap_dispatch(cap->pcap, CAPTURE_BATCH, on_packet,
		    (u_char *)cap);
		if (rc == PCAP_ERROR_BREAK)
			return 0;
		if (rc < 0)
			break;
		if (rc == 0 && !cap->live)
			return 0;	/* the end of the file */
		if (poll != NULL && poll(arg))
			return 0;
	}
	/*
	 * libpcap reports a record cut short as an error, and an interface
	 * that went away: keep what came before, and say why it stopped.
	 */
	*cause = xstrdup(pcap_geterr(cap->pcap));
	return -1;
}

void
capture_break(struct capture *cap)
{
	/* Relaxed: read between polls (see capture_broken). */
	atomic_store_explicit(&cap->broken, 1, memory_order_relaxed);
	if (cap->pcap != NULL)
		pcap_breakloop(cap->pcap);
}

/*
 * The filter for HEP's frames: compiled for raw IP, as they are, and run
 * on each in user space.
 */
static int
capture_set_hep_filter(struct capture *cap, const char *bpf, char **cause)
{
	pcap_t *dead;

	if ((dead = pcap_open_dead(DLT_RAW, HEP_MAX_LEN)) == NULL) {
		*cause = cause_printf("bad filter '%s': out of memory", bpf);
		return -1;
	}
	if (pcap_compile(dead, &cap->hep_filter, bpf, 1,
	    PCAP_NETMASK_UNKNOWN) != 0) {
		*cause = cause_printf("bad filter '%s': %s", bpf,
		    pcap_geterr(dead));
		pcap_close(dead);
		return -1;
	}
	pcap_close(dead);
	cap->has_hep_filter = 1;
	return 0;
}

int
capture_set_filter(struct capture *cap, const char *bpf, char **cause)
{
	struct bpf_program prog;

	if (cap->hep != NULL && !cap->has_hep_filter &&
	    capture_set_hep_filter(cap, bpf, cause) != 0)
		return -1;
	if (cap->pcap == NULL)
		return 0;
	if (pcap_compile(cap->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		*cause = cause_printf("bad filter '%s': %s", bpf,
		    pcap_geterr(cap->pcap));
		return -1;
	}
	if (pcap_setfilter(cap->pcap, &prog) != 0) {
		*cause = cause_printf("cannot set filter '%s': %s", bpf,
		    pcap_geterr(cap->pcap));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

int64_t
capture_kernel_drops(struct capture *cap)
{
	struct pcap_stat st;

	if (!cap->live || cap->pcap == NULL)
		return -1;
	if (pcap_stats(cap->pcap, &st) == 0) {
		/* Unsigned subtraction carries a wrap of the 32-bit counter. */
		cap->drops += (uint32_t)(st.ps_drop - cap->last_drop);
		cap->drops += (uint32_t)(st.ps_ifdrop - cap->last_ifdrop);
		cap->last_drop = st.ps_drop;
		cap->last_ifdrop = st.ps_ifdrop;
	}
	return cap->drops;
}

int
capture_now_us(const struct capture *cap, int64_t *now_us)
{
	struct timespec ts;
	int64_t wall;

	if (!cap->live)
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	wall = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	/*
	 * Beside an interface, the interface's packets are stamped by this
	 * host's clock, which rules: a HEP sender must then keep its own
	 * clock right.  Alone, HEP's packets set the time.
	 */
	if (cap->hep != NULL && cap->pcap == NULL)
		return hepin_now(cap->hep, wall, now_us);
	*now_us = wall;
	return 0;
}

void
capture_hep_figures(const struct capture *cap, struct snap_hep *out)
{
	memset(out, 0, sizeof(*out));
	if (cap->hep != NULL)
		hepin_figures(cap->hep, out);
}

/* The HEP input's counters, one line in the log at the end. */
static void
capture_log_hep(const struct capture *cap)
{
	struct snap_hep s;
	uint64_t refused = 0;
	int r;

	hepin_figures(cap->hep, &s);
	for (r = HEP_OK + 1; r < HEP_RESULT_COUNT; r++)
		refused += s.refused[r];
	log_msg(LOG_LEVEL_NOTICE, "hep %s: %llu packets, %llu analysed, "
	    "%llu refused as not HEPv3 or malformed, %llu without the key, "
	    "%llu of types not analysed, %llu not inflated, %llu clients "
	    "(%llu refused, %llu closed on bad framing), %llu receive errors",
	    hepin_spec(cap->hep), (unsigned long long)s.packets,
	    (unsigned long long)s.analysed, (unsigned long long)refused,
	    (unsigned long long)s.auth_failed,
	    (unsigned long long)s.not_analysed,
	    (unsigned long long)s.inflate_failed,
	    (unsigned long long)s.connections,
	    (unsigned long long)s.connections_refused,
	    (unsigned long long)s.streams_bad,
	    (unsigned long long)s.receive_errors);
}

void
capture_close(struct capture *cap)
{
	if (cap == NULL)
		return;
	if (cap->hep != NULL) {
		capture_log_hep(cap);
		hepin_close(cap->hep);
	}
	if (cap->has_hep_filter)
		pcap_freecode(&cap->hep_filter);
	if (cap->pcap != NULL)
		pcap_close(cap->pcap);
	free(cap->file_buffer);
	free(cap);
}
