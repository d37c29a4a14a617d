/*
 * Batches of line protocol for the InfluxDB exporter, and lists of them
 * (probe/output/influx.c): plain data, owned and locked by whoever holds
 * them, the memory queue or the exporter's thread.
 */
#ifndef VQ_INFLUX_BATCH_H
#define VQ_INFLUX_BATCH_H

#include <stddef.h>
#include <stdint.h>

/* Whole lines, each ending in LF: one request's body. */
struct influx_batch {
	struct influx_batch	*next;
	char			*data;
	size_t			 len, cap;
	size_t			 nlines;
};

/* A list of batches, oldest first. */
struct influx_batches {
	struct influx_batch	*head, *tail;
	uint64_t		 bytes;
};

/* A new empty batch with room for cap bytes (256 when 0). */
struct influx_batch *influx_batch_new(size_t cap);
/* A batch holding a copy of len bytes of nlines lines. */
struct influx_batch *influx_batch_copy(const char *data, size_t len,
		    size_t nlines);
/* A batch made of data, len bytes of nlines lines, which it now owns. */
struct influx_batch *influx_batch_adopt(char *data, size_t len,
		    size_t nlines);
/* Append bytes to a batch, growing it. */
void		 influx_batch_append(struct influx_batch *, const char *data,
		    size_t len);
/* Free a batch (NULL is fine). */
void		 influx_batch_free(struct influx_batch *);

/* Add a batch at the tail of a list. */
void		 influx_batches_push(struct influx_batches *,
		    struct influx_batch *);
/* Add a batch at the head of a list. */
void		 influx_batches_push_front(struct influx_batches *,
		    struct influx_batch *);
/* Take the head of a list, or NULL. */
struct influx_batch *influx_batches_pop(struct influx_batches *);
/* Move a whole list out (the source is left empty). */
struct influx_batches influx_batches_take(struct influx_batches *);
/* Move every batch of from to the tail of to (from is left empty). */
void		 influx_batches_concat(struct influx_batches *to,
		    struct influx_batches *from);
/* Lines in a whole list. */
uint64_t	 influx_batches_lines(const struct influx_batches *);
/* One batch holding a copy of the whole list, in order. */
struct influx_batch *influx_batches_join(const struct influx_batches *);
/*
 * Split the head of a list (of 2 lines or more) in two at the line
 * nearest its middle: the two halves take its place.
 */
void		 influx_batches_split_head(struct influx_batches *);
/* Free a whole list. */
void		 influx_batches_free(struct influx_batches *);

#endif /* VQ_INFLUX_BATCH_H */
