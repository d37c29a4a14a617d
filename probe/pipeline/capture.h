/*
 * Packet sources: a capture file (pcap or pcapng) or a live interface,
 * both through libpcap, and HEPv3 input (alone, or beside an interface).
 */
#ifndef VQ_CAPTURE_H
#define VQ_CAPTURE_H

#include <stdint.h>

#include "metrics/snapshot.h"

struct capture;

/*
 * One frame as the capture gives it, of its link type (an interface's,
 * or raw IP for what came over HEP); data is valid during the call only.
 */
typedef void capture_frame_fn(void *arg, int linktype, int64_t ts_us,
    uint32_t caplen, uint32_t wirelen, const uint8_t *data);

/*
 * Open a capture file.  On failure returns NULL and sets *cause to one
 * line saying why (free it).  A file whose link type vqprobe cannot decode
 * is refused here, before any analysis.
 */
struct capture	*capture_open_file(const char *path, char **cause);

/* How to open an interface. */
struct capture_live_config {
	const char	*iface;		/* "any" for every interface */
	uint32_t	 snaplen;	/* 0: the whole packet */
	int		 promisc;
	int		 buffer_mib;	/* kernel buffer; 0: libpcap's */
	int		 immediate;	/* deliver each packet at once */
	int		 timeout_ms;	/* else batch for at most this long */
};

void		 capture_live_config_default(struct capture_live_config *);
/*
 * Open and activate an interface.  NULL with *cause on failure (no such
 * interface, no permission, a link type vqprobe cannot decode).
 */
struct capture	*capture_open_live(const struct capture_live_config *,
		    char **cause);
/*
 * Listen for HEPv3 on spec ("udp:ADDR:PORT", "tcp:ADDR:PORT"), the only
 * source; key: the auth key packets must carry, or NULL.  NULL with
 * *cause on failure (a bad spec, a port that cannot be bound).
 */
struct capture	*capture_open_hep(const char *spec, const char *key,
		    char **cause);
/*
 * Listen for HEPv3 beside a live capture's interface: capture_run then
 * waits on both.  0, or -1 with *cause (the capture unchanged).
 */
int		 capture_add_hep(struct capture *, const char *spec,
		    const char *key, char **cause);
int		 capture_is_live(const struct capture *);
/* The link type of the interface or file (raw IP for HEP alone). */
int		 capture_linktype(const struct capture *);
/*
 * A live capture's clock at this moment: the wall clock, or for HEP alone
 * the packets' own time (see probe/pipeline/hepin.c).  0 and *now_us, or
 * -1 when there is no time yet (HEP before its first packet, a file).
 */
int		 capture_now_us(const struct capture *, int64_t *now_us);
/* The HEP input's counters (enabled 0 when there is none). */
void		 capture_hep_figures(const struct capture *, struct snap_hep *);
/*
 * Called between batches of frames (at least every timeout_ms on a live
 * capture, even with no traffic): nonzero stops the run.
 */
typedef int capture_poll_fn(void *arg);
/*
 * Hand every frame to fn until the file ends, poll says stop, or
 * capture_break.  Returns 0 then, or -1 with *cause saying why: a file
 * that ended in the middle of a record (the frames before it were handed
 * over), an interface that went down.
 */
int		 capture_run(struct capture *, capture_frame_fn *fn,
		    capture_poll_fn *poll, void *arg, char **cause);
/* Stop capture_run from another thread or a signal handler. */
void		 capture_break(struct capture *);
/*
 * Keep only the frames a BPF filter accepts.  Returns 0, or -1 with *cause
 * set when the filter does not compile.
 */
int		 capture_set_filter(struct capture *, const char *bpf, char **cause);
/*
 * Packets the kernel dropped since the capture began (in its buffer, and
 * by the interface), or -1 when the source cannot tell (a file).  Counts
 * past libpcap's 32-bit counters' wrap are kept.
 */
int64_t		 capture_kernel_drops(struct capture *);
void		 capture_close(struct capture *);

#endif /* VQ_CAPTURE_H */
