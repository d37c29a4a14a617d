/*
 * Unit tests for probe/analysis/dpi.c: the applications nDPI names in public
 * captures (and, when ndpiReader is installed, the same list it prints),
 * nDPI state freed once a flow is decided, the bounds on packets per flow
 * and on flows, expiry, and the counters' reports.
 *
 * The public captures are read from $TOP_SRCDIR/../shared/pcaps (or
 * ../shared/pcaps from where the test runs); a capture missing is said
 * and its checks skipped; with none of them the program exits 77 (SKIP)
 * after the checks that need no capture.
 */
#include <limits.h>
#include <pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dissectors/decode.h"
#include "probe/analysis/dpi.h"
#include "tests/unit.h"

#define MAX_APPS	64
#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define LINKTYPE_ETHERNET	1
#define LINKTYPE_RAW		101
#define LINKTYPE_LINUX_SLL	113

/* What one capture gave: the applications, summed over every report. */
struct capture_result {
	struct dpi_app_count	apps[MAX_APPS];
	size_t			n_apps;
	uint64_t		packets_fed;
	int			any_sip_flow;
	struct dpi_stats	stats;	/* before the final expiry */
};

static const char *pcap_dir;
static int captures_found;

/* A dpi with the defaults, or fail the test. */
static struct dpi *
new_dpi(const struct dpi_config *cfg)
{
	struct dpi *d;
	char *cause = NULL;

	d = dpi_new(cfg, &cause);
	if (d == NULL) {
		fprintf(stderr, "dpi_new: %s\n", cause);
		free(cause);
		exit(1);
	}
	return d;
}

/* Add report into the running sums of r. */
static void
result_add(struct capture_result *r, const struct dpi_app_count *apps,
    size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < r->n_apps; j++) {
			if (r->apps[j].app == apps[i].app)
				break;
		}
		if (j == r->n_apps) {
			if (r->n_apps == MAX_APPS)
				continue;
			r->apps[j] = apps[i];
			r->n_apps++;
			continue;
		}
		r->apps[j].flows += apps[i].flows;
		r->apps[j].packets += apps[i].packets;
		r->apps[j].bytes += apps[i].bytes;
	}
}

/* The sums for the application named name, or NULL. */
static const struct dpi_app_count *
result_app(const struct capture_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n_apps; i++) {
		if (strcmp(r->apps[i].name, name) == 0)
			return &r->apps[i];
	}
	return NULL;
}

/*
 * The innermost IP header of a frame (Ethernet with VLAN tags, Linux
 * cooked, raw IP): the decoder gives addresses and ports but not where the
 * header starts, which nDPI needs.  0, or -1 if there is none.
 */
static int
find_ip(int linktype, const uint8_t *p, uint32_t caplen, uint32_t *off)
{
	uint32_t o;
	uint16_t type;

	switch (linktype) {
	case LINKTYPE_RAW:
		*off = 0;
		return caplen > 0 ? 0 : -1;
	case LINKTYPE_LINUX_SLL:
		o = 16;
		break;
	case LINKTYPE_ETHERNET:
		o = 14;
		break;
	default:
		return -1;
	}
	if (caplen < o)
		return -1;
	type = (uint16_t)(p[o - 2] << 8 | p[o - 1]);
	while ((type == 0x8100 || type == 0x88a8) && linktype ==
	    LINKTYPE_ETHERNET) {
		if (caplen < o + 4)
			return -1;
		type = (uint16_t)(p[o + 2] << 8 | p[o + 3]);
		o += 4;
	}
	if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6)
		return -1;
	*off = o;
	return 0;
}

/* The transport ports after an IP header without extension headers. */
static int
read_ports(const uint8_t *ip, uint32_t len, uint16_t *sport, uint16_t *dport)
{
	uint32_t hl;

	if (len < 1)
		return -1;
	if (ip[0] >> 4 == 4)
		hl = (uint32_t)(ip[0] & 0x0f) * 4;
	else
		hl = 40;
	if (len < hl + 4)
		return -1;
	*sport = (uint16_t)(ip[hl] << 8 | ip[hl + 1]);
	*dport = (uint16_t)(ip[hl + 2] << 8 | ip[hl + 3]);
	return 0;
}

