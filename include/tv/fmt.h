/*
 * A small snprintf for freestanding code: %d %i %u %x %X %c %s %p %% with
 * flags '-' '0', a width, a precision for %s (also '*'), and the l, ll, z
 * length modifiers.  Enough for log lines; no floating point.
 */
#ifndef TV_FMT_H
#define TV_FMT_H

#include <stdarg.h>
#include <tv/types.h>

/* Like vsnprintf: returns the length the full output would have had. */
int tv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* "PREFIX: message", truncated to size (size > 0); a prefix that does
 * not fit leaves the message alone. */
void tv_prefixed_vsnprintf(char *buf, size_t size, const char *prefix,
			   const char *fmt, va_list ap);
int tv_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
