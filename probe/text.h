/*
 * Making attacker-controlled text safe to keep and show.
 */
#ifndef VQ_TEXT_H
#define VQ_TEXT_H

#include <stddef.h>

/*
 * Copy len bytes of packet text into out (size bytes, always NUL-terminated),
 * writing any byte outside printable ASCII (0x20 to 0x7e), and '%' itself,
 * as "%XX".  SIP text is the sender's choice: once copied this way it
 * cannot carry a terminal escape, a line break into line protocol, or
 * invalid UTF-8 into JSON, and two different inputs never become the same
 * output.  The copy
 * stops before an escape that would not fit.  Returns the length written.
 */
size_t	text_copy_safe(char *out, size_t size, const char *p, size_t len);
/*
 * Copy the string s (text already made safe) into out, cut to size - 1
 * bytes and always NUL-terminated when size is not 0: what
 * snprintf(out, size, "%s", s) writes, without printf's machinery on a
 * path taken for every call and stream.
 */
void	text_copy(char *out, size_t size, const char *s);

#endif /* VQ_TEXT_H */