/*
 * Feed every UDP and TCP packet of a capture to d, the way a worker does:
 * the 5-tuple from the project's decoder, the IP header found above, the
 * frame's length on the wire (what ndpiReader counts), an expiry pass per
 * packet and a report every 1000 packets.  0, or -1 if the file is absent.
 */
static int
feed_capture(struct dpi *d, const char *name, struct capture_result *r)
{
	char path[PATH_MAX], errbuf[PCAP_ERRBUF_SIZE];
	struct dpi_app_count apps[MAX_APPS];
	struct pkt_meta meta;
	struct pcap_pkthdr *h;
	struct dpi_flow_key key;
	struct vq_endpoint src, dst;
	const u_char *data;
	pcap_t *pc;
	uint32_t off;
	size_t i;
	int linktype, app;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/%s", pcap_dir, name);
	if (access(path, R_OK) != 0) {
		printf("dpi: %s absent, its checks skipped\n", path);
		return -1;
	}
	if ((pc = pcap_open_offline(path, errbuf)) == NULL) {
		UNIT_FAIL("%s: %s", path, errbuf);
		return -1;
	}
	captures_found++;
	linktype = pcap_datalink(pc);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		memset(&meta, 0, sizeof(meta));
		meta.ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		meta.caplen = h->caplen;
		meta.wirelen = h->len;
		/* No context: TCP comes back unsupported, its addresses set. */
		decode_frame(NULL, linktype, data, h->caplen, &meta, NULL,
		    NULL);
		if (meta.ip_proto != DECODE_IPPROTO_UDP &&
		    meta.ip_proto != DECODE_IPPROTO_TCP)
			continue;
		if (meta.is_fragment)
			continue;
		if (find_ip(linktype, data, h->caplen, &off) != 0)
			continue;
		src = meta.src;
		dst = meta.dst;
		if (read_ports(data + off, h->caplen - off, &src.port,
		    &dst.port) != 0)
			continue;
		if (meta.ip_proto == DECODE_IPPROTO_UDP) {
			CHECK_INT(src.port, meta.src.port);
			CHECK_INT(dst.port, meta.dst.port);
		}
		dpi_flow_key_set(&key, meta.ip_proto, &src, &dst);
		app = dpi_packet(d, &key, meta.ts_us, data + off,
		    h->caplen - off, h->len);
		if (dpi_app_is_sip(d, app))
			r->any_sip_flow = 1;
		r->packets_fed++;
		dpi_expire(d, meta.ts_us);
		if (r->packets_fed % 1000 == 0)
			result_add(r, apps, dpi_apps(d, apps, MAX_APPS, 1));
	}
	pcap_close(pc);
	dpi_stats(d, &r->stats);
	dpi_expire(d, INT64_MAX);
	result_add(r, apps, dpi_apps(d, apps, MAX_APPS, 1));
	for (i = 0; i < r->n_apps; i++)
		printf("dpi: %s: %s, %llu flows, %llu packets, %llu bytes\n",
		    name, r->apps[i].name,
		    (unsigned long long)r->apps[i].flows,
		    (unsigned long long)r->apps[i].packets,
		    (unsigned long long)r->apps[i].bytes);
	return 0;
}

/* Where ndpiReader is on PATH, into buf; 0, or -1 when not installed. */
static int
find_ndpireader(char *buf, size_t size)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (path == NULL)
		return -1;
	for (p = path; *p != '\0'; p = end + (*end == ':')) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		snprintf(buf, size, "%.*s/ndpiReader", (int)(end - p), p);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return -1;
}

/*
 * Compare r with the "Detected protocols" ndpiReader prints for the same
 * capture: the same applications, with the same flows, packets and bytes.
 */
