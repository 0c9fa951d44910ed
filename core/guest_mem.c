/*
 * Reading and writing guest memory on the guest's behalf: instruction bytes
 * at RIP, and the buffers of guest calls.
 *
 * Addresses are guest-virtual; we walk the guest's own page tables
 * (lib/x86 walker) with the guest's privilege, so a user program cannot make
 * us read kernel memory, and we then check the guest-physical result against
 * the nested page tables, so no guest pointer can reach hypervisor memory or
 * a trapped MMIO range.  A failing access returns -EFAULT; callers turn that
 * into an error code or a page fault for the guest, never a host fault.
 * When the guest's own tables refuse the access, cpu->fault_addr/fault_err
 * say which #PF the guest would have taken (fault_err = 0: the nested
 * tables refused it).
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/guest_map.h>
#include <tv/x86_walk.h>

static int gm_read_phys(void *ctx, u64 pa, u64 *val)
{
	if (!guest_map_accessible(pa & ~7ULL, false))
		return -EFAULT;
	*val = *(volatile u64 *)(pa & ~7ULL);
	return 0;
}

static int gm_set_ad(void *ctx, u64 pa, u64 old, u64 new)
{
	if (!guest_map_accessible(pa, true))
		return -EFAULT;
	return __atomic_compare_exchange_n((u64 *)pa, &old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
		       ? 0 : -EAGAIN;
}

static void walk_cfg(struct per_cpu *cpu, struct x86_walk_cfg *cfg)
{
	struct arch_guest_paging pg;

	arch->guest_paging(cpu, &pg);
	memset(cfg, 0, sizeof(*cfg));
	cfg->cr0 = pg.cr0;
	cfg->cr3 = pg.cr3;
	cfg->cr4 = pg.cr4;
	cfg->efer = pg.efer;
	cfg->cpl = (u8)pg.cpl;
	cfg->rflags = cpu->guest.rflags;
	cfg->maxphyaddr = (u8)pg.maxphyaddr;
	cfg->read_phys = gm_read_phys;
	cfg->set_ad = gm_set_ad;
	cfg->ctx = cpu;
}

#define X86_RFLAGS_AC	BIT(18)

/*
 * Copies within one page at a time: each page is translated separately.
 * `cpu_access`: an access the CPU itself makes (the microcode loader), not
 * an instruction of the guest's: SMAP does not apply to it.
 */
static int guest_copy_access(struct per_cpu *cpu, u64 gva, void *buf,
			     size_t n, bool write, u32 access, bool cpu_access)
{
	struct x86_walk_cfg cfg;
	u8 *p = buf;

	walk_cfg(cpu, &cfg);
	if (cpu_access)
		cfg.rflags |= X86_RFLAGS_AC;
	cpu->fault_err = 0;
	while (n) {
		size_t chunk = MIN(n, 4096 - (gva & 4095));
		u64 gpa;
		u32 pf;

		if (x86_walk(&cfg, gva, access, &gpa, &pf)) {
			cpu->fault_addr = gva;
			cpu->fault_err = pf;
			return -EFAULT;
		}
		if (!guest_map_accessible(gpa, write) ||
		    !guest_map_accessible(gpa + chunk - 1, write))
			return -EFAULT;
		if (write)
			memcpy((void *)gpa, p, chunk);
		else
			memcpy(p, (const void *)gpa, chunk);
		gva += chunk;
		p += chunk;
		n -= chunk;
	}
	return 0;
}

static int guest_copy(struct per_cpu *cpu, u64 gva, void *buf, size_t n,
		      bool write, u32 access)
{
	return guest_copy_access(cpu, gva, buf, n, write, access, false);
}

int guest_copy_from_cpu(struct per_cpu *cpu, void *dst, u64 gva, size_t n)
{
	return guest_copy_access(cpu, gva, dst, n, false, 0, true);
}

int guest_copy_from(struct per_cpu *cpu, void *dst, u64 gva, size_t n)
{
	return guest_copy(cpu, gva, dst, n, false, 0);
}

int guest_copy_to(struct per_cpu *cpu, u64 gva, const void *src, size_t n)
{
	return guest_copy(cpu, gva, (void *)src, n, true, X86_WALK_WRITE);
}

/*
 * Up to n instruction bytes at the guest's CS:RIP.  Fewer if the next page
 * is not mapped (the decoder then reports a short buffer if it needed them).
 */
int guest_fetch_insn(struct per_cpu *cpu, u8 *buf, size_t n, size_t *got)
{
	struct arch_guest_paging pg;
	u64 rip;
	size_t first;
	int err;

	arch->guest_paging(cpu, &pg);
	rip = pg.mode == 64 ? cpu->guest.rip : pg.cs_base + (u32)cpu->guest.rip;
	first = MIN(n, 4096 - (rip & 4095));

	err = guest_copy(cpu, rip, buf, first, false, X86_WALK_FETCH);
	if (err)
		return err;
	*got = first;
	if (first < n && !guest_copy(cpu, rip + first, buf + first, n - first,
				     false, X86_WALK_FETCH))
		*got = n;
	return 0;
}
