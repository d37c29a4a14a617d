/*
 * Each call's own packets as a pcap file: the evidence a customer or a
 * carrier can open in Wireshark.  One writer per analyzer (a worker sees
 * every packet of its calls); a call's packets are buffered and appended
 * to its file in blocks, so that memory and open files stay bounded
 * however many calls are up at once.
 */
#ifndef VQ_CALLPCAP_H
#define VQ_CALLPCAP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/decode.h"

/* "call-<frame of the INVITE>-<8 hex digits of a hash of the Call-ID>" */
#define CALLPCAP_STEM_LEN	48

/*
 * The name both a call's pcap and its page carry: from the frame number
 * of its INVITE and its Call-ID (as made safe), so unique in a run and
 * safe as a file name whatever the Call-ID holds.
 */
void	callpcap_stem(uint64_t order, const char *call_id, char *buf,
	    size_t size);

struct callpcap;
struct callpcap_file;

struct callpcap_stats {
	uint64_t	packets;	/* written */
	uint64_t	write_errors;	/* blocks that could not be written */
};

/* Files go to dir (which exists); NULL when out of memory. */
struct callpcap	*callpcap_new(const char *dir);
void		 callpcap_free(struct callpcap *);
/* A call's file, made empty (just its header) now. */
struct callpcap_file *callpcap_open(struct callpcap *, const char *stem);
/*
 * One packet of the call as the decoder delivered it: a datagram's
 * innermost IP packet when the frame holds it; a datagram reassembled
 * from fragments, or a SIP message out of TCP (always: its segments may
 * hold parts of other messages), behind IP and UDP or TCP headers rebuilt
 * from meta.
 */
void		 callpcap_packet(struct callpcap *, struct callpcap_file *,
		    const struct pkt_meta *);
/* Write out what the call's file still buffers, and forget it. */
void		 callpcap_close(struct callpcap *, struct callpcap_file *);
void		 callpcap_stats(const struct callpcap *, struct callpcap_stats *);

#endif /* VQ_CALLPCAP_H */
