/*
 * Memory-mapped I/O interception and the hypervisor's hole.
 *
 * A driver registers a guest-physical range; nested paging then leaves it
 * unmapped, so each guest access faults to us.  Neither QEMU's AMD-V nor
 * older CPUs give the faulting instruction, so we fetch it from guest memory,
 * decode it and emulate it against the handler (lib/x86).
 *
 * The hypervisor's own memory is mapped read-only to one zero page, so the
 * guest reads zeros without exits; a write faults here and is dropped: the
 * instruction is skipped as if the store had gone to a bus with nothing on
 * it (string stores drop the elements that fall in the faulting page).
 *
 * A handler that covers part of a PCI BAR moves with the BAR (mmio_move,
 * called from drivers/pci when the guest reprograms it).  A BAR the guest
 * puts where we cannot trap it - over our own memory, past the guest map -
 * leaves its handler "parked": trapped nowhere, which is safe because the
 * guest cannot reach the device there either (it reads our zero page or
 * faults).
 *
 * Lock: mmio_lock guards the table (entries are only added; a move
 * rewrites base/parked in place).  Lookups copy the entry under the lock
 * and call the handler without it.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/guest_map.h>
#include <tv/spinlock.h>
#include <tv/x86_decode.h>
#include <tv/x86_emulate.h>

#define MMIO_HANDLERS_MAX	32

struct mmio_handler {
	u64 base;
	u64 size;
	mmio_handler_fn fn;
	void *ctx;
	bool parked;		/* base is not trappable: no trap, no lookup */
};

static struct mmio_handler mmio_handlers[MMIO_HANDLERS_MAX];
static unsigned int mmio_nhandlers;
static spinlock_t mmio_lock;
static u32 mmio_warned;

int mmio_register(u64 base, u64 size, mmio_handler_fn fn, void *ctx)
{
	struct mmio_handler *h;
	int err;

	if (!size || (base | size) & 0xfff || base + size < base)
		return -EINVAL;
	spin_lock(&mmio_lock);
	err = mmio_nhandlers == MMIO_HANDLERS_MAX ? -ENOSPC :
	      arch->mmio_intercept(base, size, true);
	if (!err) {
		h = &mmio_handlers[mmio_nhandlers];
		*h = (struct mmio_handler){ .base = base, .size = size,
					    .fn = fn, .ctx = ctx };
		mmio_nhandlers++;
	}
	spin_unlock(&mmio_lock);
	return err;
}

static bool mmio_overlap(u64 a, u64 na, u64 b, u64 nb)
{
	return a < b + nb && b < a + na;
}

/* Untraps a handler's range but what other handlers still cover. */
static void mmio_release(const struct mmio_handler *moving)
{
	unsigned int i;

	arch->mmio_intercept(moving->base, moving->size, false);
	for (i = 0; i < mmio_nhandlers; i++) {
		const struct mmio_handler *h = &mmio_handlers[i];

		if (h != moving && !h->parked &&
		    mmio_overlap(h->base, h->size, moving->base, moving->size))
			arch->mmio_intercept(h->base, h->size, true);
	}
}

static bool mmio_trappable(u64 base, u64 size)
{
	return base + size > base && guest_map_covers(base, size) && !mem_is_hypervisor(base, size);
}

static int mmio_move_one(struct mmio_handler *h, u64 new_base)
{
	int err;

	if (!h->parked)
		mmio_release(h);
	h->base = new_base;
	h->parked = true;
	if (!mmio_trappable(new_base, h->size))
		return -ERANGE;
	err = arch->mmio_intercept(new_base, h->size, true);
	if (err)
		return err;
	h->parked = false;
	return 0;
}

int mmio_move(u64 old_first, u64 old_size, u64 new_first)
{
	int err = 0, moved = 0;
	unsigned int i;

	if ((old_first | new_first) & 0xfff)
		return -EINVAL;		/* hooks are whole pages */
	spin_lock(&mmio_lock);
	for (i = 0; i < mmio_nhandlers; i++) {
		struct mmio_handler *h = &mmio_handlers[i];
		int r;

		if (h->base < old_first || h->base - old_first >= old_size)
			continue;
		r = mmio_move_one(h, h->base - old_first + new_first);
		if (r && (!err || err == -ERANGE))
			err = r;
		moved++;
	}
	spin_unlock(&mmio_lock);
	return err ? err : moved;
}

bool mmio_hooked(u64 first, u64 size)
{
	bool hooked = false;
	unsigned int i;

	spin_lock(&mmio_lock);
	for (i = 0; i < mmio_nhandlers; i++)
		hooked |= mmio_handlers[i].base >= first &&
			  mmio_handlers[i].base - first < size;
	spin_unlock(&mmio_lock);
	return hooked;
}

/* A copy of the handler covering gpa; false if none (or parked). */
static bool mmio_find(u64 gpa, struct mmio_handler *out)
{
	bool found = false;
	unsigned int i;

	spin_lock(&mmio_lock);
	for (i = 0; i < mmio_nhandlers && !found; i++) {
		const struct mmio_handler *h = &mmio_handlers[i];

		if (!h->parked && gpa >= h->base && gpa - h->base < h->size) {
			*out = *h;
			found = true;
		}
	}
	spin_unlock(&mmio_lock);
	return found;
}

