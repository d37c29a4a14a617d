/*
 * Packet sources through libpcap.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "dissectors/decode.h"
#include "probe/capture.h"
#include "probe/vqprobe.h"

struct capture {
	pcap_t	*pcap;
	int	 linktype;
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

	/* Microsecond timestamps whatever the file holds (pcapng may differ). */
	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL) {
		*cause = cause_printf("cannot read %s: %s", path, errbuf);
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
		return NULL;
	}
	cap = xcalloc(1, sizeof(*cap));
	cap->pcap = p;
	cap->linktype = linktype;
	return cap;
}

int
capture_linktype(const struct capture *cap)
{
	return cap->linktype;
}

int
capture_run(struct capture *cap, capture_frame_fn *fn, void *arg, char **cause)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int64_t ts_us;
	int rc;

	while ((rc = pcap_next_ex(cap->pcap, &h, &data)) == 1) {
		ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		fn(arg, ts_us, h->caplen, h->len, data);
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	/* libpcap reports a record cut short as an error: keep what came before. */
	*cause = xstrdup(pcap_geterr(cap->pcap));
	return -1;
}

int
capture_set_filter(struct capture *cap, const char *bpf, char **cause)
{
	struct bpf_program prog;

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
capture_kernel_drops(const struct capture *cap)
{
	(void)cap;
	return -1;
}

void
capture_close(struct capture *cap)
{
	if (cap == NULL)
		return;
	pcap_close(cap->pcap);
	free(cap);
}
