/*
 * Bounded text building for lib/config (see cfgbuf.h).  Each put copies
 * what fits and re-terminates, so a message cut short by a small buffer is
 * still a valid C string, and the caller can tell from len that it was cut.
 */
#include <tv/env.h>
#include "cfgbuf.h"

void cfgbuf_init(struct cfgbuf *b, char *buf, size_t size)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
	if (size)
		buf[0] = '\0';
}

void cfgbuf_putn(struct cfgbuf *b, const char *s, size_t n)
{
	size_t pos, i;

	if (b->size) {
		/* Once cut, pos stays at the terminator and nothing more fits. */
		pos = MIN(b->len, b->size - 1);
		for (i = 0; i < n && pos + i < b->size - 1; i++)
			b->buf[pos + i] = s[i];
		b->buf[pos + i] = '\0';
	}
	b->len += n;
}

void cfgbuf_puts(struct cfgbuf *b, const char *s)
{
	cfgbuf_putn(b, s, strlen(s));
}

static void put_base(struct cfgbuf *b, u64 v, unsigned int base)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[20];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - ++n] = digits[v % base];
		v /= base;
	} while (v);
	cfgbuf_putn(b, tmp + sizeof(tmp) - n, n);
}

void cfgbuf_put_dec(struct cfgbuf *b, u64 v)
{
	put_base(b, v, 10);
}

void cfgbuf_put_hex(struct cfgbuf *b, u64 v)
{
	cfgbuf_puts(b, "0x");
	put_base(b, v, 16);
}

/* Always two digits, as bytes are usually shown: 0x09, not 0x9. */
void cfgbuf_put_byte(struct cfgbuf *b, u8 v)
{
	cfgbuf_puts(b, v < 0x10 ? "0x0" : "0x");
	put_base(b, v, 16);
}

bool cfgbuf_truncated(const struct cfgbuf *b)
{
	return b->len >= b->size;
}