static int mmio_decode(struct per_cpu *cpu, struct x86_insn *insn)
{
	struct arch_guest_paging pg;
	u8 bytes[15];
	size_t got;
	int err;

	err = guest_fetch_insn(cpu, bytes, sizeof(bytes), &got);
	if (err)
		return err;
	arch->guest_paging(cpu, &pg);
	return x86_decode(bytes, got, pg.mode == 64 ? X86_MODE_64 :
			  pg.mode == 32 ? X86_MODE_32 : X86_MODE_16, insn);
}

static void regs_to_x86(struct per_cpu *cpu, struct x86_regs *r)
{
	struct arch_guest_paging pg;

	arch->guest_paging(cpu, &pg);
	memset(r, 0, sizeof(*r));
	r->fs_base = pg.fs_base;
	r->gs_base = pg.gs_base;
	r->legacy_base[X86_SEG_CS] = pg.cs_base;
	memcpy(r->gpr, cpu->guest.gpr, sizeof(r->gpr));
	r->rip = cpu->guest.rip;
	r->rflags = cpu->guest.rflags;
}

static void regs_from_x86(struct per_cpu *cpu, const struct x86_regs *r)
{
	memcpy(cpu->guest.gpr, r->gpr, sizeof(r->gpr));
	cpu->guest.rip = r->rip;
	cpu->guest.rflags = r->rflags;
}

static void mmio_drop_write(struct per_cpu *cpu, u64 gpa)
{
	struct x86_insn insn;
	struct x86_regs r;
	int err;

	err = mmio_decode(cpu, &insn);
	if (!err) {
		regs_to_x86(cpu, &r);
		err = x86_skip_write(&insn, &r, gpa);
		if (err >= 0)
			regs_from_x86(cpu, &r);
	}
	log_ratelimited(mmio_warned,
			"mmio: guest write to hypervisor memory at %llx "
			"(rip %llx) dropped%s\n", (unsigned long long)gpa,
			(unsigned long long)cpu->guest.rip,
			err < 0 ? ", undecodable: #GP" : "");
	if (err < 0)
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
}

static int emu_mmio_read(void *ctx, u64 gpa, unsigned int size, u64 *val)
{
	struct per_cpu *cpu = ctx;
	struct mmio_handler h;

	if (!mmio_find(gpa, &h))
		return -EFAULT;
	return h.fn(cpu, gpa, size, false, val, h.ctx);
}

static int emu_mmio_write(void *ctx, u64 gpa, unsigned int size, u64 val)
{
	struct per_cpu *cpu = ctx;
	struct mmio_handler h;

	if (!mmio_find(gpa, &h))
		return -EFAULT;
	return h.fn(cpu, gpa, size, true, &val, h.ctx);
}

static int emu_mem_read(void *ctx, u64 gva, void *buf, unsigned int size)
{
	return guest_copy_from(ctx, buf, gva, size);
}

static int emu_mem_write(void *ctx, u64 gva, const void *buf,
			 unsigned int size)
{
	return guest_copy_to(ctx, gva, buf, size);
}

static const struct x86_emu_ops mmio_emu_ops = {
	.mmio_read = emu_mmio_read,
	.mmio_write = emu_mmio_write,
	.mem_read = emu_mem_read,
	.mem_write = emu_mem_write,
};

static void mmio_emulate(struct per_cpu *cpu, u64 gpa)
{
	struct x86_insn insn;
	struct x86_regs r;
	int err;

	err = mmio_decode(cpu, &insn);
	if (!err) {
		regs_to_x86(cpu, &r);
		err = x86_emulate_mmio(&insn, &r, gpa, &mmio_emu_ops, cpu);
		if (err >= 0)
			regs_from_x86(cpu, &r);
	}
	if (err == -EFAULT && cpu->fault_err) {
		/* The RAM side of a string op is not mapped: the guest's #PF. */
		arch->inject_exception(cpu, X86_EXC_PF, true, cpu->fault_err,
				       cpu->fault_addr);
		return;
	}
	if (err < 0) {
		log_ratelimited(mmio_warned, "mmio: cannot emulate access to "
				"%llx at rip %llx (%d): #GP\n",
				(unsigned long long)gpa,
				(unsigned long long)cpu->guest.rip, err);
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
	}
}

void mmio_handle_fault(struct per_cpu *cpu, u64 gpa, bool write, bool fetch)
{
	struct mmio_handler h;

	if (mem_is_hypervisor(gpa, 1)) {
		if (write && !fetch) {
			mmio_drop_write(cpu, gpa);
			return;
		}
		log_ratelimited(mmio_warned, "mmio: guest %s hypervisor memory "
				"at %llx: #GP\n", fetch ? "executes" : "reads",
				(unsigned long long)gpa);
		arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
		return;
	}
	if (mmio_find(gpa, &h) && !fetch) {
		mmio_emulate(cpu, gpa);
		return;
	}
	if (!fetch && guest_map_accessible(gpa, write)) {
		/* A BAR moved away meanwhile (mmio_move): just run it again. */
		return;
	}
	log_ratelimited(mmio_warned, "mmio: unexpected nested fault at %llx "
			"(%s%s), rip %llx: #GP\n", (unsigned long long)gpa,
			write ? "write" : "read", fetch ? ", fetch" : "",
			(unsigned long long)cpu->guest.rip);
	arch->inject_exception(cpu, X86_EXC_GP, true, 0, 0);
}