static void
compare_ndpireader(const char *name, const struct capture_result *r)
{
	char reader[PATH_MAX], cmd[2 * PATH_MAX + 64], line[512];
	char app[128], path[PATH_MAX];
	unsigned long long packets, bytes, flows;
	const struct dpi_app_count *mine;
	size_t seen = 0;
	int in_section = 0;
	FILE *fp;

	if (find_ndpireader(reader, sizeof(reader)) != 0) {
		printf("dpi: ndpiReader not installed, %s not compared "
		    "(SKIP)\n", name);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", pcap_dir, name);
	if (strchr(path, '\'') != NULL || strchr(reader, '\'') != NULL)
		return;
	snprintf(cmd, sizeof(cmd), "'%s' -i '%s' 2>/dev/null", reader, path);
	if ((fp = popen(cmd, "r")) == NULL) {
		UNIT_FAIL("cannot run %s", cmd);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "Detected protocols:", 19) == 0) {
			in_section = 1;
			continue;
		}
		if (!in_section)
			continue;
		if (sscanf(line, " %127s packets: %llu bytes: %llu flows: %llu",
		    app, &packets, &bytes, &flows) != 4)
			break;
		seen++;
		mine = result_app(r, app);
		unit_checks++;
		if (mine == NULL) {
			UNIT_FAIL("%s: ndpiReader lists %s, dpi does not",
			    name, app);
			continue;
		}
		CHECK_INT(mine->flows, flows);
		CHECK_INT(mine->packets, packets);
		CHECK_INT(mine->bytes, bytes);
	}
	pclose(fp);
	CHECK_INT(r->n_apps, seen);
	printf("dpi: %s: %zu applications, as ndpiReader lists them\n",
	    name, seen);
}

/* The public captures: what nDPI names in each, as ndpiReader does. */
static void
test_public_captures(void)
{
	struct capture_result r;
	const struct dpi_app_count *a;
	struct dpi *d;

	d = new_dpi(NULL);
	if (feed_capture(d, "ndpi_iax.pcap", &r) == 0) {
		a = result_app(&r, "IAX");
		CHECK(a != NULL);
		if (a != NULL) {
			CHECK_INT(a->flows, 1);
			CHECK_INT(a->packets, 50);
		}
		compare_ndpireader("ndpi_iax.pcap", &r);
	}
	if (feed_capture(d, "ndpi_mgcp.pcap", &r) == 0) {
		a = result_app(&r, "MGCP");
		CHECK(a != NULL);
		if (a != NULL)
			CHECK_INT(a->flows, 2);
		compare_ndpireader("ndpi_mgcp.pcap", &r);
	}
	if (feed_capture(d, "ndpi_h323.pcap", &r) == 0) {
		a = result_app(&r, "H323");
		CHECK(a != NULL);
		if (a != NULL)
			CHECK_INT(a->flows, 2);
		compare_ndpireader("ndpi_h323.pcap", &r);
	}
	if (feed_capture(d, "ndpi_http_on_sip_port.pcap", &r) == 0) {
		CHECK(result_app(&r, "HTTP") != NULL);
		CHECK(result_app(&r, "SIP") == NULL);
		CHECK(!r.any_sip_flow);
		compare_ndpireader("ndpi_http_on_sip_port.pcap", &r);
	}
	if (feed_capture(d, "ndpi_rtp.pcapng", &r) == 0) {
		a = result_app(&r, "RTP");
		CHECK(a != NULL);
		if (a != NULL)
			CHECK_INT(a->flows, 1);
		compare_ndpireader("ndpi_rtp.pcapng", &r);
	}
	dpi_free(d);
}

/*
 * A UDP packet over IPv4 from 10.0.0.1:sport to 10.0.0.2:dport (reversed
 * with reverse) into buf; its length.
 */
static uint32_t
make_udp(uint8_t *buf, size_t size, uint16_t sport, uint16_t dport,
    int reverse, const uint8_t *payload, size_t len)
{
	uint32_t total = (uint32_t)(20 + 8 + len);
	uint8_t a = reverse ? 2 : 1, b = reverse ? 1 : 2;
	uint16_t s = reverse ? dport : sport, t = reverse ? sport : dport;

	if (total > size)
		abort();
	memset(buf, 0, 28);
	buf[0] = 0x45;
	buf[2] = (uint8_t)(total >> 8);
	buf[3] = (uint8_t)total;
	buf[8] = 64;
	buf[9] = 17;
	buf[12] = 10; buf[15] = a;
	buf[16] = 10; buf[19] = b;
	buf[20] = (uint8_t)(s >> 8); buf[21] = (uint8_t)s;
	buf[22] = (uint8_t)(t >> 8); buf[23] = (uint8_t)t;
	buf[24] = (uint8_t)((8 + len) >> 8); buf[25] = (uint8_t)(8 + len);
	memcpy(buf + 28, payload, len);
	return total;
}

