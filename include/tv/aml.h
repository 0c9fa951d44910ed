/*
 * AML namespace: a static, non-executing parser for the DSDT and SSDTs.
 *
 * aml_namespace_build() parses every definition block together and builds
 * the ACPI namespace (ACPI 6.5 section 5.3, AML grammar in chapter 20)
 * without running any method: scopes, devices, names with their data,
 * methods with their argument counts, regions, fields, and so on.  Method
 * calls are resolved against declarations from every table, so the parse
 * is single and linear (see docs/aml.md).  Everything is allocated from
 * one caller-provided arena; the tables stay where the caller mapped them
 * and nodes refer to them by offset, which is what lets aml_patch_*()
 * rewrite the AML in place.
 *
 * Typical use by the hypervisor:
 *
 *	struct aml_table t[N] = { { dsdt, dsdt_len }, { ssdt1, len1 }, ... };
 *	size_t sz = aml_arena_hint(t, N);
 *	struct aml_ns *ns;
 *	if (aml_namespace_build(&ns, mem, sz, t, N, &log) == 0 &&
 *	    aml_sleep_state(ns, 3, &a, &b) == 0)
 *		...
 */
#ifndef TV_AML_H
#define TV_AML_H

#include <tv/env.h>

/* One definition block, header included; writable only for aml_patch_*(). */
struct aml_table {
	u8 *data;
	u32 len;	/* bytes mapped; must cover the header's length field */
};

/*
 * Object types.  The first 17 are the ACPI ObjectType values (the numbers
 * External() and ObjectType() use, ACPI 6.5 table 19.21); the rest are the
 * finer kinds ACPICA reports in its namespace dumps.
 */
enum aml_type {
	AML_T_ANY = 0,		/* "Untyped" */
	AML_T_INTEGER = 1,
	AML_T_STRING = 2,
	AML_T_BUFFER = 3,
	AML_T_PACKAGE = 4,
	AML_T_FIELD_UNIT = 5,
	AML_T_DEVICE = 6,
	AML_T_EVENT = 7,
	AML_T_METHOD = 8,
	AML_T_MUTEX = 9,
	AML_T_REGION = 10,
	AML_T_POWER = 11,
	AML_T_PROCESSOR = 12,
	AML_T_THERMAL = 13,
	AML_T_BUFFER_FIELD = 14,
	AML_T_DDB_HANDLE = 15,
	AML_T_DEBUG = 16,
	AML_T_REGION_FIELD,
	AML_T_BANK_FIELD,
	AML_T_INDEX_FIELD,
	AML_T_ALIAS,
	AML_T_METHOD_ALIAS,
	AML_T_SCOPE,
	AML_T_EXTERNAL,		/* declared by External() only, not defined */
	AML_T_COUNT
};

/* aml_node.flags */
#define AML_NF_EXTERNAL		BIT(0)	/* only an External() placeholder */
#define AML_NF_CONDITIONAL	BIT(1)	/* declared under a module-level If/Else/While */
#define AML_NF_PREDEFINED	BIT(2)	/* created by the builder (\_SB_, \_OSI...) */
#define AML_NF_SEEN2		BIT(3)	/* internal: confirmed by the full parse */
#define AML_NF_TEMP		BIT(4)	/* internal: local to a method body */
#define AML_NF_CONST		BIT(5)	/* value is a constant (Integer, Region address) */

#define AML_NO_TABLE		0xff

/*
 * One namespace object.  Read-only for users; offsets are into
 * tables[table].data.  Children are kept in declaration order.
 */
struct aml_node {
	struct aml_node *parent, *child, *last, *next, *prev;
	struct aml_node *hnext;		/* hash chain */
	struct aml_node *link;		/* Alias: target; field: its region */
	u32 name;			/* NameSeg, AML byte order */
	u8 type;			/* enum aml_type */
	u8 argc;			/* Method / External method: 0..7 */
	u8 flags;			/* AML_NF_* */
	u8 table;			/* defining table, AML_NO_TABLE if none */
	u32 offset;			/* declaring opcode */
	u32 seg_off;			/* its last NameSeg (for renaming) */
	u32 data;			/* Name: data object; Method: body */
	u32 data_len;
	u32 aux;	/* Method: flags byte; Region: space; field: bit offset;
			 * Processor: id; Mutex: sync level; External: type */
	u32 aux2;	/* field: bit width; Region: length if constant */
	u8 ext_table;	/* first table with External() of this method */
	u8 ext_argc;	/* the argument count that External() gives */
	u16 reserved;
	u64 value;	/* Integer value / Region address, if AML_NF_CONST */
};

/* Diagnostics: the library never prints, it hands these to a callback. */
enum aml_sev { AML_SEV_NOTE, AML_SEV_WARN, AML_SEV_ERROR };

enum aml_diag_code {
	AML_D_TABLE,		/* bad header, length or checksum */
	AML_D_OPCODE,		/* unknown opcode */
	AML_D_MISPLACED,	/* opcode not allowed where it appears */
	AML_D_TRUNCATED,	/* an object runs past its package or table */
	AML_D_LENGTH,		/* a PkgLength beyond its enclosing package */
	AML_D_DEPTH,		/* nesting deeper than the parser's stack */
	AML_D_STRAY,		/* stray data object in a term list (ignored) */
	AML_D_TRAILING,		/* bytes left over inside a package */
	AML_D_UNRESOLVED,	/* name not found anywhere; 0 arguments assumed */
	AML_D_NO_SCOPE,		/* Scope()/path prefix target does not exist */
	AML_D_DUPLICATE,	/* second declaration of a name (ignored) */
	AML_D_DIVERGED,		/* declaration seen only by the first pass */
	AML_D_NOMEM,		/* arena exhausted */
	AML_D_COUNT
};

