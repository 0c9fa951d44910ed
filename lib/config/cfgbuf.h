/*
 * A bounded text builder for lib/config's messages (error text, boot-log
 * summary).  Private to lib/config: freestanding code has no snprintf.
 *
 * Writes never overrun: the buffer always holds a NUL-terminated prefix of
 * the text, and len counts the whole text that was put, so a caller sees
 * truncation as len >= size (snprintf's convention).
 */
#ifndef TV_LIB_CONFIG_CFGBUF_H
#define TV_LIB_CONFIG_CFGBUF_H

#include <tv/env.h>

struct cfgbuf {
	char *buf;
	size_t size;
	size_t len;
};

void cfgbuf_init(struct cfgbuf *b, char *buf, size_t size);
void cfgbuf_putn(struct cfgbuf *b, const char *s, size_t n);
void cfgbuf_puts(struct cfgbuf *b, const char *s);
void cfgbuf_put_dec(struct cfgbuf *b, u64 v);
void cfgbuf_put_hex(struct cfgbuf *b, u64 v);
void cfgbuf_put_byte(struct cfgbuf *b, u8 v);
bool cfgbuf_truncated(const struct cfgbuf *b);

#endif
