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
	struct sip_str	 body;		/* clipped to Content-Length and capture */
};

/* Quick test: does this UDP payload start like a SIP request or response? */
int	sip_looks_like(const uint8_t *p, size_t len);

/*
 * Parse a SIP message (compact header forms included).  Call-ID, CSeq, From
 * and To are required: without them the message is MALFORMED.  A message cut
 * short by the capture before its headers end is TRUNCATED.
 */
enum dissect_result sip_parse(const uint8_t *p, size_t len,
	    struct sip_msg *out);

/* "INVITE", ...; "UNKNOWN" for SIP_METHOD_UNKNOWN. */
const char *sip_method_name(enum sip_method);
/* Method from its text (case-sensitive, as RFC 3261 says). */
enum sip_method sip_method_from(const char *p, size_t len);
/* Standard reason phrase of a status code, NULL if none is known. */
const char *sip_status_phrase(int code);

#endif /* VQ_SIP_H */
