/*
 * Formatting for the hypervisor log and messages.  Output is always
 * NUL-terminated when size > 0 and never written past size; the return value
 * counts what would have been written, as C's snprintf does, so callers can
 * detect truncation.
 */
#include <tv/env.h>
#include <tv/fmt.h>

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

struct fmt_spec {
	bool left;
	bool zero;
	int width;
	int prec;
	int lmod;	/* 0 int, 1 long, 2 long long, 3 size_t */
};

static void fmt_putc(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void fmt_pad(struct fmt_out *o, int n, char c)
{
	while (n-- > 0)
		fmt_putc(o, c);
}

static void fmt_str(struct fmt_out *o, const struct fmt_spec *sp,
		    const char *s)
{
	size_t n, i;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	if (!sp->left)
		fmt_pad(o, sp->width - (int)n, ' ');
	for (i = 0; i < n; i++)
		fmt_putc(o, s[i]);
	if (sp->left)
		fmt_pad(o, sp->width - (int)n, ' ');
}

static void fmt_num(struct fmt_out *o, const struct fmt_spec *sp, u64 v,
		    bool neg, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, width = sp->width - (neg ? 1 : 0);

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->left) {
		int digits_n = n;

		if (neg)
			fmt_putc(o, '-');
		while (n)
			fmt_putc(o, tmp[--n]);
		fmt_pad(o, width - digits_n, ' ');
		return;
	}
	if (!sp->zero)
		fmt_pad(o, width - n, ' ');
	if (neg)
		fmt_putc(o, '-');
	if (sp->zero)
		fmt_pad(o, width - n, '0');
	while (n)
		fmt_putc(o, tmp[--n]);
}

static const char *fmt_parse_spec(const char *f, struct fmt_spec *sp,
				  va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	for (; *f == 'l'; f++)
		sp->lmod = sp->lmod < 2 ? sp->lmod + 1 : 2;
	if (*f == 'z') {
		sp->lmod = 3;
		f++;
	}
	return f;
}

static u64 fmt_get_unsigned(const struct fmt_spec *sp, va_list *ap)
{
	switch (sp->lmod) {
	case 1:
		return va_arg(*ap, unsigned long);
	case 2:
		return va_arg(*ap, unsigned long long);
	case 3:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static s64 fmt_get_signed(const struct fmt_spec *sp, va_list *ap)
{
	switch (sp->lmod) {
	case 1:
		return va_arg(*ap, long);
	case 2:
		return va_arg(*ap, long long);
	case 3:
		return (s64)va_arg(*ap, size_t);
	default:
		return va_arg(*ap, int);
	}
}

static void fmt_conv(struct fmt_out *o, char c, struct fmt_spec *sp,
		     va_list *ap)
{
	s64 s;

	switch (c) {
	case 'd':
	case 'i':
		s = fmt_get_signed(sp, ap);
		fmt_num(o, sp, s < 0 ? -(u64)s : (u64)s, s < 0, 10, false);
		break;
	case 'u':
		fmt_num(o, sp, fmt_get_unsigned(sp, ap), false, 10, false);
		break;
	case 'x':
	case 'X':
		fmt_num(o, sp, fmt_get_unsigned(sp, ap), false, 16, c == 'X');
		break;
	case 'p':
		fmt_putc(o, '0');
		fmt_putc(o, 'x');
		fmt_num(o, sp, (u64)(uintptr_t)va_arg(*ap, void *), false, 16,
			false);
		break;
	case 'c':
		fmt_putc(o, (char)va_arg(*ap, int));
		break;
	case 's':
		fmt_str(o, sp, va_arg(*ap, const char *));
		break;
	case '%':
		fmt_putc(o, '%');
		break;
	default:
		fmt_putc(o, '%');
		if (c)
			fmt_putc(o, c);
	}
}

int tv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };
	struct fmt_spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			fmt_putc(&o, *fmt++);
			continue;
		}
		fmt = fmt_parse_spec(fmt + 1, &sp, &aq);
		fmt_conv(&o, *fmt, &sp, &aq);
		if (*fmt)
			fmt++;
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

void tv_prefixed_vsnprintf(char *buf, size_t size, const char *prefix,
			   const char *fmt, va_list ap)
{
	int n = tv_snprintf(buf, size, "%s: ", prefix);

	if (n < 0 || (size_t)n >= size)
		n = 0;	/* no room for the prefix: the message alone */
	tv_vsnprintf(buf + n, size - n, fmt, ap);
}

int tv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tv_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
