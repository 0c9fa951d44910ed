/*
 * Loading thinvisor.elf: a static position-independent ELF64 (x86-64) whose
 * only dynamic relocations are R_X86_64_RELATIVE.  The loader places it at
 * the base of the memory it reserved and runs it there, identity-mapped, so
 * "load address" and "physical address" are the same number.
 */
#ifndef TV_ELF_LOAD_H
#define TV_ELF_LOAD_H

#include <tv/types.h>

struct tv_elf_info {
	u64 span;	/* bytes from the lowest to the highest loaded address */
	u64 entry;	/* entry point offset from the load base */
};

/* Validates the headers; 0, -ENOEXEC (not ours) or -EINVAL (malformed). */
int tv_elf_inspect(const void *file, size_t size, struct tv_elf_info *info);

/*
 * Copies the PT_LOAD segments into dst (span bytes, zero-filling .bss) and
 * applies the relocations for load address `base`.  dst is where the
 * caller can write those bytes now (the same as base when identity-mapped).
 */
int tv_elf_load(const void *file, size_t size, void *dst, u64 base);

#endif