/* The key make_udp's packet belongs to. */
static void
udp_key(struct dpi_flow_key *key, uint16_t sport, uint16_t dport,
    int reverse)
{
	struct vq_endpoint a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.addr.family = 4;
	a.addr.bytes[0] = 10;
	a.addr.bytes[3] = 1;
	a.port = sport;
	b.addr.family = 4;
	b.addr.bytes[0] = 10;
	b.addr.bytes[3] = 2;
	b.port = dport;
	if (reverse)
		dpi_flow_key_set(key, 17, &b, &a);
	else
		dpi_flow_key_set(key, 17, &a, &b);
}

/* Send one packet of payload between the two test hosts; the app. */
static int
send_udp(struct dpi *d, int64_t ts_us, uint16_t sport, uint16_t dport,
    int reverse, const void *payload, size_t len)
{
	uint8_t buf[1500];
	struct dpi_flow_key key;
	uint32_t n;

	n = make_udp(buf, sizeof(buf), sport, dport, reverse, payload, len);
	udp_key(&key, sport, dport, reverse);
	return dpi_packet(d, &key, ts_us, buf, n, n);
}

/* A payload no dissector takes: fixed bytes from a small generator. */
static void
noise(uint8_t *p, size_t len, uint32_t seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
	/* Not RTP (version 2) nor anything starting like a text protocol. */
	p[0] = 0x07;
}

static const char sip_invite[] =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5999;branch=z9hG4bK776asdhds\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@example.com>\r\n"
    "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@10.0.0.1:5999>\r\n"
    "Content-Length: 0\r\n\r\n";

/* SIP on port 5999 is named SIP, and its nDPI state goes at once. */
static void
test_sip_odd_port(void)
{
	struct dpi_app_count apps[MAX_APPS];
	struct dpi_stats st;
	struct dpi *d;
	size_t n;
	int app;

	d = new_dpi(NULL);
	dpi_stats(d, &st);
	CHECK_INT(st.state_bytes, 0);
	CHECK_INT(st.flows, 0);
	CHECK(st.flow_state_size > 0);
	CHECK(st.flow_entry_size > 0);

	app = send_udp(d, 1000000, 5999, 5999, 0, sip_invite,
	    sizeof(sip_invite) - 1);
	CHECK(dpi_app_is_sip(d, app));
	CHECK(!dpi_app_is_rtp(d, app));
	CHECK(!dpi_app_is_rtcp(d, app));
	CHECK_STR(dpi_app_name(d, app), "SIP");
	dpi_stats(d, &st);
	CHECK_INT(st.classified, 1);
	CHECK_INT(st.flows, 1);
	CHECK_INT(st.flows_inspecting, 0);
	CHECK_INT(st.state_bytes, 0);
	CHECK_INT(st.packets_inspected, 1);
	printf("dpi: nDPI state %u bytes per flow inspected, table entry %u "
	    "bytes per flow\n", st.flow_state_size, st.flow_entry_size);

	/* Later packets, either way, are counted without inspection. */
	CHECK(dpi_app_is_sip(d, send_udp(d, 1100000, 5999, 5999, 1,
	    sip_invite, 10)));
	dpi_stats(d, &st);
	CHECK_INT(st.packets_inspected, 1);
	CHECK_INT(st.flows_created, 1);

	n = dpi_apps(d, apps, MAX_APPS, 1);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(apps[0].name, "SIP");
		CHECK_INT(apps[0].flows, 1);
		CHECK_INT(apps[0].packets, 2);
		CHECK_INT(apps[0].bytes, 28 + sizeof(sip_invite) - 1 + 28 + 10);
	}
	CHECK_INT(dpi_apps(d, apps, MAX_APPS, 1), 0);
	CHECK_STR(dpi_app_name(d, -5), dpi_app_name(d, DPI_UNKNOWN));
	dpi_free(d);
}

