/*
 * Internals shared by the files of lib/aml.  Not for other modules: use
 * <tv/aml.h>.
 */
#ifndef TV_AML_INTERNAL_H
#define TV_AML_INTERNAL_H

#include <tv/aml.h>

#define AML_HDR_LEN		36	/* ACPI 6.5 section 5.2.6 */
#define AML_MAX_FRAMES		1024	/* nesting the parser accepts */
#define AML_MAX_ALIAS_HOPS	8

/* Opcode classes: where an opcode may appear (ACPI 6.5 section 20.2.5). */
enum aml_opclass {
	OPC_DATA = 1,		/* constants, Buffer, Package */
	OPC_EXPR,		/* Type 2 opcodes: yield a value */
	OPC_STMT,		/* Type 1 opcodes: statements only */
	OPC_NAMED,		/* declare an object */
	OPC_SCOPE,		/* Scope() */
	OPC_REF,		/* Local, Arg, Debug */
};

/*
 * Argument spec characters (one per operand, in AML order):
 *   p PkgLength     n NameString declared by this op
 *   N NameString referenced   c Scope() target
 *   b w d q  1/2/4/8-byte integer   S NUL-terminated string
 *   t TermArg       s SuperName/Target (a name there is never a call)
 *   D Name()'s data object
 *   T TermList  B ByteList  F FieldList  P PackageElementList (to pkg end)
 */
struct aml_opinfo {
	const char *name;
	const char *args;
	u8 cls;		/* enum aml_opclass */
	u8 type;	/* enum aml_type a named op declares */
};

const struct aml_opinfo *aml_opinfo(u32 opcode);

struct aml_arena {
	u8 *base;
	size_t size, used;
};

void *aml_alloc(struct aml_arena *a, size_t size);

struct aml_ns {
	struct aml_arena arena;
	struct aml_node *root;
	struct aml_node **hash;
	u32 hash_mask;
	struct aml_table *tables;
	u32 ntables;
	u32 nodes;
	u32 diags[AML_D_COUNT];
	u32 unresolved;
	struct aml_log log;
	void (*trace)(void *ctx, const struct aml_trace *t);
	void *trace_ctx;
};

/* A decoded NameString; segs points into the AML. */
struct aml_name {
	const u8 *segs;
	u8 root;	/* leading '\' */
	u8 up;		/* number of '^' */
	u8 nseg;
};

int aml_name_decode(const u8 *aml, u32 pos, u32 limit, struct aml_name *nm,
		    u32 *next);
bool aml_is_name_start(u8 b);
u32 aml_seg(const u8 *p);
int aml_name_text(const struct aml_name *nm, char *buf, size_t size);

/* Namespace primitives (ns.c). */
struct aml_node *aml_ns_child(const struct aml_ns *ns,
			      const struct aml_node *parent, u32 seg);
struct aml_node *aml_ns_new(struct aml_ns *ns, struct aml_node *parent,
			    u32 seg);
void aml_ns_unlink(struct aml_ns *ns, struct aml_node *n);
void aml_ns_rehash(struct aml_ns *ns, struct aml_node *n, u32 seg);
int aml_ns_init(struct aml_ns *ns, u32 hash_buckets);

/* Lookup flags. */
#define AML_LK_EXTERNAL		BIT(0)	/* accept External() placeholders */
#define AML_LK_SEARCH		BIT(1)	/* single NameSeg searches upward */

struct aml_node *aml_ns_resolve(const struct aml_ns *ns,
				struct aml_node *scope,
				const struct aml_name *nm, u32 flags);
struct aml_node *aml_ns_prefix(const struct aml_ns *ns,
			       struct aml_node *scope,
			       const struct aml_name *nm);
const struct aml_node *aml_ns_deref(const struct aml_node *n);

/* Frame flags. */
#define FR_PKG		BIT(0)	/* has a PkgLength: end is its own */
#define FR_SKIP		BIT(1)	/* skip the body (duplicate, no scope) */
#define FR_METHOD	BIT(2)	/* inside a method body */
#define FR_COND		BIT(3)	/* inside a module-level If/Else/While */
#define FR_TEMPS	BIT(4)	/* owns the temporaries created since mark */
#define FR_DECIDED	BIT(5)	/* If/Else: branch decided (see eval.c) */
#define FR_DEAD		BIT(6)	/* branch never taken: only External() counts */

/* What a module-level If decided for the Else that may follow it. */
enum { BR_UNKNOWN, BR_TAKE_ELSE, BR_SKIP_ELSE };

struct aml_frame {
	const char *args;		/* remaining argument spec */
	struct aml_node *scope;		/* scope for names inside */
	struct aml_node *node;		/* declared object, once created */
	struct aml_node *ref;		/* 'N' operand (Alias source, region) */
	u32 start;			/* offset of the opcode */
	u32 end;			/* package end, or inherited limit */
	u32 name_off;			/* declared NameString, 0 if none */
	u32 data_off;			/* Name(): data object */
	size_t mark;			/* arena mark of a method body */
	u32 opcode;
	u8 flags;
	u8 data_op;			/* Name(): first byte of the data */
	u8 branch;			/* If: BR_* for its Else */
};

struct aml_parser {
	struct aml_ns *ns;
	const u8 *aml;
	u32 len;
	u32 pos;
	u8 table;
	u8 pass;		/* 1: declarations, 2: full parse */
	u32 sp;
	struct aml_frame *frames;
	u32 else_at;		/* where an Else would follow the last If */
	u8 else_branch;		/* BR_* that If decided */
	struct aml_diag diag;	/* scratch, too big for small stacks */
};

int aml_parse_table(struct aml_parser *p);
void aml_report(struct aml_parser *p, enum aml_sev sev,
		enum aml_diag_code code, const char *msg, u32 offset,
		u32 opcode, const struct aml_name *nm);
void aml_report_ns(struct aml_ns *ns, enum aml_sev sev,
		   enum aml_diag_code code, const char *msg, u32 table,
		   u32 offset, const struct aml_node *n);

/* Declarations (declare.c). */
int aml_declare(struct aml_parser *p, struct aml_frame *f);
bool aml_loaded_before(const struct aml_parser *p, const struct aml_node *n,
		       u32 off);
int aml_field_list(struct aml_parser *p, struct aml_frame *f);
void aml_release_temps(struct aml_parser *p, struct aml_frame *f);
void aml_prune_unconfirmed(struct aml_ns *ns);

int aml_eval_predicate(const struct aml_parser *p, struct aml_node *scope,
		       u32 at, u32 pos, u32 end, u64 *val);

/* Static data decoding (data.c). */
int aml_decode_int(const u8 *aml, u32 pos, u32 limit, u64 *val, u32 *next);
int aml_pkglen(const u8 *aml, u32 pos, u32 limit, u32 *end, u32 *next);
int aml_package_element(const struct aml_ns *ns, const struct aml_node *n,
			u32 index, u32 *off, u32 *limit);

#endif
