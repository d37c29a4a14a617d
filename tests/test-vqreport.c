/*
 * Unit tests for dissectors/vqreport.c.
 */

#include <stdlib.h>

#include "dissectors/vqreport.h"
#include "tests/unit.h"

#define ALL_METRICS	((1u << VQR_METRICS) - 1)

/* The body last parsed, which its report's call_id points into. */
static char	*held;

/*
 * Parse a copy of exactly the text on the heap: no NUL, ASan watching.  The
 * copy lives until the next parse.
 */
static enum dissect_result
parse_exact(const char *text, size_t len, struct vqr_report *r)
{
	free(held);
	held = malloc(len != 0 ? len : 1);
	memcpy(held, text, len);
	return vqr_parse(held, len, r);
}

static enum dissect_result
parse(const char *text, struct vqr_report *r)
{
	return parse_exact(text, strlen(text), r);
}

/* vqr_content_type_is on exactly the text. */
static int
content_type(const char *text)
{
	size_t	 len = strlen(text);
	char	*copy;
	int	 is;

	copy = malloc(len != 0 ? len : 1);
	memcpy(copy, text, len);
	is = vqr_content_type_is(copy, len);
	free(copy);
	return is;
}

/* The local block of a report made of a header, a CallID and lines. */
static enum dissect_result
parse_local(const char *lines, struct vqr_report *r)
{
	char	buf[1024];

	snprintf(buf, sizeof buf, "VQSessionReport\r\nCallID: c1\r\n"
	    "LocalMetrics:\r\n%s", lines);
	return parse(buf, r);
}

static void
endpoint_text(const struct vqr_addr *a, char *buf, size_t size)
{
	addr_format_endpoint(&a->endpoint, buf, size);
}

/* After RFC 6035 §4.7's example, with every metric this parser takes. */
static const char session[] =
	"VQSessionReport: CallTerm\r\n"
	"CallID: 6dg37f1890463@atlanta.example.org\r\n"
	"LocalID: Alice <sip:alice@atlanta.example.org>\r\n"
	"RemoteID: Bob <sip:bob@biloxi.example.org>\r\n"
	"OrigID: Alice <sip:alice@atlanta.example.org>\r\n"
	"LocalGroup: example-phone-55671\r\n"
	"RemoteGroup: example-gateway-09871\r\n"
	"LocalAddr: IP=192.0.2.10 PORT=5000 SSRC=0x1a3b5c7d\r\n"
	"LocalMAC: 00:1f:5b:cc:21:0f\r\n"
	"RemoteAddr:IP=[2001:db8::20] PORT=5002 SSRC=2468\r\n"
	"RemoteMAC: 00:26:08:8e:95:02\r\n"
	"LocalMetrics:\r\n"
	"Timestamps: START=2004-10-10T18:23:43Z STOP=2004-10-10T18:26:02Z\r\n"
	"SessionDesc: PT=18 PD=G729 SR=8000 FD=20 FO=20 FPP=2 PPS=50 "
	"FMTP=\"annexb=no\" PLC=3 SSUP=on\r\n"
	"JitterBuffer: JBA=3 JBR=2 JBN=40 JBM=80 JBX=120\r\n"
	"PacketLoss: NLR=5.0 JDR=2.0\r\n"
	"BurstGapLoss: BLD=0 BD=0 GLD=2.0 GD=500 GMIN=16\r\n"
	"Delay: RTD=200 ESD=140 OWD=100 SOWD=200 IAJ=2 MAJ=1\r\n"
	"Signal: SL=-21 NL=-50 RERL=55\r\n"
	"QualityEst: RLQ=88 RCQ=85 EXTRI=90 MOSLQ=4.2 MOSCQ=4.3 "
	"QoEEstAlg=P.564\r\n"
	"RemoteMetrics:\r\n"
	"Timestamps: START=2004-10-10T18:23:43Z STOP=2004-10-10T18:26:02Z\r\n"
	"SessionDesc: PT=18 PD=G729 SR=8000 FD=20 FO=20 FPP=2 PPS=50 "
	"FMTP=\"annexb=no; NLR=99\" PLC=3 SSUP=on\r\n"
	"JitterBuffer:JBA=2 JBR=1 JBN=20 JBM=60 JBX=200\r\n"
	"PacketLoss:NLR=0.5 JDR=1.25\r\n"
	"BurstGapLoss:BLD=33.3 BD=120 GLD=0.4 GD=9000 GMIN=255\r\n"
	"Delay:RTD=210 ESD=60 OWD=105 SOWD=105 IAJ=7 MAJ=65535\r\n"
	"Signal:SL=-23 NL=-48 RERL=52\r\n"
	"QualityEst:RLQ=120 RCQ=0 MOSLQ=1 MOSCQ=5.0\r\n"
	"DialogID: 38419823470834;to-tag=8472761;from-tag=9123dh311\r\n";