/* 100 packets nDPI cannot name: inspected max_packets times, then counted. */
static void
test_packet_bound(void)
{
	struct dpi_app_count apps[MAX_APPS];
	struct dpi_config cfg;
	struct dpi_stats st;
	uint8_t payload[160];
	struct dpi *d;
	size_t n;
	int i, app;

	dpi_config_default(&cfg);
	cfg.max_packets = 8;
	cfg.guess = 0;
	d = new_dpi(&cfg);
	for (i = 0; i < 100; i++) {
		noise(payload, sizeof(payload), (uint32_t)i + 1);
		app = send_udp(d, 1000000 + i * 20000, 40001, 40003, i % 2,
		    payload, sizeof(payload));
		CHECK_INT(app, DPI_UNKNOWN);
		dpi_stats(d, &st);
		if (i == 0) {
			CHECK_INT(st.flows_inspecting, 1);
			CHECK_INT(st.state_bytes, st.flow_state_size);
		}
		if (i == 7) {
			CHECK_INT(st.flows_inspecting, 0);
			CHECK_INT(st.state_bytes, 0);
		}
	}
	dpi_stats(d, &st);
	CHECK_INT(st.packets_inspected, 8);
	CHECK_INT(st.given_up, 1);
	CHECK_INT(st.classified, 0);
	CHECK_INT(st.flows, 1);
	n = dpi_apps(d, apps, MAX_APPS, 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(apps[0].app, DPI_UNKNOWN);
		CHECK_INT(apps[0].flows, 1);
		CHECK_INT(apps[0].packets, 100);
		CHECK_INT(apps[0].bytes, 100 * (28 + sizeof(payload)));
	}
	/* Not reset: reported again. */
	CHECK_INT(dpi_apps(d, apps, MAX_APPS, 0), 1);
	dpi_free(d);
}

/* A full table lets the least recently seen flow go, and counts it. */
static void
test_flow_bound(void)
{
	struct dpi_app_count apps[MAX_APPS];
	struct dpi_config cfg;
	struct dpi_stats st;
	uint8_t payload[64];
	struct dpi *d;
	uint16_t port;

	dpi_config_default(&cfg);
	cfg.max_flows = 4;
	cfg.guess = 0;
	d = new_dpi(&cfg);
	noise(payload, sizeof(payload), 99);
	for (port = 50000; port < 50004; port++)
		send_udp(d, 1000000 + port, port, 40007, 0, payload,
		    sizeof(payload));
	/* Seen again (the other way), 50000 is the most recent now. */
	send_udp(d, 2000000, 50000, 40007, 1, payload, sizeof(payload));
	send_udp(d, 2100000, 50004, 40007, 0, payload, sizeof(payload));
	dpi_stats(d, &st);
	CHECK_INT(st.flows, 4);
	CHECK_INT(st.evicted, 1);
	/* 50001 went, not 50000: */
	send_udp(d, 2200000, 50000, 40007, 0, payload, sizeof(payload));
	dpi_stats(d, &st);
	CHECK_INT(st.flows_created, 5);
	send_udp(d, 2300000, 50001, 40007, 0, payload, sizeof(payload));
	dpi_stats(d, &st);
	CHECK_INT(st.flows_created, 6);
	CHECK_INT(st.evicted, 2);
	for (port = 50005; port < 50009; port++)
		send_udp(d, 3000000 + port, port, 40007, 0, payload,
		    sizeof(payload));
	dpi_stats(d, &st);
	CHECK_INT(st.flows, 4);
	CHECK_INT(st.flows_created, 10);
	CHECK_INT(st.evicted, 6);
	/* Evicted while undecided: given up, and their packets counted. */
	CHECK_INT(st.given_up, 6);
	CHECK_INT(st.flows_inspecting, 4);
	CHECK_INT(st.state_bytes, 4 * (uint64_t)st.flow_state_size);
	CHECK(st.table_bytes >= 4 * (uint64_t)st.flow_entry_size);

	/* Two reports with room for one each: nothing is lost. */
	dpi_expire(d, INT64_MAX);
	CHECK_INT(dpi_apps(d, apps, 1, 1), 1);
	CHECK_INT(apps[0].app, DPI_UNKNOWN);
	CHECK_INT(apps[0].flows, 10);
	CHECK_INT(apps[0].packets, 12);
	CHECK_INT(dpi_apps(d, apps, 1, 1), 0);
	dpi_free(d);
}

