/*
 * Overflow-checked parsing of unsigned and signed integers and of booleans
 * from length-delimited text (see include/tv/strparse.h for the grammar).
 *
 * Signed values are parsed as a sign plus an unsigned magnitude and the
 * magnitude is range-checked against the target type before it is negated.
 * Negating first and checking after is how the seed's driver-option parser
 * went wrong: with a 32-bit int, the literal 0x80000000 is unsigned, so
 * "-0x80000000 < value" compared unsigned numbers and let bad values
 * through.  Here no expression ever mixes signedness.
 */
#include <tv/env.h>
#include <tv/strparse.h>

#define S64_MAX_MAG	0x7fffffffffffffffULL
#define S32_MAX_MAG	0x7fffffffULL

static int digit_value(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned int)v < base ? v : -1;
}

int tv_parse_u64(const char *s, size_t len, u64 *out)
{
	unsigned int base = 10;
	bool range_err = false;
	u64 v = 0;
	size_t i;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int d = digit_value(s[i], base);

		if (d < 0)
			return -EINVAL;
		/* Keep scanning after an overflow: junk still means -EINVAL. */
		if (v > (~0ULL - (u64)d) / base)
			range_err = true;
		else
			v = v * base + (u64)d;
	}
	if (range_err)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Splits off an optional sign and parses the magnitude. */
static int parse_signed_mag(const char *s, size_t len, bool *neg, u64 *mag)
{
	*neg = false;
	if (len && (s[0] == '-' || s[0] == '+')) {
		*neg = s[0] == '-';
		s++;
		len--;
	}
	return tv_parse_u64(s, len, mag);
}

int tv_parse_s64(const char *s, size_t len, s64 *out)
{
	bool neg;
	u64 mag;
	int ret;

	ret = parse_signed_mag(s, len, &neg, &mag);
	if (ret)
		return ret;
	if (mag > S64_MAX_MAG + (neg ? 1 : 0))
		return -ERANGE;
	if (neg && mag == S64_MAX_MAG + 1)
		*out = -(s64)S64_MAX_MAG - 1;
	else
		*out = neg ? -(s64)mag : (s64)mag;
	return 0;
}

int tv_parse_int(const char *s, size_t len, int *out)
{
	bool neg;
	u64 mag;
	int ret;

	ret = parse_signed_mag(s, len, &neg, &mag);
	if (ret)
		return ret;
	if (mag > S32_MAX_MAG + (neg ? 1 : 0))
		return -ERANGE;
	/* mag <= 2^31 fits an s64, so the negation cannot overflow. */
	*out = (int)(neg ? -(s64)mag : (s64)mag);
	return 0;
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool tv_str_eq_nocase(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!word[i] || ascii_lower(s[i]) != ascii_lower(word[i]))
			return false;
	return word[len] == '\0';
}

int tv_parse_bool(const char *s, size_t len, bool *out)
{
	static const char *const truthy[] = { "1", "yes", "true", "on" };
	static const char *const falsy[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(truthy); i++) {
		if (tv_str_eq_nocase(s, len, truthy[i])) {
			*out = true;
			return 0;
		}
		if (tv_str_eq_nocase(s, len, falsy[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}