static const double local_want[VQR_METRICS] = {
	[VQR_NLR] = 5.0, [VQR_JDR] = 2.0, [VQR_BLD] = 0, [VQR_BD] = 0,
	[VQR_GLD] = 2.0, [VQR_GD] = 500, [VQR_GMIN] = 16, [VQR_JBN] = 40,
	[VQR_JBM] = 80, [VQR_JBX] = 120, [VQR_RTD] = 200, [VQR_ESD] = 140,
	[VQR_OWD] = 100, [VQR_SOWD] = 200, [VQR_IAJ] = 2, [VQR_MAJ] = 1,
	[VQR_RLQ] = 88, [VQR_RCQ] = 85, [VQR_MOSLQ] = 4.2, [VQR_MOSCQ] = 4.3
};

static const double remote_want[VQR_METRICS] = {
	[VQR_NLR] = 0.5, [VQR_JDR] = 1.25, [VQR_BLD] = 33.3, [VQR_BD] = 120,
	[VQR_GLD] = 0.4, [VQR_GD] = 9000, [VQR_GMIN] = 255, [VQR_JBN] = 20,
	[VQR_JBM] = 60, [VQR_JBX] = 200, [VQR_RTD] = 210, [VQR_ESD] = 60,
	[VQR_OWD] = 105, [VQR_SOWD] = 105, [VQR_IAJ] = 7, [VQR_MAJ] = 65535,
	[VQR_RLQ] = 120, [VQR_RCQ] = 0, [VQR_MOSLQ] = 1, [VQR_MOSCQ] = 5.0
};