/* Idle flows leave at the timeout, counted once; INT64_MAX empties. */
static void
test_expiry(void)
{
	struct dpi_app_count apps[MAX_APPS];
	struct dpi_config cfg;
	struct dpi_stats st;
	uint8_t payload[64];
	struct dpi *d;

	dpi_config_default(&cfg);
	cfg.idle_timeout_us = 1000000;
	cfg.guess = 0;
	d = new_dpi(&cfg);
	noise(payload, sizeof(payload), 7);
	send_udp(d, 10000000, 41000, 41002, 0, payload, sizeof(payload));
	send_udp(d, 10500000, 42000, 42002, 0, payload, sizeof(payload));
	send_udp(d, 10600000, 41000, 41002, 1, payload, sizeof(payload));

	dpi_expire(d, 11500000);	/* both seen within the second */
	dpi_stats(d, &st);
	CHECK_INT(st.expired, 0);
	dpi_expire(d, 11500001);	/* 42000 idle 1.000001 s */
	dpi_stats(d, &st);
	CHECK_INT(st.expired, 1);
	CHECK_INT(st.flows, 1);
	CHECK_INT(st.given_up, 1);
	CHECK_INT(st.state_bytes, st.flow_state_size);
	dpi_expire(d, INT64_MAX);
	dpi_stats(d, &st);
	CHECK_INT(st.expired, 2);
	CHECK_INT(st.flows, 0);
	CHECK_INT(st.flows_inspecting, 0);
	CHECK_INT(st.state_bytes, 0);
	CHECK_INT(st.table_bytes, 0);
	CHECK_INT(dpi_apps(d, apps, MAX_APPS, 1), 1);
	CHECK_INT(apps[0].flows, 2);
	CHECK_INT(apps[0].packets, 3);
	dpi_free(d);
}

/* The key does not depend on the direction; protocol and ports count. */
static void
test_flow_key(void)
{
	struct dpi_flow_key k1, k2;
	struct vq_endpoint a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	CHECK(addr_parse("192.0.2.1", 9, &a.addr) == 0);
	CHECK(addr_parse("2001:db8::1", 11, &b.addr) == 0);
	a.port = 5060;
	b.port = 5060;
	dpi_flow_key_set(&k1, 17, &a, &b);
	dpi_flow_key_set(&k2, 17, &b, &a);
	CHECK(memcmp(&k1, &k2, sizeof(k1)) == 0);
	dpi_flow_key_set(&k2, 6, &b, &a);
	CHECK(memcmp(&k1, &k2, sizeof(k1)) != 0);
	b.port = 5061;
	dpi_flow_key_set(&k2, 17, &a, &b);
	CHECK(memcmp(&k1, &k2, sizeof(k1)) != 0);
}

/* Impossible configurations are refused with a cause. */
static void
test_bad_config(void)
{
	struct dpi_config cfg;
	char *cause = NULL;

	dpi_config_default(&cfg);
	cfg.max_packets = 0;
	CHECK(dpi_new(&cfg, &cause) == NULL);
	CHECK(cause != NULL);
	free(cause);
	cause = NULL;
	dpi_config_default(&cfg);
	cfg.max_flows = 0;
	CHECK(dpi_new(&cfg, &cause) == NULL);
	CHECK(cause != NULL);
	free(cause);
}

int
main(void)
{
	static char dir[PATH_MAX];
	const char *top = getenv("TOP_SRCDIR");

	if (top != NULL && *top != '\0') {
		snprintf(dir, sizeof(dir), "%s/../shared/pcaps", top);
		pcap_dir = dir;
	} else
		pcap_dir = "../shared/pcaps";

	RUN(test_flow_key);
	RUN(test_bad_config);
	RUN(test_sip_odd_port);
	RUN(test_packet_bound);
	RUN(test_flow_bound);
	RUN(test_expiry);
	RUN(test_public_captures);
	if (captures_found == 0 && unit_failures == 0) {
		printf("dpi: no public capture in %s: SKIP\n", pcap_dir);
		return 77;
	}
	return unit_done("dpi");
}
