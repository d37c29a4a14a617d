/*
 * A streaming JSON writer that makes, byte for byte, the text json-c
 * prints for the same tree with JSON_C_TO_STRING_PRETTY,
 * JSON_C_TO_STRING_SPACED and JSON_C_TO_STRING_NOSLASHESCAPE: two spaces a
 * level, "key": value, a container's children one a line, an empty one
 * opened and closed on two lines.  The values go into a buffer the writer
 * keeps and reuses, with no tree and no allocation per value; the caller
 * takes the text and clears it.
 *
 * Inside an object every value has a key; inside an array, or as the top
 * value, none (NULL).
 */
#ifndef VQ_JSONW_H
#define VQ_JSONW_H

#include <stddef.h>
#include <stdint.h>

/* Levels down a top value may start (jsonw_clear), at most. */
#define JSONW_MAX_DEPTH		16
/* Containers open at once, at most. */
#define JSONW_MAX_NESTING	16
/* Decimals jsonw_fixed takes, at most. */
#define JSONW_MAX_DECIMALS	9

struct jsonw;

struct jsonw	*jsonw_new(void);
void		 jsonw_free(struct jsonw *);

/*
 * Empty the text and start a new top value, printed as json-c prints a
 * value depth levels down (its lines after the first indented that much).
 */
void		 jsonw_clear(struct jsonw *, int depth);
/* The text so far (not NUL-terminated) and its length. */
const char	*jsonw_text(const struct jsonw *, size_t *len);

void		 jsonw_object_begin(struct jsonw *, const char *key);
void		 jsonw_object_end(struct jsonw *);
void		 jsonw_array_begin(struct jsonw *, const char *key);
void		 jsonw_array_end(struct jsonw *);

void		 jsonw_null(struct jsonw *, const char *key);
void		 jsonw_bool(struct jsonw *, const char *key, int);
/* An integer as json-c prints an int64 ("%" PRId64). */
void		 jsonw_int(struct jsonw *, const char *key, int64_t);
/*
 * A double as printf's "%.*f" prints it with decimals (0 to
 * JSONW_MAX_DECIMALS) decimals, or null when it is not finite.
 */
void		 jsonw_fixed(struct jsonw *, const char *key, double,
		    int decimals);
/* A string escaped as json-c escapes it, up to its NUL; NULL: null. */
void		 jsonw_string(struct jsonw *, const char *key, const char *);
/* Text written as it is, as the value: the caller vouches for it. */
void		 jsonw_raw(struct jsonw *, const char *key, const char *text);

/*
 * Write v as printf's "%.*f" would with decimals decimals (0 to
 * JSONW_MAX_DECIMALS) into buf, which holds JSONW_FIXED_MAX bytes;
 * NUL-terminated.  Returns the length.
 */
#define JSONW_FIXED_MAX	352
size_t		 jsonw_format_fixed(char *buf, double v, int decimals);

#endif /* VQ_JSONW_H */
