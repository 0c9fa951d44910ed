/*
 * Identity-style 4-level page tables for the hypervisor's own address space,
 * AMD nested paging (NPT) and Intel EPT: one builder, two entry formats.
 *
 * Callers map ranges with permissions; the builder uses the largest page
 * (1 GiB, 2 MiB, 4 KiB) that alignment, size and the CPU allow, and splits a
 * large page into a table of smaller ones when a later call changes part of
 * it (e.g. carving the hypervisor's hole out of a 1 GiB guest page).  Pages
 * for tables come from the caller through pt_alloc.
 */
#ifndef TV_PAGING_H
#define TV_PAGING_H

#include <tv/types.h>

#define PT_R	BIT(0)
#define PT_W	BIT(1)
#define PT_X	BIT(2)
#define PT_RWX	(PT_R | PT_W | PT_X)

enum pt_format {
	PT_FORMAT_X86,	/* host and AMD NPT (APM vol.2 §5.3, §15.25.5) */
	PT_FORMAT_EPT,	/* Intel EPT (SDM vol.3 §29.3.2) */
};

struct pt_alloc {
	/* Returns a zeroed 4 KiB page and its physical address, or NULL. */
	void *(*alloc_page)(void *ctx, u64 *pa);
	/* Pointer through which the table at physical address pa is read. */
	void *(*phys_to_virt)(void *ctx, u64 pa);
	void *ctx;
};

struct pt {
	enum pt_format format;
	bool large_1g;		/* CPU supports 1 GiB pages */
	bool user;		/* set U/S on every level (NPT walks are user) */
	struct pt_alloc alloc;
	u64 root_pa;
	u64 *root;
};

#define PT_MAP_SAME_HPA	BIT(0)	/* every page maps to the one page hpa */
#define PT_MAP_4K	BIT(1)	/* no large pages in this range */

int pt_init(struct pt *pt, enum pt_format format, const struct pt_alloc *a);
/* Maps [gpa, gpa+size) to hpa.. with perms (0 = not present). */
int pt_map(struct pt *pt, u64 gpa, u64 size, u64 hpa, u32 perms, u32 flags);
/* Looks gpa up: 0 and hpa/perms/page size, or -ENOENT if not present. */
int pt_lookup(const struct pt *pt, u64 gpa, u64 *hpa, u32 *perms,
	      u64 *page_size);

#endif