#define AML_PATH_MAX	128

struct aml_diag {
	enum aml_sev sev;
	enum aml_diag_code code;
	const char *msg;		/* static text */
	u32 table;			/* index into tables[] */
	char sig[5];			/* its signature, NUL-terminated */
	u32 offset;			/* byte offset in that table */
	u32 opcode;			/* 0x5Bxx for extended opcodes */
	char path[AML_PATH_MAX];	/* enclosing scope */
	char name[AML_PATH_MAX];	/* name involved, or "" */
};

struct aml_log {
	void (*fn)(void *ctx, const struct aml_diag *d);
	void *ctx;
};

struct aml_stats {
	u32 nodes;		/* live namespace objects */
	u32 diags[AML_D_COUNT];
	u32 unresolved;		/* distinct unresolved call sites */
	size_t arena_used;
};

/*
 * Optional trace of every parsed term (unit tests, debugging): called in
 * pre-order with the nesting depth below the enclosing term list.
 */
struct aml_trace {
	u32 table, offset;
	u32 opcode;		/* AML_OP_NAME for a name, AML_OP_CALL for a call */
	u32 depth;
	u32 argc;		/* AML_OP_CALL */
	const struct aml_node *target;	/* resolved name, or NULL */
};
#define AML_OP_NAME	0x10000
#define AML_OP_CALL	0x10001
#define AML_OP_LOCAL	0x10002

struct aml_ns;

/* Arena bytes aml_namespace_build() should get for these tables. */
size_t aml_arena_hint(const struct aml_table *tables, u32 n);

/*
 * Parse tables[0..n) (DSDT first, then SSDTs in XSDT order) into a
 * namespace allocated in mem.  Returns 0 (possibly with diagnostics),
 * -EINVAL on bad arguments, -ENOMEM if the arena is too small.  Tables
 * with a bad header are reported and skipped.  The tables must outlive
 * the namespace.
 */
int aml_namespace_build(struct aml_ns **out, void *mem, size_t size,
			struct aml_table *tables, u32 n,
			const struct aml_log *log);
/* Same, with a parse trace (pass 2 only). */
int aml_namespace_build_traced(struct aml_ns **out, void *mem, size_t size,
			       struct aml_table *tables, u32 n,
			       const struct aml_log *log,
			       void (*trace)(void *ctx, const struct aml_trace *t),
			       void *trace_ctx);

void aml_stats(const struct aml_ns *ns, struct aml_stats *st);
struct aml_node *aml_root(const struct aml_ns *ns);
const char *aml_type_name(enum aml_type t);
const char *aml_diag_name(enum aml_diag_code c);

/* Absolute path with 4-character segments: "\_SB_.PCI0.LPCB". */
int aml_node_path(const struct aml_node *n, char *buf, size_t size);
/* "\_SB.PCI0", "\_SB_.PCI0", "_SB.PCI0" (from root); NULL if absent. */
struct aml_node *aml_find(const struct aml_ns *ns, const char *path);
/* Child of n named seg ("_HID", "_S3" or "_S3_"), or NULL. */
struct aml_node *aml_child(const struct aml_ns *ns, const struct aml_node *n,
			   const char *seg);

/* Pre-order walk; stop early when fn returns non-zero and return that. */
int aml_walk(const struct aml_ns *ns, int (*fn)(void *ctx,
	     struct aml_node *n, u32 depth), void *ctx);

/* Static values: a Name() whose data is a constant. */
int aml_node_integer(const struct aml_ns *ns, const struct aml_node *n,
		     u64 *val);
int aml_node_string(const struct aml_ns *ns, const struct aml_node *n,
		    const char **s, u32 *len);
int aml_node_buffer(const struct aml_ns *ns, const struct aml_node *n,
		    const u8 **data, u32 *len);
int aml_package_integer(const struct aml_ns *ns, const struct aml_node *n,
			u32 index, u64 *val);

/*
 * \_Sx_ values: SLP_TYPa and SLP_TYPb for sleep state 0..5.  Returns 0,
 * -ENOENT if the object does not exist, -ENODATA if it is not static
 * (e.g. computed by a method).  *cond is set when it is declared under a
 * module-level If, i.e. may not exist at run time.
 */
int aml_sleep_state(const struct aml_ns *ns, unsigned int state, u8 *typa,
		    u8 *typb, bool *cond);

/* Devices whose _HID or _CID matches id ("PNP0501", "ACPI0007"). */
int aml_find_devices(const struct aml_ns *ns, const char *id,
		     int (*fn)(void *ctx, struct aml_node *dev), void *ctx);
bool aml_device_has_id(const struct aml_ns *ns, const struct aml_node *dev,
		       const char *id);
/* Decode a compressed EISA id into 8 bytes ("PNP0501\0"). */
void aml_eisaid_decode(u32 id, char out[8]);

/* I/O port ranges of a static _CRS (IO and FixedIO descriptors). */
struct aml_io_range {
	u16 base;
	u16 len;
};
int aml_device_io(const struct aml_ns *ns, const struct aml_node *dev,
		  struct aml_io_range *out, u32 max, u32 *count);

/*
 * In-place patches; each keeps every length unchanged and fixes the
 * table checksum.  rename: the declaring NameSeg (e.g. _S3_ -> XS3_);
 * method_body: write code at the start of the body, NoOp the rest;
 * integer: rewrite a Name()'s constant if the new value fits its encoding.
 */
int aml_patch_rename(struct aml_ns *ns, struct aml_node *n,
		     const char seg[4]);
int aml_patch_method_body(struct aml_ns *ns, struct aml_node *n,
			  const u8 *code, u32 len);
int aml_patch_integer(struct aml_ns *ns, struct aml_node *n, u64 val);

#endif
