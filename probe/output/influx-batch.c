/*
 * Batches of line protocol and their lists (see influx-batch.h).
 */
#include <stdlib.h>
#include <string.h>

#include "probe/output/influx-batch.h"
#include "probe/vqprobe.h"

struct influx_batch *
influx_batch_new(size_t cap)
{
	struct influx_batch *b = xcalloc(1, sizeof(*b));

	b->cap = cap > 0 ? cap : 256;
	b->data = xcalloc(1, b->cap);
	return b;
}

struct influx_batch *
influx_batch_copy(const char *data, size_t len, size_t nlines)
{
	struct influx_batch *b = influx_batch_new(len);

	memcpy(b->data, data, len);
	b->len = len;
	b->nlines = nlines;
	return b;
}

struct influx_batch *
influx_batch_adopt(char *data, size_t len, size_t nlines)
{
	struct influx_batch *b = xcalloc(1, sizeof(*b));

	b->data = data;
	b->len = b->cap = len;
	b->nlines = nlines;
	return b;
}

void
influx_batch_append(struct influx_batch *b, const char *data, size_t len)
{
	size_t ncap;

	if (b->len + len > b->cap) {
		for (ncap = b->cap; ncap < b->len + len; ncap *= 2)
			;
		b->data = xreallocarray(b->data, ncap, 1);
		b->cap = ncap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void
influx_batch_free(struct influx_batch *b)
{
	if (b == NULL)
		return;
	free(b->data);
	free(b);
}

void
influx_batches_push(struct influx_batches *l, struct influx_batch *b)
{
	b->next = NULL;
	if (l->tail != NULL)
		l->tail->next = b;
	else
		l->head = b;
	l->tail = b;
	l->bytes += b->len;
}

void
influx_batches_push_front(struct influx_batches *l, struct influx_batch *b)
{
	b->next = l->head;
	l->head = b;
	if (l->tail == NULL)
		l->tail = b;
	l->bytes += b->len;
}

struct influx_batch *
influx_batches_pop(struct influx_batches *l)
{
	struct influx_batch *b = l->head;

	if (b == NULL)
		return NULL;
	l->head = b->next;
	if (l->head == NULL)
		l->tail = NULL;
	l->bytes -= b->len;
	b->next = NULL;
	return b;
}

struct influx_batches
influx_batches_take(struct influx_batches *l)
{
	struct influx_batches all = *l;

	l->head = l->tail = NULL;
	l->bytes = 0;
	return all;
}

void
influx_batches_concat(struct influx_batches *to, struct influx_batches *from)
{
	struct influx_batches more = influx_batches_take(from);

	if (more.head == NULL)
		return;
	if (to->tail != NULL)
		to->tail->next = more.head;
	else
		to->head = more.head;
	to->tail = more.tail;
	to->bytes += more.bytes;
}

uint64_t
influx_batches_lines(const struct influx_batches *l)
{
	const struct influx_batch *b;
	uint64_t n = 0;

	for (b = l->head; b != NULL; b = b->next)
		n += b->nlines;
	return n;
}

struct influx_batch *
influx_batches_join(const struct influx_batches *l)
{
	struct influx_batch *all = influx_batch_new(l->bytes + 1);
	const struct influx_batch *b;

	for (b = l->head; b != NULL; b = b->next) {
		influx_batch_append(all, b->data, b->len);
		all->nlines += b->nlines;
	}
	return all;
}

void
influx_batches_split_head(struct influx_batches *l)
{
	struct influx_batch *b = influx_batches_pop(l), *first, *second;
	size_t half = b->nlines / 2, i;
	const char *p = b->data;

	for (i = 0; i < half; i++)
		p = (const char *)memchr(p, '\n', (size_t)(b->data + b->len - p)) +
		    1;
	first = influx_batch_copy(b->data, (size_t)(p - b->data), half);
	second = influx_batch_copy(p, b->len - (size_t)(p - b->data),
	    b->nlines - half);
	influx_batches_push_front(l, second);
	influx_batches_push_front(l, first);
	influx_batch_free(b);
}

void
influx_batches_free(struct influx_batches *l)
{
	struct influx_batch *b;

	while ((b = influx_batches_pop(l)) != NULL)
		influx_batch_free(b);
}
