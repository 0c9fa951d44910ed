/*
 * The hypervisor's memory: one region the loader reserved from the firmware
 * (EfiReservedMemoryType, so the OS leaves it alone) and that nested paging
 * hides from the guest.  The loaded image sits at the bottom; the rest is
 * handed out in 4 KiB pages by a bump allocator.  Nothing is freed: the
 * hypervisor allocates its tables and per-CPU state at boot and when CPUs
 * start, and lives as long as the machine.
 *
 * Layout:  base                image_end              next          base+size
 *          | image (.text .data .bss) | allocated pages | free ... |
 *
 * Lock: mem_lock guards `next`.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/spinlock.h>

struct hv_memory hv_mem;
static spinlock_t mem_lock;

/* Ranges outside the region the guest must not reach (the AP start page,
 * concealed devices' BARs); fixed after boot. */
#define MEM_PRIVATE_MAX	32
static struct {
	u64 base, size;
} mem_private[MEM_PRIVATE_MAX];
static unsigned int mem_nprivate;

void mem_init(u64 base, u64 size, u64 image_end)
{
	hv_mem.base = base;
	hv_mem.size = size;
	hv_mem.image_end = ALIGN_UP(image_end, 4096);
	hv_mem.next = hv_mem.image_end;
}

void *pages_alloc(unsigned int n, u64 *pa)
{
	u64 bytes = (u64)n * 4096, p;

	spin_lock(&mem_lock);
	p = hv_mem.next;
	if (!n || bytes > hv_mem.base + hv_mem.size - p) {
		spin_unlock(&mem_lock);
		return NULL;
	}
	hv_mem.next = p + bytes;
	spin_unlock(&mem_lock);
	memset((void *)p, 0, bytes);
	if (pa)
		*pa = p;
	return (void *)p;	/* identity-mapped: virtual == physical */
}

void *page_alloc(u64 *pa)
{
	return pages_alloc(1, pa);
}

static bool overlaps(u64 pa, u64 len, u64 base, u64 size)
{
	return pa + len > base && pa < base + size;
}

bool mem_is_hypervisor(u64 pa, u64 len)
{
	unsigned int i;

	if (overlaps(pa, len, hv_mem.base, hv_mem.size))
		return true;
	for (i = 0; i < mem_nprivate; i++)
		if (overlaps(pa, len, mem_private[i].base, mem_private[i].size))
			return true;
	return false;
}

int mem_add_private(u64 base, u64 size)
{
	if (mem_nprivate == MEM_PRIVATE_MAX)
		return -ENOSPC;
	mem_private[mem_nprivate].base = base;
	mem_private[mem_nprivate].size = size;
	mem_nprivate++;
	return 0;
}
