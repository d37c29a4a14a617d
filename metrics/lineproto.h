/*
 * InfluxDB line protocol, written into a growable buffer:
 *
 *	measurement[,tag=value...] field=value[,field=value...] timestamp\n
 *
 * A point is built with lp_begin(), any lp_tag() calls, then the lp_field_*()
 * calls, and closed with lp_end().  Whatever text it is given, the encoder
 * writes exactly one well-formed line per point, or nothing:
 *
 * - Every name and value is cleaned first.  Invalid UTF-8 becomes U+FFFD,
 *   one per maximal ill-formed subsequence (as Unicode recommends, and as
 *   Python's "replace" does): InfluxDB 1.6 stores it as it is, and answers
 *   500 when a measurement name holds it.  Control characters (C0, the NUL
 *   a length-counted value may hold included, DEL and C1) become a space,
 *   so a CR or LF can never split a line.  The clean text is then
 *   cut, at a character boundary, to LP_NAME_MAX bytes (measurement, keys,
 *   tag values) or LP_STRING_MAX bytes (string field values).
 * - Measurements escape ',' and ' '; tag keys, tag values and field keys
 *   escape ',', '=' and ' '.  A backslash there is kept as it is, except
 *   one that would come right before ',', '=', ' ' or the end of the text,
 *   which becomes '?': InfluxDB 1.x would read it as escaping the next
 *   character (a tag value ending in '\' swallows the separator after it,
 *   "\\," does not help: both are rejected or misread), so no escaping can
 *   carry it through.  A measurement starting with '#' gets '?' instead
 *   (the server takes such a line for a comment and drops it silently).
 * - String field values are double-quoted with '"' and '\' escaped; they
 *   come back exactly as the clean text.
 * - Floats are written with the fewest of 15, 16 or 17 significant digits
 *   that read back as the same double ("0.1", "1e-05", "1e+300"), always
 *   with a '.' whatever the locale.  NaN and infinities are skipped.
 *   Integers, signed or not, are written with 'i'; unsigned values above
 *   INT64_MAX are written as INT64_MAX.
 *
 * Things the server would reject are not written: a tag with a NULL or
 * empty value or key, a field with a NULL or empty key, a tag or field key
 * "time", and a second tag with the same key (the first one stays).  A
 * string field with a NULL value is not written either (an empty one is
 * written as "").  A field key given twice is written twice (InfluxDB keeps
 * the last).  Tags are kept sorted by key, in the order InfluxDB itself
 * sorts them (bytes of the escaped key), so callers may add them in any
 * order, but must add them all before the first field; a tag after a
 * field is not written.  A
 * point whose measurement is NULL or empty, or that ends without a field,
 * is dropped whole by lp_end().
 *
 * Each of lp_begin, lp_tag* and lp_field_* returns 1 if it wrote something
 * and 0 if it did not (for the reasons above).
 *
 * Allocation failure sets buf->failed and rolls the point being built
 * back; from then on nothing is written until lp_buf_reset(), so data
 * always holds whole lines.  The caller decides what a short batch means.
 */
#ifndef VQ_LINEPROTO_H
#define VQ_LINEPROTO_H

#include <stddef.h>
#include <stdint.h>

/* Longest clean text, in bytes, of a measurement, key or tag value. */
#define LP_NAME_MAX	256
/* Longest clean string field value, in bytes: InfluxDB's documented 64 KB. */
#define LP_STRING_MAX	65535

/*
 * The output.  Readers use data and len (data[len] is always a NUL once
 * data is not NULL, not part of the output) and failed; the other members
 * belong to lineproto.c.
 */
struct lp_buf {
	char		*data;
	size_t		 len;
	size_t		 cap;
	int		 failed;	/* sticky: an allocation failed */

	int		 state;		/* the point being built */
	size_t		 point_start;	/* where its line starts */
	size_t		 tags_start;	/* just after its measurement */
	unsigned	 nfields;
};

/* An empty buffer; allocates nothing until the first write. */
void	lp_buf_init(struct lp_buf *);
/* Release the memory; the buffer is empty and usable again. */
void	lp_buf_free(struct lp_buf *);
/* Forget every line and the failure, keeping the memory. */
void	lp_buf_reset(struct lp_buf *);

/* Start a point (dropping any point still open). */
int	lp_begin(struct lp_buf *, const char *measurement);
/* Add a tag; value is a C string, or value_len bytes for lp_tagn. */
int	lp_tag(struct lp_buf *, const char *key, const char *value);
int	lp_tagn(struct lp_buf *, const char *key, const char *value,
	    size_t value_len);
/* Add a string field; value is a C string, or value_len bytes. */
int	lp_field_str(struct lp_buf *, const char *key, const char *value);
int	lp_field_strn(struct lp_buf *, const char *key, const char *value,
	    size_t value_len);
/* Add a number or boolean field. */
int	lp_field_int(struct lp_buf *, const char *key, int64_t);
int	lp_field_uint(struct lp_buf *, const char *key, uint64_t);
int	lp_field_float(struct lp_buf *, const char *key, double);
int	lp_field_bool(struct lp_buf *, const char *key, int);
/*
 * Close the point with its time (milliseconds since the epoch: send with
 * precision=ms) and a line feed; returns 1.  A point with no field is
 * removed instead and 0 returned.
 */
int	lp_end(struct lp_buf *, int64_t ts_ms);

/* Lines in a body of line protocol: its line feeds, and an unfinished last. */
size_t	lp_count_lines(const char *data, size_t len);

#endif /* VQ_LINEPROTO_H */
