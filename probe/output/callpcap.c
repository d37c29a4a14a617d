/*
 * Per-call pcap files.  The link type is raw IP (LINKTYPE_RAW): a packet
 * is written from its innermost IP header on, so the evidence reads the
 * same whatever tunnels or VLANs carried it to the probe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe/output/callpcap.h"
#include "probe/vqprobe.h"

#define LINKTYPE_RAW		101
#define PCAP_MAGIC_US		0xa1b2c3d4u
#define PCAP_SNAPLEN		262144
/* What a call buffers before its file is appended to. */
#define BLOCK_BYTES		(32 * 1024)
/* A rebuilt packet: IPv6 and TCP headers, then the payload. */
#define REBUILT_HDR_MAX		(40 + 20)
/* TCP directions a call's file keeps sequence numbers for. */
#define TCP_FLOWS		4

struct tcp_flow {
	struct vq_endpoint	src;
	struct vq_endpoint	dst;
	uint32_t		next_seq;
};

struct callpcap_file {
	char		path[4096 + CALLPCAP_STEM_LEN + 8];
	uint8_t		*buf;
	size_t		 len;
	struct tcp_flow	 tcp[TCP_FLOWS];
	unsigned	 n_tcp;
};

struct callpcap {
	char		dir[4096];
	uint64_t	packets;
	uint64_t	write_errors;
	int		warned;
};

void
callpcap_stem(uint64_t order, const char *call_id, char *buf, size_t size)
{
	uint32_t h = 2166136261u;	/* FNV-1a, 32 bits */
	const unsigned char *p;

	for (p = (const unsigned char *)call_id; *p != '\0'; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	snprintf(buf, size, "call-%06llu-%08x", (unsigned long long)order, h);
}

struct callpcap *
callpcap_new(const char *dir)
{
	struct callpcap *cp = calloc(1, sizeof(*cp));

	if (cp != NULL)
		snprintf(cp->dir, sizeof(cp->dir), "%s", dir);
	return cp;
}

void
callpcap_free(struct callpcap *cp)
{
	free(cp);
}

/* Append len bytes to the file (creating it when create), or count why not. */
static void
append(struct callpcap *cp, struct callpcap_file *f, const void *p,
    size_t len, int create)
{
	int fd, flags = O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_TRUNC :
	    O_APPEND);
	ssize_t n = -1;

	if ((fd = open(f->path, flags, 0644)) >= 0) {
		n = write(fd, p, len);
		if (close(fd) != 0)
			n = -1;
	}
	if (n == (ssize_t)len)
		return;
	cp->write_errors++;
	/* Once: a full disk would say it for every call. */
	if (!cp->warned) {
		cp->warned = 1;
		warnx_vq("call pcap %s: %s", f->path, n < 0 ? strerror(errno) :
		    "short write");
	}
}

struct callpcap_file *
callpcap_open(struct callpcap *cp, const char *stem)
{
	struct callpcap_file *f = xcalloc(1, sizeof(*f));
	uint32_t hdr[6];

	snprintf(f->path, sizeof(f->path), "%s/%s.pcap", cp->dir, stem);
	/* Written in this machine's byte order, as pcap files may be. */
	hdr[0] = PCAP_MAGIC_US;
	hdr[1] = 2 | (4u << 16);	/* version 2.4 */
	hdr[2] = 0;			/* thiszone */
	hdr[3] = 0;			/* sigfigs */
	hdr[4] = PCAP_SNAPLEN;
	hdr[5] = LINKTYPE_RAW;
	if (((const uint8_t *)&hdr[1])[0] != 2)
		/* Big-endian: the 16-bit halves in the other order. */
		hdr[1] = 4 | (2u << 16);
	append(cp, f, hdr, sizeof(hdr), 1);
	return f;
}

static void
flush(struct callpcap *cp, struct callpcap_file *f)
{
	if (f->len > 0)
		append(cp, f, f->buf, f->len, 0);
	f->len = 0;
}

/* The Internet checksum of the pseudo-header sum and len bytes at p. */
static uint16_t
checksum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* A TCP direction of the call (made on its first message). */
static struct tcp_flow *
tcp_flow(struct callpcap_file *f, const struct vq_endpoint *src,
    const struct vq_endpoint *dst, int make)
{
	unsigned i;

	for (i = 0; i < f->n_tcp; i++)
		if (endpoint_equal(&f->tcp[i].src, src) &&
		    endpoint_equal(&f->tcp[i].dst, dst))
			return &f->tcp[i];
	if (!make)
		return NULL;
	if (f->n_tcp == TCP_FLOWS)
		i = 0;	/* a fifth direction reuses the first's slot */
	else
		i = f->n_tcp++;
	f->tcp[i].src = *src;
	f->tcp[i].dst = *dst;
	f->tcp[i].next_seq = 1;
	return &f->tcp[i];
}

/*
 * IP and UDP or TCP headers for a payload that no longer has its own
 * (reassembled): into hdr; returns their length.
 */
