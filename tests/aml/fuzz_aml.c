/*
 * libFuzzer harness for lib/aml: the input is one or more definition
 * blocks back to back (a DSDT then SSDTs, as in the seeds made from the
 * corpus).  Each header's length field is clamped to the bytes left and
 * its checksum fixed, so mutations spend their time in the AML rather
 * than in table rejection.  The namespace is then built in a bounded
 * arena and every query and patch is run over it; ASan/UBSan catch any
 * out-of-bounds read, and libFuzzer's timeout catches any loop.
 */
#include <stdlib.h>
#include <string.h>
#include <tv/aml.h>

#define MAX_TABLES	8
#define HDR		36

static u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void fix_header(u8 *t, u32 len, bool first)
{
	u8 sum = 0;
	u32 i;

	memcpy(t, first ? "DSDT" : "SSDT", 4);
	t[4] = (u8)len;
	t[5] = (u8)(len >> 8);
	t[6] = (u8)(len >> 16);
	t[7] = (u8)(len >> 24);
	t[9] = 0;
	for (i = 0; i < len; i++)
		sum += t[i];
	t[9] = (u8)-sum;
}

static u32 split(u8 *buf, size_t size, struct aml_table *t)
{
	size_t at = 0;
	u32 n = 0, len;

	while (size - at >= HDR && n < MAX_TABLES) {
		len = le32(buf + at + 4);
		if (len < HDR || len > size - at || n == MAX_TABLES - 1)
			len = (u32)(size - at);
		fix_header(buf + at, len, n == 0);
		t[n].data = buf + at;
		t[n++].len = len;
		at += len;
	}
	return n;
}

static int count_dev(void *ctx, struct aml_node *dev)
{
	struct aml_io_range io[4];
	const struct aml_ns *ns = ctx;
	u32 n;

	aml_device_io(ns, dev, io, 4, &n);
	return 0;
}

static int visit(void *ctx, struct aml_node *n, u32 depth)
{
	const struct aml_ns *ns = ctx;
	char path[AML_PATH_MAX];
	const char *s;
	const u8 *b;
	u32 len;
	u64 v;

	aml_node_path(n, path, sizeof(path));
	aml_node_integer(ns, n, &v);
	aml_node_string(ns, n, &s, &len);
	aml_node_buffer(ns, n, &b, &len);
	aml_package_integer(ns, n, 1, &v);
	return depth > 64;
}

static void exercise(struct aml_ns *ns)
{
	static const u8 ret0[] = { 0xa4, 0x00 };
	struct aml_node *n;
	unsigned int s;
	bool cond;
	u8 a, b;

	aml_walk(ns, visit, ns);
	for (s = 0; s <= 5; s++)
		aml_sleep_state(ns, s, &a, &b, &cond);
	aml_find_devices(ns, "PNP0501", count_dev, ns);
	aml_find_devices(ns, "PNP0A08", count_dev, ns);
	n = aml_find(ns, "\\_S3");
	if (n)
		aml_patch_rename(ns, n, "XS3_");
	n = aml_find(ns, "\\_SB.PCI0._INI");
	if (n)
		aml_patch_method_body(ns, n, ret0, sizeof(ret0));
	n = aml_find(ns, "\\_SB.PCI0._ADR");
	if (n)
		aml_patch_integer(ns, n, 1);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct aml_table t[MAX_TABLES];
	struct aml_ns *ns;
	size_t arena;
	u8 *buf, *mem;
	u32 n;

	if (size < HDR || size > (1u << 22))
		return 0;
	buf = malloc(size);
	memcpy(buf, data, size);
	n = split(buf, size, t);
	arena = aml_arena_hint(t, n);
	mem = malloc(arena);
	if (mem && !aml_namespace_build(&ns, mem, arena, t, n, NULL))
		exercise(ns);
	free(mem);
	free(buf);
	return 0;
}
