/*
 * A tiny AML assembler for the unit tests: enough to write definition
 * blocks byte by byte, including the malformed ones iasl refuses to
 * produce.  Packages are opened and closed; the PkgLength is written in
 * its 4-byte form (valid AML for any length) when the package closes.
 */
#ifndef TEST_AML_ASM_H
#define TEST_AML_ASM_H

#include <tv/aml.h>

struct amlasm {
	u8 buf[65536];
	u32 len;
};

void asm_begin(struct amlasm *a, const char *sig);
/* Fix the header's length and checksum; returns the table. */
struct aml_table asm_end(struct amlasm *a);
void asm_bytes(struct amlasm *a, const void *p, u32 n);
void asm_byte(struct amlasm *a, u8 b);
/* A NameString from text: "\\_SB_.PCI0", "^^FOO", "A.B.C" (segs padded). */
void asm_name(struct amlasm *a, const char *path);
void asm_op(struct amlasm *a, u32 op);	/* 1 or 2 opcode bytes */
/* Emit op (1 or 2 bytes) and a PkgLength placeholder; returns its offset. */
u32 asm_open(struct amlasm *a, u32 op);
void asm_close(struct amlasm *a, u32 at);
void asm_int(struct amlasm *a, u64 v);	/* shortest constant encoding */
void asm_string(struct amlasm *a, const char *s);

/* Opcodes used by the tests. */
enum {
	OP_ZERO = 0x00, OP_ONE = 0x01, OP_ALIAS = 0x06, OP_NAME = 0x08,
	OP_SCOPE = 0x10, OP_BUFFER = 0x11, OP_PACKAGE = 0x12,
	OP_METHOD = 0x14, OP_EXTERNAL = 0x15, OP_STORE = 0x70, OP_ADD = 0x72,
	OP_DEREFOF = 0x83, OP_INDEX = 0x88, OP_LEQUAL = 0x93, OP_IF = 0xa0,
	OP_ELSE = 0xa1, OP_RETURN = 0xa4, OP_LOCAL0 = 0x60, OP_ARG0 = 0x68,
	OP_OPREGION = 0x5b80, OP_FIELD = 0x5b81, OP_DEVICE = 0x5b82,
	OP_CONDREFOF = 0x5b12,
};

#endif
