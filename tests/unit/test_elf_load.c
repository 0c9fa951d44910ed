/*
 * ELF loading: a hand-built static-PIE image with one PT_LOAD, a .bss tail,
 * a PT_DYNAMIC and RELATIVE relocations; then the same image damaged in the
 * ways a truncated or hostile file would be.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/elf_load.h>

/* File layout: ehdr @0, 2 phdrs @64, dyn @0x100, rela @0x140, data @0x180. */
#define F_SIZE 0x200
#define SPAN 0x1000

static u8 file[F_SIZE];

static void put64(u64 off, u64 v) { memcpy(file + off, &v, 8); }
static void put32(u64 off, u32 v) { memcpy(file + off, &v, 4); }
static void put16(u64 off, u16 v) { memcpy(file + off, &v, 2); }

static void build_image(void)
{
	memset(file, 0, sizeof(file));
	memcpy(file, "\177ELF\2\1\1", 7);
	put16(0x10, 3);		/* ET_DYN */
	put16(0x12, 62);	/* x86-64 */
	put64(0x18, 0x180);	/* entry */
	put64(0x20, 64);	/* phoff */
	put16(0x36, 56);
	put16(0x38, 2);
	/* PT_LOAD: file 0..0x200 at vaddr 0, memsz SPAN (bss after) */
	put32(64, 1);
	put64(64 + 0x08, 0);
	put64(64 + 0x10, 0);
	put64(64 + 0x20, F_SIZE);
	put64(64 + 0x28, SPAN);
	/* PT_DYNAMIC at 0x100, 4 entries */
	put32(120, 2);
	put64(120 + 0x08, 0x100);
	put64(120 + 0x10, 0x100);
	put64(120 + 0x20, 0x40);
	put64(120 + 0x28, 0x40);
	put64(0x100, 7);   put64(0x108, 0x140);	/* DT_RELA */
	put64(0x110, 8);   put64(0x118, 0x30);	/* DT_RELASZ: 2 entries */
	put64(0x120, 9);   put64(0x128, 0x18);	/* DT_RELAENT */
	/* RELATIVE: *(0x180) = base + 0x1c0; *(0x800) = base + 0x10 (bss) */
	put64(0x140, 0x180); put64(0x148, 8); put64(0x150, 0x1c0);
	put64(0x158, 0x800); put64(0x160, 8); put64(0x168, 0x10);
	put64(0x1c0, 0x1122334455667788ULL);
}

static void test_loads_and_relocates(void **state)
{
	static u8 dst[SPAN];
	struct tv_elf_info info;
	u64 v;

	build_image();
	assert_int_equal(tv_elf_inspect(file, F_SIZE, &info), 0);
	assert_int_equal(info.span, SPAN);
	assert_int_equal(info.entry, 0x180);
	memset(dst, 0xee, sizeof(dst));
	assert_int_equal(tv_elf_load(file, F_SIZE, dst, 0x7000000), 0);
	memcpy(&v, dst + 0x180, 8);
	assert_int_equal(v, 0x7000000 + 0x1c0);
	memcpy(&v, dst + 0x800, 8);
	assert_int_equal(v, 0x7000010);
	memcpy(&v, dst + 0x1c0, 8);
	assert_int_equal(v, 0x1122334455667788ULL);
	assert_int_equal(dst[0x900], 0);	/* bss zeroed */
}

static void test_rejects_bad_images(void **state)
{
	static u8 dst[SPAN];
	struct tv_elf_info info;

	build_image();
	assert_int_equal(tv_elf_inspect(file, 32, &info), -EINVAL);
	assert_int_equal(tv_elf_inspect("MZ\0\0", 4, &info), -ENOEXEC);
	build_image(); put16(0x12, 3);		/* i386 */
	assert_int_equal(tv_elf_inspect(file, F_SIZE, &info), -EINVAL);
	build_image(); put64(64 + 0x20, F_SIZE + 1); /* filesz past file */
	assert_int_equal(tv_elf_inspect(file, F_SIZE, &info), -EINVAL);
	build_image(); put64(64 + 0x28, 0x100);	/* memsz < filesz */
	assert_int_equal(tv_elf_inspect(file, F_SIZE, &info), -EINVAL);
	build_image(); put64(0x18, SPAN);	/* entry outside */
	assert_int_equal(tv_elf_inspect(file, F_SIZE, &info), -EINVAL);
	build_image(); put64(0x20, F_SIZE - 8);	/* phdrs past file */
	assert_int_equal(tv_elf_inspect(file, F_SIZE, &info), -EINVAL);
	build_image(); put64(0x158, SPAN - 4);	/* reloc target past span */
	assert_int_equal(tv_elf_load(file, F_SIZE, dst, 0), -EINVAL);
	build_image(); put64(0x160, 1);		/* R_X86_64_64: unsupported */
	assert_int_equal(tv_elf_load(file, F_SIZE, dst, 0), -EINVAL);
	build_image(); put64(0x118, 0x10000);	/* relasz past span */
	assert_int_equal(tv_elf_load(file, F_SIZE, dst, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_and_relocates),
		cmocka_unit_test(test_rejects_bad_images),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