static size_t
rebuild_headers(struct callpcap_file *f, const struct pkt_meta *meta,
    uint8_t *hdr)
{
	int tcp = meta->ip_proto == DECODE_IPPROTO_TCP;
	size_t l4 = tcp ? 20 : 8, ip = meta->src.addr.family == 6 ? 40 : 20;
	uint32_t plen = (uint32_t)(l4 + meta->payload_len), sum = 0;
	uint8_t *t = hdr + ip;
	size_t i, alen = meta->src.addr.family == 6 ? 16 : 4;

	memset(hdr, 0, ip + l4);
	if (ip == 40) {
		hdr[0] = 0x60 | (uint8_t)(meta->dscp >> 2);
		hdr[1] = (uint8_t)(meta->dscp << 6);
		put16(hdr + 4, plen);
		hdr[6] = meta->ip_proto;
		hdr[7] = 64;
		memcpy(hdr + 8, meta->src.addr.bytes, 16);
		memcpy(hdr + 24, meta->dst.addr.bytes, 16);
	} else {
		hdr[0] = 0x45;
		hdr[1] = (uint8_t)(meta->dscp << 2);
		put16(hdr + 2, 20 + plen);
		hdr[6] = 0x40;	/* don't fragment */
		hdr[8] = 64;
		hdr[9] = meta->ip_proto;
		memcpy(hdr + 12, meta->src.addr.bytes, 4);
		memcpy(hdr + 16, meta->dst.addr.bytes, 4);
		put16(hdr + 10, checksum(0, hdr, 20));
	}
	put16(t, meta->src.port);
	put16(t + 2, meta->dst.port);
	if (tcp) {
		/*
		 * One segment per message, the two directions' sequence
		 * numbers counting from 1 and each acknowledging the other:
		 * what Wireshark reads as a clean stream.
		 */
		struct tcp_flow *fw = tcp_flow(f, &meta->src, &meta->dst, 1);
		struct tcp_flow *rv = tcp_flow(f, &meta->dst, &meta->src, 0);

		put32(t + 4, fw->next_seq);
		fw->next_seq += meta->payload_len;
		put32(t + 8, rv != NULL ? rv->next_seq : 1);
		t[12] = 5 << 4;
		t[13] = 0x18;	/* PSH, ACK */
		put16(t + 14, 65535);
	} else
		put16(t + 4, plen);
	/* The pseudo-header: addresses, protocol, length. */
	for (i = 0; i < alen; i += 2)
		sum += (uint32_t)meta->src.addr.bytes[i] << 8 |
		    meta->src.addr.bytes[i + 1];
	for (i = 0; i < alen; i += 2)
		sum += (uint32_t)meta->dst.addr.bytes[i] << 8 |
		    meta->dst.addr.bytes[i + 1];
	sum += meta->ip_proto + plen;
	{
		/* Header and payload, as one run of bytes for the sum. */
		uint32_t s = sum;
		uint16_t c;

		for (i = 0; i + 1 < l4; i += 2)
			s += (uint32_t)t[i] << 8 | t[i + 1];
		c = checksum(s, meta->payload, meta->payload_len);
		if (!tcp && c == 0)
			c = 0xffff;	/* 0 means "no checksum" in UDP */
		put16(t + (tcp ? 16 : 6), c);
	}
	return ip + l4;
}

/* Room for n more bytes in the buffer, writing it out first if need be. */
static uint8_t *
room(struct callpcap *cp, struct callpcap_file *f, size_t n)
{
	if (f->buf == NULL)
		f->buf = xcalloc(1, BLOCK_BYTES);
	if (f->len + n > BLOCK_BYTES)
		flush(cp, f);
	if (n > BLOCK_BYTES)
		return NULL;
	return f->buf + f->len;
}

void
callpcap_packet(struct callpcap *cp, struct callpcap_file *f,
    const struct pkt_meta *meta)
{
	uint8_t hdr[REBUILT_HDR_MAX], *p;
	const uint8_t *body;
	size_t hlen = 0, blen, wire;
	uint32_t rec[4];

	/*
	 * A SIP message out of TCP is written as one segment of its own,
	 * whatever segments carried it: the original segments may hold parts
	 * of other messages, or repeat them.
	 */
	if (meta->ip != NULL && meta->ip_caplen > 0 &&
	    meta->ip_proto != DECODE_IPPROTO_TCP) {
		body = meta->ip;
		blen = meta->ip_caplen;
		/* What the capture cut from the payload, the wire had. */
		wire = blen + (meta->payload_wirelen > meta->payload_len ?
		    meta->payload_wirelen - meta->payload_len : 0);
	} else {
		if (meta->src.addr.family != 4 && meta->src.addr.family != 6)
			return;
		hlen = rebuild_headers(f, meta, hdr);
		body = meta->payload;
		blen = meta->payload_len;
		wire = hlen + blen;
	}
	if ((p = room(cp, f, sizeof(rec) + hlen + blen)) == NULL) {
		/* Larger than a block (a huge SIP message): on its own. */
		flush(cp, f);
		blen = BLOCK_BYTES - sizeof(rec) - hlen;
		p = f->buf;
	}
	rec[0] = (uint32_t)(meta->ts_us / 1000000);
	rec[1] = (uint32_t)(meta->ts_us % 1000000);
	rec[2] = (uint32_t)(hlen + blen);
	rec[3] = (uint32_t)wire;
	memcpy(p, rec, sizeof(rec));
	memcpy(p + sizeof(rec), hdr, hlen);
	memcpy(p + sizeof(rec) + hlen, body, blen);
	f->len += sizeof(rec) + hlen + blen;
	cp->packets++;
}

void
callpcap_close(struct callpcap *cp, struct callpcap_file *f)
{
	if (f == NULL)
		return;
	flush(cp, f);
	free(f->buf);
	free(f);
}

void
callpcap_stats(const struct callpcap *cp, struct callpcap_stats *st)
{
	st->packets = cp->packets;
	st->write_errors = cp->write_errors;
}
