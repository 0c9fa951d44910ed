/*
 * Guest page-table walker: translate a guest linear address the way the
 * guest's own MMU would, for emulation (string operands, instruction
 * fetch at RIP) and for copying to and from guest virtual memory.
 *
 * All paging modes are handled (SDM Vol. 3A chapter 4, APM Vol. 2
 * chapter 5): paging off, 32-bit (with 4 MiB PSE pages), PAE, 4-level
 * and 5-level, with large pages, the U/S, R/W (CR0.WP), NX (EFER.NXE),
 * SMEP and SMAP checks and reserved-bit checks.  Protection keys,
 * implicit supervisor accesses and shadow-stack pages are not modelled.
 *
 * Guest-physical memory is reached through callbacks: read_phys reads
 * one naturally aligned 8-byte word (a 4-byte entry of 32-bit paging is
 * read as the half of its aligned word, so a read never leaves its page);
 * set_ad, if given, compare-and-exchanges such a word to set accessed and
 * dirty bits, returning -EAGAIN if the word no longer holds `old`, and the
 * walk is then retried.  read_buf/write_buf move bytes for the copy
 * helpers and are never asked to cross a 4 KiB page.
 */
#ifndef TV_X86_WALK_H
#define TV_X86_WALK_H

#include <tv/env.h>

/* #PF error code, SDM Vol. 3A 4.7 */
#define X86_PF_P	BIT(0)	/* protection violation (else not present) */
#define X86_PF_W	BIT(1)	/* the access was a write */
#define X86_PF_U	BIT(2)	/* the access was a user-mode access */
#define X86_PF_RSVD	BIT(3)	/* a reserved bit was set */
#define X86_PF_I	BIT(4)	/* instruction fetch (with NX or SMEP) */

/* x86_walk access flags: the same bit positions as the error code */
#define X86_WALK_WRITE	X86_PF_W
#define X86_WALK_USER	X86_PF_U	/* user-mode access (also CPL 3) */
#define X86_WALK_FETCH	X86_PF_I

/* Control-register and EFER bits the walk depends on (SDM Vol. 3A 2.5) */
#define X86_CR0_WP	BIT(16)
#define X86_CR0_PG	BIT(31)
#define X86_CR4_PSE	BIT(4)
#define X86_CR4_PAE	BIT(5)
#define X86_CR4_LA57	BIT(12)
#define X86_CR4_SMEP	BIT(20)
#define X86_CR4_SMAP	BIT(21)
#define X86_EFER_LME	BIT(8)
#define X86_EFER_LMA	BIT(10)
#define X86_EFER_NXE	BIT(11)

/* Paging-structure entry bits, SDM Vol. 3A 4.3-4.5 */
#define X86_PTE_P	BIT(0)
#define X86_PTE_W	BIT(1)
#define X86_PTE_U	BIT(2)
#define X86_PTE_A	BIT(5)
#define X86_PTE_D	BIT(6)
#define X86_PTE_PS	BIT(7)
#define X86_PTE_NX	BIT(63)

struct x86_walk_cfg {
	u64 cr0, cr3, cr4, efer;
	u64 rflags;		/* AC, for SMAP */
	u8 cpl;			/* 3 makes every access a user access */
	u8 maxphyaddr;		/* physical address width; 0 means 52 */
	void *ctx;
	int (*read_phys)(void *ctx, u64 pa, u64 *val);
	int (*set_ad)(void *ctx, u64 pa, u64 old, u64 new);	/* optional */
	int (*read_buf)(void *ctx, u64 pa, void *buf, size_t n);
	int (*write_buf)(void *ctx, u64 pa, const void *buf, size_t n);
};

/*
 * Translate gva for `access` (X86_WALK_*).  Returns 0 with *gpa set;
 * -EFAULT with *pf_error_code set when the access would raise #PF;
 * -ERANGE for a non-canonical address (#GP, or #SS for stack accesses);
 * -EAGAIN if set_ad kept losing races; or a callback's error.
 */
int x86_walk(const struct x86_walk_cfg *cfg, u64 gva, u32 access, u64 *gpa,
	     u32 *pf_error_code);

/*
 * Copy n bytes from/to guest linear memory as reads/writes at cfg->cpl,
 * page by page.  A fault (returned as for x86_walk, *pf set) leaves
 * copy_to_guest's destination untouched: every page is translated before
 * any byte is written.
 */
int x86_copy_from_guest(const struct x86_walk_cfg *cfg, u64 gva, void *buf,
			size_t n, u32 *pf);
int x86_copy_to_guest(const struct x86_walk_cfg *cfg, u64 gva,
		      const void *buf, size_t n, u32 *pf);

/*
 * Fetch up to n instruction bytes at gva (with X86_WALK_FETCH rights),
 * for decoding at RIP.  A #PF on a later page is not an error yet: the
 * bytes before it are returned in *got with that page's error code in
 * *pf, to be injected only if the decoder needs more (-E2BIG).  Fails
 * as x86_walk does if not even the first byte can be fetched.
 */
int x86_fetch_from_guest(const struct x86_walk_cfg *cfg, u64 gva, void *buf,
			 size_t n, size_t *got, u32 *pf);

#endif
