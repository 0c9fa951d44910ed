/*
 * A minimal ELF64 loader for the hypervisor image (System V gABI, ch. 4-5;
 * x86-64 psABI §4.4 for R_X86_64_RELATIVE).  The image is built -static-pie
 * so that one file runs wherever the firmware hands us memory; the only
 * relocation such an image needs is "add the load base".  Every offset and
 * size read from the file is checked against the file and the span before
 * use: a truncated or hostile file gives -EINVAL, never a wild write.
 */
#include <tv/env.h>
#include <tv/elf_load.h>

#define EI_NIDENT	16
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define DT_NULL		0
#define DT_RELA		7
#define DT_RELASZ	8
#define DT_RELAENT	9
#define R_X86_64_NONE	0
#define R_X86_64_RELATIVE 8
#define ELF_MAX_SPAN	(256ULL << 20)

struct elf64_ehdr {
	u8 ident[EI_NIDENT];	/* 0x00 */
	u16 type;		/* 0x10 */
	u16 machine;		/* 0x12 */
	u32 version;		/* 0x14 */
	u64 entry;		/* 0x18 */
	u64 phoff;		/* 0x20 */
	u64 shoff;		/* 0x28 */
	u32 flags;		/* 0x30 */
	u16 ehsize;		/* 0x34 */
	u16 phentsize;		/* 0x36 */
	u16 phnum;		/* 0x38 */
	u16 shentsize;		/* 0x3a */
	u16 shnum;		/* 0x3c */
	u16 shstrndx;		/* 0x3e */
} __packed;
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF header");

struct elf64_phdr {
	u32 type;		/* 0x00 */
	u32 flags;		/* 0x04 */
	u64 offset;		/* 0x08 */
	u64 vaddr;		/* 0x10 */
	u64 paddr;		/* 0x18 */
	u64 filesz;		/* 0x20 */
	u64 memsz;		/* 0x28 */
	u64 align;		/* 0x30 */
} __packed;
_Static_assert(sizeof(struct elf64_phdr) == 56, "program header");

struct elf64_dyn {
	s64 tag;
	u64 val;
} __packed;

struct elf64_rela {
	u64 offset;
	u64 info;
	s64 addend;
} __packed;

static bool range_ok(u64 off, u64 len, u64 limit)
{
	return off <= limit && len <= limit - off;
}

static const struct elf64_phdr *elf_phdrs(const void *file, size_t size)
{
	const struct elf64_ehdr *eh = file;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4))
		return NULL;
	if (eh->ident[4] != 2 || eh->ident[5] != 1)	/* 64-bit, LSB */
		return NULL;
	if (eh->type != ET_DYN || eh->machine != EM_X86_64)
		return NULL;
	if (eh->phentsize != sizeof(struct elf64_phdr) || !eh->phnum)
		return NULL;
	if (!range_ok(eh->phoff, (u64)eh->phnum * sizeof(struct elf64_phdr),
		      size))
		return NULL;
	return (const struct elf64_phdr *)((const u8 *)file + eh->phoff);
}

int tv_elf_inspect(const void *file, size_t size, struct tv_elf_info *info)
{
	const struct elf64_ehdr *eh = file;
	const struct elf64_phdr *ph = elf_phdrs(file, size);
	u64 lo = ~0ULL, hi = 0;
	unsigned int i;

	if (!ph)
		return size >= 4 && !memcmp(file, "\177ELF", 4) ? -EINVAL
								 : -ENOEXEC;
	for (i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		if (ph[i].filesz > ph[i].memsz ||
		    !range_ok(ph[i].offset, ph[i].filesz, size) ||
		    !range_ok(ph[i].vaddr, ph[i].memsz, ELF_MAX_SPAN))
			return -EINVAL;
		lo = MIN(lo, ph[i].vaddr);
		hi = MAX(hi, ph[i].vaddr + ph[i].memsz);
	}
	/* Linked at 0 so that offsets from the base are addresses. */
	if (lo != 0 || hi == 0 || eh->entry >= hi)
		return -EINVAL;
	info->span = hi;
	info->entry = eh->entry;
	return 0;
}

static int elf_relocate(const u8 *dyn_src, u64 dyn_len, void *dst, u64 span,
			u64 base)
{
	const struct elf64_dyn *dyn = (const struct elf64_dyn *)dyn_src;
	u64 n = dyn_len / sizeof(*dyn), rela = 0, relasz = 0, relaent = 0, i;

	for (i = 0; i < n && dyn[i].tag != DT_NULL; i++) {
		if (dyn[i].tag == DT_RELA)
			rela = dyn[i].val;
		else if (dyn[i].tag == DT_RELASZ)
			relasz = dyn[i].val;
		else if (dyn[i].tag == DT_RELAENT)
			relaent = dyn[i].val;
	}
	if (!relasz)
		return 0;
	if (relaent != sizeof(struct elf64_rela) || !range_ok(rela, relasz, span))
		return -EINVAL;
	for (i = 0; i < relasz / sizeof(struct elf64_rela); i++) {
		struct elf64_rela r;
		u64 v;

		memcpy(&r, (u8 *)dst + rela + i * sizeof(r), sizeof(r));
		if ((u32)r.info == R_X86_64_NONE)
			continue;
		if ((u32)r.info != R_X86_64_RELATIVE ||
		    !range_ok(r.offset, 8, span))
			return -EINVAL;
		v = base + (u64)r.addend;
		memcpy((u8 *)dst + r.offset, &v, 8);
	}
	return 0;
}

int tv_elf_load(const void *file, size_t size, void *dst, u64 base)
{
	const struct elf64_ehdr *eh = file;
	const struct elf64_phdr *ph;
	struct tv_elf_info info;
	unsigned int i;
	int err;

	err = tv_elf_inspect(file, size, &info);
	if (err)
		return err;
	ph = elf_phdrs(file, size);
	memset(dst, 0, info.span);
	for (i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_LOAD)
			memcpy((u8 *)dst + ph[i].vaddr,
			       (const u8 *)file + ph[i].offset, ph[i].filesz);
	for (i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_DYNAMIC)
			continue;
		if (!range_ok(ph[i].vaddr, ph[i].memsz, info.span))
			return -EINVAL;
		return elf_relocate((u8 *)dst + ph[i].vaddr, ph[i].memsz, dst,
				    info.span, base);
	}
	return 0;
}
