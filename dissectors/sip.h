/*
 * SIP (RFC 3261) messages: start line, the headers a call needs, the body.
 */
#ifndef VQ_SIP_H
#define VQ_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "dissectors/dissect.h"

/* A piece of the packet: not NUL-terminated, valid while the packet is. */
struct sip_str {
	const char	*p;
	size_t		 len;
};

enum sip_method {
	SIP_METHOD_UNKNOWN = 0,
	SIP_INVITE,
	SIP_ACK,
	SIP_BYE,
	SIP_CANCEL,
	SIP_REGISTER,
	SIP_OPTIONS,
	SIP_PRACK,
	SIP_UPDATE,
	SIP_INFO,
	SIP_REFER,
	SIP_NOTIFY,
	SIP_SUBSCRIBE,
	SIP_MESSAGE,
	SIP_PUBLISH
};

struct sip_msg {
	int		 is_request;
	enum sip_method	 method;	/* requests */
	struct sip_str	 method_text;
	struct sip_str	 request_uri;
	int		 status_code;	/* responses: 100..699 */
	struct sip_str	 reason_phrase;

	struct sip_str	 call_id;
	struct sip_str	 from;		/* whole header value */
	struct sip_str	 to;
	struct sip_str	 from_uri;	/* "sip:alice@example.com" */
	struct sip_str	 to_uri;
	struct sip_str	 from_tag;
	struct sip_str	 to_tag;
	uint32_t	 cseq;
	enum sip_method	 cseq_method;
	struct sip_str	 reason;	/* Reason header (RFC 3326), if any */
	struct sip_str	 content_type;
	long		 content_length; /* -1 when absent */
	struct sip_str	 body;		/* clipped to Content-Length and
					   capture */

	/* Start line, headers and the empty line: where the body begins. */
	size_t		 header_len;

	/*
	 * The top Via (RFC 3261 §20.42): the first value of the first Via
	 * header, its transport ("UDP"), sent-by ("192.0.2.1:5060") and
	 * branch.  via_count counts every Via value, comma-separated ones
	 * included: how many hops the request has been through.
	 */
	struct sip_str	 via;
	struct sip_str	 via_transport;
	struct sip_str	 via_sent_by;
	struct sip_str	 via_branch;
	unsigned	 via_count;

	struct sip_str	 contact;	/* the first Contact value, whole */
	struct sip_str	 contact_uri;	/* its URI; empty for "*" */
	struct sip_str	 user_agent;	/* User-Agent (requests, mostly) */
	struct sip_str	 server;	/* Server (responses) */
	struct sip_str	 supported;	/* k: option tags, as written */
	struct sip_str	 subject;	/* s: */
	struct sip_str	 content_encoding; /* e: */
	struct sip_str	 event;		/* o: RFC 6665 */
	struct sip_str	 allow_events;	/* u: RFC 6665 */
	struct sip_str	 refer_to;	/* r: RFC 3515, whole value */

	/*
	 * Reason (RFC 3326), over every Reason header and value:
	 * "Reason: SIP;cause=200;text="Call completed elsewhere",
	 *  Q.850;cause=16;text="Normal call clearing"".
	 */
	int		 reason_cause;	  /* the Q.850 cause, -1 if none */
	int		 reason_sip_cause; /* the SIP one (a status code), -1 */
	struct sip_str	 reason_protocol; /* of the first value: "Q.850" */
	struct sip_str	 reason_text;	  /* text= of the Q.850 value, else of
					     the first value; quotes removed */

	/*
	 * The session description: the whole body when Content-Type is
	 * application/sdp (or absent), or the application/sdp part of a
	 * multipart body (RFC 2046, e.g. SIP-I's multipart/mixed with ISUP);
	 * none when a Content-Encoding other than identity compressed it.
	 * p is NULL when there is none.  When the capture cut the body
	 * before the description ended, sdp holds what was captured and
	 * sdp_truncated is set: it must not be taken for the whole.
	 */
	struct sip_str	 sdp;
	int		 sdp_truncated;
};

/*
 * Quick test: does this payload start like a SIP request or response?  A
 * request line must name a sip:, sips: or tel: URI and end in SIP/2.0, so
 * HTTP ("GET / HTTP/1.1", "HTTP/1.1 200 OK") on port 5060 is not SIP.
 */
int	sip_looks_like(const uint8_t *p, size_t len);

/*
 * Parse a SIP message (compact header forms included).  Call-ID, CSeq, From
 * and To are required: without them the message is MALFORMED.  A message cut
 * short by the capture before its headers end is TRUNCATED.  The pieces
 * point into p; a header that is absent has p NULL and len 0.  Of a
 * repeated header the first counts (Via and Reason are read in full).
 */
enum dissect_result sip_parse(const uint8_t *p, size_t len,
	    struct sip_msg *out);

/*
 * The message's bytes were copied from `from` to `to`: make its slices
 * point into the copy (a parse handed to another thread with its bytes).
 */
void		 sip_msg_rebase(struct sip_msg *, const uint8_t *from,
		    const uint8_t *to);

/* "INVITE", ...; "UNKNOWN" for SIP_METHOD_UNKNOWN. */
const char *sip_method_name(enum sip_method);
/* Method from its text (case-sensitive, as RFC 3261 says). */
enum sip_method sip_method_from(const char *p, size_t len);
/* Standard reason phrase of a status code, NULL if none is known. */
const char *sip_status_phrase(int code);

#endif /* VQ_SIP_H */
