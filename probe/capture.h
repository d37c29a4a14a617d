/*
 * Packet sources: a capture file (pcap or pcapng) for now.
 */
#ifndef VQ_CAPTURE_H
#define VQ_CAPTURE_H

#include <stdint.h>

struct capture;

/* One frame as the capture gives it; data is valid during the call only. */
typedef void capture_frame_fn(void *arg, int64_t ts_us, uint32_t caplen,
    uint32_t wirelen, const uint8_t *data);

/*
 * Open a capture file.  On failure returns NULL and sets *cause to one
 * line saying why (free it).  A file whose link type vqprobe cannot decode
 * is refused here, before any analysis.
 */
struct capture	*capture_open_file(const char *path, char **cause);
int		 capture_linktype(const struct capture *);
/*
 * Hand every frame to fn.  Returns 0 at the end of the file, or -1 when the
 * file ended in the middle of a record (the frames before it were handed
 * over) with *cause saying so.
 */
int		 capture_run(struct capture *, capture_frame_fn *fn, void *arg,
		    char **cause);
/*
 * Keep only the frames a BPF filter accepts.  Returns 0, or -1 with *cause
 * set when the filter does not compile.
 */
int		 capture_set_filter(struct capture *, const char *bpf, char **cause);
/* Packets the kernel dropped, or -1 when the source cannot tell (a file). */
int64_t		 capture_kernel_drops(const struct capture *);
void		 capture_close(struct capture *);

#endif /* VQ_CAPTURE_H */
