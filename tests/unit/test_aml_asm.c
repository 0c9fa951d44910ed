/*
 * The unit tests' AML assembler (see test_aml_asm.h).  Overflowing the
 * fixed buffer aborts: a test that writes 64 KiB of AML is a broken test.
 */
#include <stdlib.h>
#include <string.h>
#include "test_aml_asm.h"

void asm_bytes(struct amlasm *a, const void *p, u32 n)
{
	if (n > sizeof(a->buf) - a->len)
		abort();
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void asm_byte(struct amlasm *a, u8 b)
{
	asm_bytes(a, &b, 1);
}

void asm_begin(struct amlasm *a, const char *sig)
{
	static const u8 rest[32] = { 0, 0, 0, 0, 2, 0, 'T', 'E', 'S', 'T',
				     ' ', ' ', 'U', 'N', 'I', 'T', 'T', 'E',
				     'S', 'T', 1, 0, 0, 0, 'I', 'N', 'T',
				     'L', 1, 0, 0, 0 };

	a->len = 0;
	asm_bytes(a, sig, 4);
	asm_bytes(a, rest, sizeof(rest));
}

struct aml_table asm_end(struct amlasm *a)
{
	struct aml_table t = { .data = a->buf, .len = a->len };
	u8 sum = 0;
	u32 i;

	a->buf[4] = (u8)a->len;
	a->buf[5] = (u8)(a->len >> 8);
	a->buf[6] = (u8)(a->len >> 16);
	a->buf[7] = (u8)(a->len >> 24);
	a->buf[9] = 0;
	for (i = 0; i < a->len; i++)
		sum += a->buf[i];
	a->buf[9] = (u8)-sum;
	return t;
}

static void seg(struct amlasm *a, const char *s, size_t n)
{
	u8 b[4] = { '_', '_', '_', '_' };

	memcpy(b, s, n > 4 ? 4 : n);
	asm_bytes(a, b, 4);
}

void asm_name(struct amlasm *a, const char *path)
{
	const char *p = path, *dot;
	u32 nseg = 0;

	while (*p == '\\' || *p == '^')
		asm_byte(a, (u8)*p++);
	for (dot = p; *p && dot; dot = strchr(dot + 1, '.'))
		nseg++;
	if (!nseg) {
		asm_byte(a, 0);
		return;
	}
	if (nseg == 2)
		asm_byte(a, 0x2e);
	else if (nseg > 2) {
		asm_byte(a, 0x2f);
		asm_byte(a, (u8)nseg);
	}
	while (*p) {
		dot = strchr(p, '.');
		seg(a, p, dot ? (size_t)(dot - p) : strlen(p));
		p = dot ? dot + 1 : p + strlen(p);
	}
}

void asm_op(struct amlasm *a, u32 op)
{
	if (op > 0xff)
		asm_byte(a, (u8)(op >> 8));
	asm_byte(a, (u8)op);
}

u32 asm_open(struct amlasm *a, u32 op)
{
	u32 at;

	asm_op(a, op);
	at = a->len;
	asm_bytes(a, "\0\0\0\0", 4);
	return at;
}

void asm_close(struct amlasm *a, u32 at)
{
	u32 len = a->len - at;

	a->buf[at] = (u8)(0xc0 | (len & 0x0f));
	a->buf[at + 1] = (u8)(len >> 4);
	a->buf[at + 2] = (u8)(len >> 12);
	a->buf[at + 3] = (u8)(len >> 20);
}

void asm_int(struct amlasm *a, u64 v)
{
	u32 i, w = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffff ? 4 : 8;

	if (v <= 1) {
		asm_byte(a, (u8)v);
		return;
	}
	asm_byte(a, w == 1 ? 0x0a : w == 2 ? 0x0b : w == 4 ? 0x0c : 0x0e);
	for (i = 0; i < w; i++)
		asm_byte(a, (u8)(v >> (8 * i)));
}

void asm_string(struct amlasm *a, const char *s)
{
	asm_byte(a, 0x0d);
	asm_bytes(a, s, (u32)strlen(s) + 1);
}
