/*
 * bench-read: the floor for the benchmark.  A bare libpcap read loop over a
 * capture file that touches every captured byte and does nothing else, so
 * that vqprobe's time on the same warm file can be told apart from the cost
 * of reading it at all.
 *
 *   bench-read FILE
 *   prints: packets N bytes N checksum 0x%016llx
 *
 * The checksum (a rotate-and-xor over the bytes, in eight-byte words where
 * it can) is printed so that the compiler cannot drop the reads.
 *
 * It reads the file the way vqprobe does (probe/pipeline/capture.c):
 * libpcap over a stdio stream with a 1 MiB buffer, so that the ratio of
 * the two is the probe's work, not a difference in how the bytes come in.
 */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_BUFFER	(1u << 20)	/* as vqprobe's CAPTURE_FILE_BUFFER */

/* Fold len bytes at p into sum: eight bytes at a time, then the tail. */
static uint64_t
fold_bytes(uint64_t sum, const uint8_t *p, size_t len)
{
	uint64_t word;

	while (len >= sizeof(word)) {
		/* memcpy: packet data need not be aligned. */
		memcpy(&word, p, sizeof(word));
		sum = ((sum << 7) | (sum >> 57)) ^ word;
		p += sizeof(word);
		len -= sizeof(word);
	}
	while (len > 0) {
		sum = ((sum << 7) | (sum >> 57)) ^ *p++;
		len--;
	}
	return sum;
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets = 0, bytes = 0, sum = 0;
	pcap_t *pcap;
	FILE *fp;
	char *buffer;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-read FILE\n");
		return 2;
	}
	errbuf[0] = '\0';
	if ((fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "bench-read: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if ((buffer = malloc(FILE_BUFFER)) == NULL) {
		fprintf(stderr, "bench-read: out of memory\n");
		return 2;
	}
	setvbuf(fp, buffer, _IOFBF, FILE_BUFFER);
	pcap = pcap_fopen_offline(fp, errbuf);
	if (pcap == NULL) {
		fprintf(stderr, "bench-read: %s: %s\n", argv[1], errbuf);
		return 2;
	}
	while ((rc = pcap_next_ex(pcap, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->caplen;
		sum = fold_bytes(sum, data, hdr->caplen);
	}
	if (rc == PCAP_ERROR) {
		/* A file cut in the middle of a record: report what was read. */
		fprintf(stderr, "bench-read: %s: %s\n", argv[1], pcap_geterr(pcap));
	}
	pcap_close(pcap);
	free(buffer);
	printf("packets %" PRIu64 " bytes %" PRIu64 " checksum 0x%016" PRIx64 "\n",
	    packets, bytes, sum);
	return 0;
}