/* Every figure and address of the session report above. */
static void
check_session(const struct vqr_report *r)
{
	char	buf[ADDR_ENDPOINT_STRLEN];
	int	m;

	CHECK_INT(r->kind, VQR_SESSION);
	CHECK_MEM(r->call_id, r->call_id_len,
	    "6dg37f1890463@atlanta.example.org");
	CHECK_INT(r->local.has_endpoint, 1);
	endpoint_text(&r->local, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.10:5000");
	CHECK_INT(r->local.has_ssrc, 1);
	CHECK_INT(r->local.ssrc, 0x1a3b5c7d);
	CHECK_INT(r->remote.has_endpoint, 1);
	CHECK_INT(r->remote.endpoint.addr.family, 6);
	endpoint_text(&r->remote, buf, sizeof buf);
	CHECK_STR(buf, "[2001:db8::20]:5002");
	CHECK_INT(r->remote.has_ssrc, 1);
	CHECK_INT(r->remote.ssrc, 2468);
	CHECK_INT(r->has_local_metrics, 1);
	CHECK_INT(r->has_remote_metrics, 1);
	CHECK_INT(r->local_metrics.present, ALL_METRICS);
	CHECK_INT(r->remote_metrics.present, ALL_METRICS);
	for (m = 0; m < VQR_METRICS; m++) {
		/* The same double a C literal makes: exactly. */
		CHECK(r->local_metrics.value[m] == local_want[m]);
		CHECK(r->remote_metrics.value[m] == remote_want[m]);
	}
}

static void
test_session(void)
{
	struct vqr_report	r;

	CHECK_INT(parse(session, &r), DISSECT_OK);
	check_session(&r);
	CHECK_STR(vqr_kind_name(r.kind), "VQSessionReport");
}

/* The same report with LF alone, and with the two mixed. */
static void
test_lf(void)
{
	struct vqr_report	 r;
	char			 buf[sizeof session];
	const char		*p;
	size_t			 n = 0, lines = 0;

	for (p = session; *p != '\0'; p++) {
		if (*p == '\r' && lines++ % 2 == 0)
			continue;
		buf[n++] = *p;
	}
	CHECK(memchr(buf, '\r', n) != NULL);
	CHECK_INT(parse_exact(buf, n, &r), DISSECT_OK);
	check_session(&r);

	for (n = 0, p = session; *p != '\0'; p++) {
		if (*p != '\r')
			buf[n++] = *p;
	}
	CHECK(memchr(buf, '\r', n) == NULL);
	CHECK_INT(parse_exact(buf, n, &r), DISSECT_OK);
	check_session(&r);

	/* No end on the last line. */
	CHECK_INT(parse("VQIntervalReport\nCallID: x\nLocalMetrics:\n"
	    "Delay: RTD=12", &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 1u << VQR_RTD);
	CHECK(r.local_metrics.value[VQR_RTD] == 12);
}

/* The three report types, and first lines that are none of them. */
static void
test_kinds(void)
{
	struct vqr_report	r;

	CHECK_INT(parse("VQIntervalReport\r\nCallID: a@b\r\n", &r),
	    DISSECT_OK);
	CHECK_INT(r.kind, VQR_INTERVAL);
	CHECK_MEM(r.call_id, r.call_id_len, "a@b");
	CHECK_INT(parse("VQAlertReport: Type=MOSQ Severity=Critical Dir=local\r\n"
	    "CallID: a@b\r\nLocalMetrics:\r\nQualityEst: MOSLQ=2.1\r\n", &r),
	    DISSECT_OK);
	CHECK_INT(r.kind, VQR_ALERT);
	CHECK(r.local_metrics.value[VQR_MOSLQ] == 2.1);
	CHECK_INT(parse("VQSessionReport : CallTerm\nCallID: a\n", &r),
	    DISSECT_OK);
	CHECK_INT(r.kind, VQR_SESSION);
	CHECK_INT(parse("VQSessionReport\nCallID: a\n", &r), DISSECT_OK);
	CHECK_INT(r.kind, VQR_SESSION);

	CHECK_STR(vqr_kind_name(VQR_SESSION), "VQSessionReport");
	CHECK_STR(vqr_kind_name(VQR_INTERVAL), "VQIntervalReport");
	CHECK_STR(vqr_kind_name(VQR_ALERT), "VQAlertReport");
	CHECK_STR(vqr_kind_name((enum vqr_kind)0), "unknown");
	CHECK_STR(vqr_kind_name((enum vqr_kind)9), "unknown");

	CHECK_INT(parse_exact("", 0, &r), DISSECT_MALFORMED);
	CHECK_INT(parse("\r\nVQSessionReport\r\nCallID: a\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("CallID: a\r\nVQSessionReport\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("VQSessionReports\r\nCallID: a\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("vqsessionreport\r\nCallID: a\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse(" VQSessionReport\r\nCallID: a\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("VQSessionReport CallTerm\r\nCallID: a\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("VQReport\r\nCallID: a\r\n", &r), DISSECT_MALFORMED);
	CHECK_INT(parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n", &r),
	    DISSECT_MALFORMED);
}

/* The CallID: required, non-empty, the first one, trimmed. */
static void
test_call_id(void)
{
	struct vqr_report	r;

	CHECK_INT(parse("VQSessionReport\r\nLocalMetrics:\r\n"
	    "PacketLoss: NLR=1\r\n", &r), DISSECT_MALFORMED);
	CHECK_INT(parse("VQSessionReport\r\nCallID:\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("VQSessionReport\r\nCallID: \t \r\nCallID: b\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("VQSessionReport\r\nCallId: a\r\n", &r),
	    DISSECT_MALFORMED);
	CHECK_INT(parse("VQSessionReport\r\nCallID: \t a b \t\r\n"
	    "CallID: c\r\n", &r), DISSECT_OK);
	CHECK_MEM(r.call_id, r.call_id_len, "a b");
	CHECK_INT(parse("VQSessionReport\r\nCallID :x:y\r\n", &r), DISSECT_OK);
	CHECK_MEM(r.call_id, r.call_id_len, "x:y");
	CHECK_INT(r.has_local_metrics, 0);
	CHECK_INT(r.local.has_endpoint, 0);
	CHECK_INT(r.local.has_ssrc, 0);
}

/* Each metric taken from its own line only, at both ends of its range. */
static void
test_metric_lines(void)
{
	struct vqr_report		 r;
	const struct vqr_metric_info	*info, *other;
	char				 line[128];
	int				 m;

	for (m = 0; m < VQR_METRICS; m++) {
		info = vqr_metric_info((enum vqr_metric)m);
		snprintf(line, sizeof line, "%s: %s=%.*f\r\n", info->line,
		    info->param, info->decimals, info->min);
		CHECK_INT(parse_local(line, &r), DISSECT_OK);
		CHECK_INT(r.local_metrics.present, 1u << m);
		CHECK(r.local_metrics.value[m] == info->min);

		snprintf(line, sizeof line, "%s: %s=%.*f\r\n", info->line,
		    info->param, info->decimals, info->max);
		CHECK_INT(parse_local(line, &r), DISSECT_OK);
		CHECK_INT(r.local_metrics.present, 1u << m);
		CHECK(r.local_metrics.value[m] == info->max);

		/* Just outside, either way. */
		snprintf(line, sizeof line, "%s: %s=%.1f\r\n", info->line,
		    info->param, info->max + 0.1);
		CHECK_INT(parse_local(line, &r), DISSECT_OK);
		CHECK_INT(r.local_metrics.present, 0);
		snprintf(line, sizeof line, "%s: %s=%.1f\r\n", info->line,
		    info->param, info->min - 0.1);
		CHECK_INT(parse_local(line, &r), DISSECT_OK);
		CHECK_INT(r.local_metrics.present, 0);

		/* Under another metric line: ignored. */
		other = vqr_metric_info((enum vqr_metric)((m + 10) %
		    VQR_METRICS));
		CHECK(strcmp(other->line, info->line) != 0);
		snprintf(line, sizeof line, "%s: %s=%.*f\r\n", other->line,
		    info->param, info->decimals, info->min);
		CHECK_INT(parse_local(line, &r), DISSECT_OK);
		CHECK_INT(r.local_metrics.present, 0);
	}

	/* Names are case-sensitive, line and parameter alike. */
	CHECK_INT(parse_local("packetloss: NLR=1\r\nPacketLoss: nlr=1\r\n", &r),
	    DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 0);
	CHECK_INT(parse_local("Delay: NLR=5 RTD=9\r\n", &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 1u << VQR_RTD);
	/* Parameters left out on purpose. */
	CHECK_INT(parse_local("JitterBuffer: JBA=3 JBR=2\r\n"
	    "Signal: SL=-21 NL=-50 RERL=55\r\n", &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 0);
}

/* Values that are not plain decimal numbers, or out of range. */
static void
test_values(void)
{
	static const char *const bad[] = {
		"101", "100.01", "-1", "-0.1", "abc", "1e3", "1E3", "", "nan",
		"NaN", "inf", "-inf", "0x10", "+5", "5.", ".5", "-", "-.5",
		"1.2.3", "5,0", "5a", "1234567890123456",
		"0000000000000005", "5\"", "'5'"
	};
	struct vqr_report	r;
	char			line[128];
	size_t			i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(line, sizeof line, "PacketLoss: NLR=%s JDR=7\r\n",
		    bad[i]);
		CHECK_INT(parse_local(line, &r), DISSECT_OK);
		if (r.local_metrics.present != 1u << VQR_JDR)
			UNIT_FAIL("NLR=%s taken", bad[i]);
		CHECK(r.local_metrics.value[VQR_JDR] == 7);
	}
	CHECK_INT(parse_local("QualityEst: MOSLQ=0.5 RLQ=121 MOSCQ=nan "
	    "RCQ=-0\r\n", &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 1u << VQR_RCQ);
	CHECK(r.local_metrics.value[VQR_RCQ] == 0);
	CHECK(!signbit(r.local_metrics.value[VQR_RCQ]));

	/* 15 digits in all, a quoted number, a number rounded as C does. */
	CHECK_INT(parse_local("PacketLoss: NLR=000000000000005 JDR=\"2.5\"\r\n"
	    "Delay: RTD=12345.6789012345 IAJ=0.1 OWD=65534.99999999\r\n",
	    &r), DISSECT_OK);
	CHECK(r.local_metrics.value[VQR_NLR] == 5);
	CHECK(r.local_metrics.value[VQR_JDR] == 2.5);
	CHECK(r.local_metrics.value[VQR_RTD] == 12345.6789012345);
	CHECK(r.local_metrics.value[VQR_IAJ] == 0.1);
	CHECK(r.local_metrics.value[VQR_OWD] == 65534.99999999);
	CHECK_INT(r.local_metrics.present, 1u << VQR_NLR | 1u << VQR_JDR |
	    1u << VQR_RTD | 1u << VQR_IAJ | 1u << VQR_OWD);
}

/* The first of a key counts, in each block; blocks switch back and forth. */
static void
test_repeats(void)
{
	struct vqr_report	r;

	CHECK_INT(parse_local("PacketLoss: NLR=5.0 NLR=7.0\r\n"
	    "PacketLoss: NLR=9 JDR=abc\r\nPacketLoss: JDR=3\r\n", &r),
	    DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 1u << VQR_NLR);
	CHECK(r.local_metrics.value[VQR_NLR] == 5.0);

	CHECK_INT(parse("VQSessionReport\r\nCallID: a\r\n"
	    "LocalMetrics:\r\nPacketLoss: NLR=1\r\n"
	    "RemoteMetrics:\r\nPacketLoss: NLR=2\r\n"
	    "LocalMetrics:\r\nPacketLoss: NLR=3 JDR=4\r\n"
	    "DialogID: x\r\nDelay: RTD=5\r\n", &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 1u << VQR_NLR | 1u << VQR_JDR |
	    1u << VQR_RTD);
	CHECK(r.local_metrics.value[VQR_NLR] == 1);
	CHECK(r.local_metrics.value[VQR_JDR] == 4);
	CHECK(r.local_metrics.value[VQR_RTD] == 5);
	CHECK_INT(r.remote_metrics.present, 1u << VQR_NLR);
	CHECK(r.remote_metrics.value[VQR_NLR] == 2);

	/* Metric lines before any block belong to none. */
	CHECK_INT(parse("VQSessionReport\r\nCallID: a\r\n"
	    "PacketLoss: NLR=1\r\nQualityEst: MOSLQ=4\r\n"
	    "RemoteMetrics:\r\nDelay: RTD=5\r\n", &r), DISSECT_OK);
	CHECK_INT(r.has_local_metrics, 0);
	CHECK_INT(r.local_metrics.present, 0);
	CHECK_INT(r.has_remote_metrics, 1);
	CHECK_INT(r.remote_metrics.present, 1u << VQR_RTD);

	/* A block header with nothing after it. */
	CHECK_INT(parse("VQSessionReport\r\nCallID: a\r\nLocalMetrics:", &r),
	    DISSECT_OK);
	CHECK_INT(r.has_local_metrics, 1);
	CHECK_INT(r.local_metrics.present, 0);
}

/* Quoted values hide what is in them; an open quote ends the line. */
static void
test_quotes(void)
{
	struct vqr_report	r;

	CHECK_INT(parse_local("PacketLoss: X=\"a NLR=99 b\" NLR=5\r\n", &r),
	    DISSECT_OK);
	CHECK(r.local_metrics.value[VQR_NLR] == 5);
	CHECK_INT(parse_local("QualityEst: MOSLQ=4.1 X=\"abc MOSCQ=4.0\r\n"
	    "PacketLoss: NLR=1\r\n", &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 1u << VQR_MOSLQ | 1u << VQR_NLR);
	CHECK_INT(parse_local("QualityEst: MOSLQ=\"4.1\r\n", &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 0);
	/* Words without '=', and no space after a closing quote. */
	CHECK_INT(parse_local("Delay: lone = RTD =1 X=\"y\"IAJ=3 ESD=4\r\n",
	    &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 1u << VQR_IAJ | 1u << VQR_ESD);
}

/* LocalAddr and RemoteAddr: what parses is kept, the first line counts. */
static void
test_addresses(void)
{
	struct vqr_report	r;
	char			buf[ADDR_ENDPOINT_STRLEN];

	CHECK_INT(parse("VQSessionReport\r\nCallID: a\r\n"
	    "LocalAddr: SSRC=4294967295 PORT=65535 IP=2001:db8::1\r\n"
	    "RemoteAddr: IP=[192.0.2.1] PORT=1 SSRC=0XABCDEF01\r\n"
	    "LocalAddr: IP=192.0.2.9 PORT=9 SSRC=9\r\n", &r), DISSECT_OK);
	endpoint_text(&r.local, buf, sizeof buf);
	CHECK_STR(buf, "[2001:db8::1]:65535");
	CHECK(r.local.ssrc == 4294967295u);
	endpoint_text(&r.remote, buf, sizeof buf);
	CHECK_STR(buf, "192.0.2.1:1");
	CHECK_INT(r.remote.endpoint.addr.family, 4);
	CHECK(r.remote.ssrc == 0xabcdef01u);
	CHECK_INT(r.remote.has_ssrc, 1);

	/* Half an endpoint is none; a bad SSRC is none. */
	CHECK_INT(parse("VQSessionReport\r\nCallID: a\r\n"
	    "LocalAddr: IP=192.0.2.1 PORT=0 SSRC=4294967296\r\n"
	    "RemoteAddr: IP=host.example PORT=5000 SSRC=1a3b5c7d\r\n", &r),
	    DISSECT_OK);
	CHECK_INT(r.local.has_endpoint, 0);
	CHECK_INT(r.local.endpoint.port, 0);
	CHECK_INT(r.local.endpoint.addr.family, 0);
	CHECK_INT(r.local.has_ssrc, 0);
	CHECK_INT(r.remote.has_endpoint, 0);
	CHECK_INT(r.remote.has_ssrc, 0);

	CHECK_INT(parse("VQSessionReport\r\nCallID: a\r\n"
	    "LocalAddr: IP=192.0.2.1 PORT=65536 SSRC=0x\r\n"
	    "RemoteAddr: IP=[2001:db8::1 PORT=5000 SSRC=0x100000000\r\n",
	    &r), DISSECT_OK);
	CHECK_INT(r.local.has_endpoint, 0);
	CHECK_INT(r.local.has_ssrc, 0);
	CHECK_INT(r.remote.has_endpoint, 0);
	CHECK_INT(r.remote.has_ssrc, 0);

	/* The first of a key counts; empty values give nothing. */
	CHECK_INT(parse("VQSessionReport\r\nCallID: a\r\n"
	    "LocalAddr: IP=x IP=192.0.2.1 PORT=5 SSRC=0x7 SSRC=8\r\n"
	    "RemoteAddr: IP= PORT= SSRC=\r\n", &r), DISSECT_OK);
	CHECK_INT(r.local.has_endpoint, 0);
	CHECK_INT(r.local.ssrc, 7);
	CHECK_INT(r.remote.has_endpoint, 0);
	CHECK_INT(r.remote.has_ssrc, 0);
	CHECK_INT(parse("VQSessionReport\r\nCallID: a\r\nLocalAddr:\r\n",
	    &r), DISSECT_OK);
	CHECK_INT(r.local.has_endpoint, 0);
	CHECK_INT(r.local.has_ssrc, 0);
}

/* NUL bytes are bytes: they match nothing and end nothing. */
static void
test_nul(void)
{
	static const char body[] =
	    "VQSessionReport\r\nCallID: a\0b\r\nLocalMetrics:\r\n"
	    "PacketLoss: NLR=5\0 JDR=2\r\nPacket\0Loss: NLR=1\r\n"
	    "Delay: RTD=3\r\nDe\0lay: IAJ=4\r\n";
	static const char kind[] = "VQSession\0Report\r\nCallID: a\r\n";
	static const char name[] = "VQSessionReport\r\nCall\0ID: a\r\n";
	struct vqr_report	r;

	CHECK_INT(parse_exact(body, sizeof body - 1, &r), DISSECT_OK);
	CHECK_INT(r.call_id_len, 3);
	CHECK(r.call_id != NULL && memcmp(r.call_id, "a\0b", 3) == 0);
	CHECK_INT(r.local_metrics.present, 1u << VQR_JDR | 1u << VQR_RTD);
	CHECK_INT(parse_exact(kind, sizeof kind - 1, &r), DISSECT_MALFORMED);
	CHECK_INT(parse_exact(name, sizeof name - 1, &r), DISSECT_MALFORMED);
}

/* Every prefix parses without reading past it; OK once a CallID begins. */
static void
test_prefixes(void)
{
	struct vqr_report	 r;
	enum dissect_result	 res;
	const char		*want, *id;
	char			*copy;
	size_t			 len, id_start, id_len;

	want = strstr(session, "6dg37f");
	id_start = (size_t)(want - session);
	for (len = 0; len <= sizeof session - 1; len++) {
		/* Exactly len bytes on the heap, for ASan to watch both. */
		copy = malloc(len != 0 ? len : 1);
		memcpy(copy, session, len);
		res = vqr_parse(copy, len, &r);
		if (len > id_start) {
			CHECK_INT(res, DISSECT_OK);
			CHECK(r.call_id_len <= strcspn(want, "\r"));
			CHECK(r.call_id != NULL && memcmp(r.call_id, want,
			    r.call_id_len) == 0);
		} else
			CHECK_INT(res, DISSECT_MALFORMED);
		CHECK_INT(vqr_call_id(copy, len, &id, &id_len),
		    res == DISSECT_OK ? 0 : -1);
		CHECK((r.local_metrics.present & ~ALL_METRICS) == 0);
		free(copy);
	}
	CHECK_INT(r.local_metrics.present, ALL_METRICS);
}

/* vqr_call_id says what vqr_parse says, for what it finds or does not. */
static void
test_call_id_agrees(void)
{
	static const char *const bodies[] = {
		session,
		"VQIntervalReport\nCallID:  x y \n",
		"VQAlertReport: Type=NLR\r\nLocalID: a\r\nCallID:z",
		"VQSessionReport\r\nCallID:\r\nCallID: late\r\n",
		"VQSessionReport\r\nLocalMetrics:\r\n",
		"CallID: a\r\n",
		"VQSessionReport\r\n callID: a\r\nCallID\t: b\r\n",
		""
	};
	struct vqr_report	 r;
	const char		*id;
	size_t			 i, id_len;
	int			 ok, found;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		ok = vqr_parse(bodies[i], strlen(bodies[i]), &r) == DISSECT_OK;
		id = NULL;
		id_len = 0;
		found = vqr_call_id(bodies[i], strlen(bodies[i]), &id,
		    &id_len) == 0;
		CHECK_INT(found, ok);
		if (ok) {
			CHECK(id == r.call_id);
			CHECK_INT(id_len, r.call_id_len);
		}
	}
	CHECK_INT(vqr_call_id(bodies[6], strlen(bodies[6]), &id, &id_len), 0);
	CHECK_MEM(id, id_len, "b");
	CHECK_INT(vqr_call_id(bodies[2], strlen(bodies[2]), &id, &id_len), 0);
	CHECK_MEM(id, id_len, "z");
}

/* Thousands of lines, a line of a megabyte, in one body. */
static void
test_large(void)
{
	static const char head[] =
	    "VQSessionReport\nCallID: big\nLocalMetrics:\n";
	static const char filler[] = "PacketLoss: X=1 Y=\"2\" NLR=\n";
	struct vqr_report	 r;
	char			*body, *p;
	size_t			 size = 4u << 20, i;

	body = malloc(size);
	p = body;
	memcpy(p, head, sizeof head - 1);
	p += sizeof head - 1;
	for (i = 0; i < 50000; i++) {
		memcpy(p, filler, sizeof filler - 1);
		p += sizeof filler - 1;
	}
	memcpy(p, "Delay: ", 7);
	p += 7;
	memset(p, ' ', 1u << 20);
	p += 1u << 20;
	memcpy(p, "RTD=7 IAJ=\"", 11);
	p += 11;
	memset(p, 'x', 1u << 20);
	p += 1u << 20;
	CHECK((size_t)(p - body) < size);
	CHECK_INT(parse_exact(body, (size_t)(p - body), &r), DISSECT_OK);
	CHECK_INT(r.local_metrics.present, 1u << VQR_RTD);
	CHECK(r.local_metrics.value[VQR_RTD] == 7);
	free(body);
}

static void
test_content_type(void)
{
	CHECK_INT(content_type("application/vq-rtcpxr"), 1);
	CHECK_INT(content_type("Application/VQ-RTCPXR ; charset=x"), 1);
	CHECK_INT(content_type("  application/vq-rtcpxr\t"), 1);
	CHECK_INT(content_type("application/vq-rtcpxr;x=1"), 1);
	CHECK_INT(content_type("application / vq-rtcpxr"), 1);
	CHECK_INT(content_type("application/vq-rtcpxrx"), 0);
	CHECK_INT(content_type("application/vq-rtcpx"), 0);
	CHECK_INT(content_type("application/sdp"), 0);
	CHECK_INT(content_type("application/"), 0);
	CHECK_INT(content_type("application"), 0);
	CHECK_INT(content_type("text/vq-rtcpxr"), 0);
	CHECK_INT(content_type("xapplication/vq-rtcpxr"), 0);
	CHECK_INT(content_type("application/vq-rtcpxr x"), 0);
	CHECK_INT(content_type("application/vq-rtcpxr,application/sdp"), 0);
	CHECK_INT(content_type(""), 0);
	CHECK_INT(content_type(" "), 0);
}

/* The table as reports and people see it. */
static void
test_info(void)
{
	static const struct {
		enum vqr_metric	 metric;
		const char	*line, *param, *key, *label;
		double		 min, max;
		int		 decimals;
	} want[] = {
		{ VQR_NLR, "PacketLoss", "NLR", "loss_pct",
		    "network loss", 0, 100, 1 },
		{ VQR_JDR, "PacketLoss", "JDR", "discard_pct",
		    "jitter-buffer discards", 0, 100, 1 },
		{ VQR_BLD, "BurstGapLoss", "BLD", "burst_density_pct",
		    "burst loss density", 0, 100, 1 },
		{ VQR_BD, "BurstGapLoss", "BD", "burst_ms",
		    "burst duration", 0, 65535, 0 },
		{ VQR_GLD, "BurstGapLoss", "GLD", "gap_density_pct",
		    "gap loss density", 0, 100, 1 },
		{ VQR_GD, "BurstGapLoss", "GD", "gap_ms",
		    "gap duration", 0, 65535, 0 },
		{ VQR_GMIN, "BurstGapLoss", "GMIN", "gmin",
		    "Gmin", 0, 255, 0 },
		{ VQR_JBN, "JitterBuffer", "JBN", "jb_nominal_ms",
		    "jitter buffer, nominal", 0, 65535, 0 },
		{ VQR_JBM, "JitterBuffer", "JBM", "jb_max_ms",
		    "jitter buffer, maximum", 0, 65535, 0 },
		{ VQR_JBX, "JitterBuffer", "JBX", "jb_abs_max_ms",
		    "jitter buffer, absolute maximum", 0, 65535, 0 },
		{ VQR_RTD, "Delay", "RTD", "rtt_ms",
		    "round trip", 0, 65535, 0 },
		{ VQR_ESD, "Delay", "ESD", "end_system_delay_ms",
		    "end system delay", 0, 65535, 0 },
		{ VQR_OWD, "Delay", "OWD", "one_way_delay_ms",
		    "one-way delay", 0, 65535, 0 },
		{ VQR_SOWD, "Delay", "SOWD", "symm_one_way_delay_ms",
		    "symmetric one-way delay", 0, 65535, 0 },
		{ VQR_IAJ, "Delay", "IAJ", "jitter_ms",
		    "inter-arrival jitter", 0, 65535, 0 },
		{ VQR_MAJ, "Delay", "MAJ", "mean_abs_jitter_ms",
		    "mean absolute jitter", 0, 65535, 0 },
		{ VQR_RLQ, "QualityEst", "RLQ", "r_lq",
		    "listening R", 0, 120, 0 },
		{ VQR_RCQ, "QualityEst", "RCQ", "r_cq",
		    "conversational R", 0, 120, 0 },
		{ VQR_MOSLQ, "QualityEst", "MOSLQ", "mos_lq",
		    "listening MOS", 1, 5, 1 },
		{ VQR_MOSCQ, "QualityEst", "MOSCQ", "mos_cq",
		    "conversational MOS", 1, 5, 1 }
	};
	const struct vqr_metric_info	*info;
	size_t				 i;

	CHECK_INT(sizeof want / sizeof want[0], VQR_METRICS);
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		info = vqr_metric_info(want[i].metric);
		CHECK(info != NULL);
		if (info == NULL)
			continue;
		CHECK_STR(info->line, want[i].line);
		CHECK_STR(info->param, want[i].param);
		CHECK_STR(info->key, want[i].key);
		CHECK_STR(info->label, want[i].label);
		CHECK(info->min == want[i].min);
		CHECK(info->max == want[i].max);
		CHECK_INT(info->decimals, want[i].decimals);
	}
	CHECK(vqr_metric_info(VQR_METRICS) == NULL);
	CHECK(vqr_metric_info((enum vqr_metric)-1) == NULL);
}

int
main(void)
{
	RUN(test_info);
	RUN(test_session);
	RUN(test_lf);
	RUN(test_kinds);
	RUN(test_call_id);
	RUN(test_metric_lines);
	RUN(test_values);
	RUN(test_repeats);
	RUN(test_quotes);
	RUN(test_addresses);
	RUN(test_nul);
	RUN(test_prefixes);
	RUN(test_call_id_agrees);
	RUN(test_large);
	RUN(test_content_type);
	free(held);
	return unit_done("vqreport");
}
