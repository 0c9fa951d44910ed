/*
 * Bounce pages for nvme_crypt: a pool of 4 KiB pages carved once at boot
 * out of hypervisor memory (pages_alloc never frees), handed out and taken
 * back through a stack of free indices.  Requests are all or nothing, so a
 * command either gets every page it needs or none, and the caller can
 * retry it once other commands have completed.  Pages are not cleared on
 * return: they only ever hold ciphertext or data the guest itself gave or
 * is about to get.  The controller lock serialises all calls.
 */
#include <tv/env.h>
#include "nvme_shadow.h"

void nvme_pool_init(struct nvme_pool *p, u8 *va, u64 pa, u16 count, u16 *free)
{
	u16 i;

	p->va = va;
	p->pa = pa;
	p->count = count;
	p->free = free;
	p->nfree = count;
	for (i = 0; i < count; i++)
		free[i] = count - 1 - i;
}

int nvme_pool_get(struct nvme_pool *p, u16 n, u16 *idx)
{
	u16 i;

	if (n > p->nfree)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		idx[i] = p->free[--p->nfree];
	return 0;
}

void nvme_pool_put(struct nvme_pool *p, u16 idx)
{
	if (idx >= p->count || p->nfree >= p->count)
		return;		/* a bug, never a guest action: ignore */
	p->free[p->nfree++] = idx;
}

void *nvme_pool_va(const struct nvme_pool *p, u16 idx)
{
	return p->va + (u64)idx * NVME_PAGE_SIZE;
}

u64 nvme_pool_pa(const struct nvme_pool *p, u16 idx)
{
	return p->pa + (u64)idx * NVME_PAGE_SIZE;
}

u16 nvme_pool_index(const struct nvme_pool *p, u64 pa)
{
	if (pa < p->pa || (pa - p->pa) / NVME_PAGE_SIZE >= p->count ||
	    (pa & (NVME_PAGE_SIZE - 1)))
		return NVME_POOL_NONE;
	return (u16)((pa - p->pa) / NVME_PAGE_SIZE);
}
