/*
 * Number and boolean parsing for text that comes from outside: the config
 * file, driver options, command lines.  Every function takes an explicit
 * length (the text is usually a slice of a larger buffer, not a C string),
 * accepts exactly the whole slice (no surrounding whitespace, no trailing
 * junk), and checks for overflow instead of wrapping.
 *
 * Numbers are decimal ("4096", leading zeros allowed, never octal) or hex
 * with a 0x/0X prefix ("0x2f8").  Return 0, -EINVAL for malformed text or
 * -ERANGE for a well-formed number that does not fit; *out is written only
 * on success.
 */
#ifndef TV_STRPARSE_H
#define TV_STRPARSE_H

#include <tv/types.h>

int tv_parse_u64(const char *s, size_t len, u64 *out);
/* An optional '+' or '-' before the digits; full range incl. INT64_MIN. */
int tv_parse_s64(const char *s, size_t len, s64 *out);
/*
 * As tv_parse_s64, limited to a 32-bit int: -2147483648 and -0x80000000 are
 * accepted, 2147483648 and 0x80000000 are -ERANGE (a hex literal is a
 * magnitude here, not a bit pattern).
 */
int tv_parse_int(const char *s, size_t len, int *out);
/* 1/0, yes/no, true/false, on/off, case-insensitive. */
int tv_parse_bool(const char *s, size_t len, bool *out);
/* Case-insensitive (ASCII) comparison of s[0..len) with the C string word. */
bool tv_str_eq_nocase(const char *s, size_t len, const char *word);

#endif
