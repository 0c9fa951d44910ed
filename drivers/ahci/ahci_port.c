/*
 * Guest accesses to an AHCI HBA's registers (ABAR, AHCI 1.3.1 §3) when
 * ahci_crypt owns it, and the take-over of a port from the firmware.
 *
 *   CAP            FBSS hidden: the guest never turns on FIS-based
 *                  switching, so one 256-byte received-FIS area is enough
 *   GHC.HR         passed; every shadowed port forgets its slots
 *   other global   passed
 * On a shadowed port (one with storage.encrypt ranges, or any port while
 * disks are named by model=/serial=):
 *   PxCLB(U), PxFB(U)  the guest's values are kept here and read back;
 *                  the hardware has our shadows, written only while the
 *                  engine (ST/CR) or FIS receive (FRE/FR) is stopped
 *   PxCMD          passed; ST 1->0 drops every slot (the HBA clears PxCI),
 *                  FRE/ST 0->1 first make sure the hardware has our bases;
 *                  a PxCMD write never changes the guest's PxCLB (the
 *                  seed's bug: PxCMD before port set-up destroyed it)
 *   PxCI, PxSACT   virtual: new PxCI bits are fetched, checked and run
 *                  (ahci_cmd.c) before the write returns; reads show the
 *                  slots not yet finished for the guest
 *   PxIS           read: completions are finished first, the received-FIS
 *                  area is copied to the guest's; write 1 to clear: passed
 *   PxFBS          reads 0, writes dropped (FBS hidden)
 *   the rest       passed (PxIE, PxTFD, PxSIG, PxSSTS/SCTL/SERR, PxSNTF..)
 * Other ports are passed through untouched.
 */
#include <stdarg.h>
#include <tv/env.h>
#include <tv/fmt.h>
#include "ahci_shadow.h"

static void vlog(struct ahci_ctrl *c, const char *fmt, va_list ap)
{
	char msg[200];

	tv_prefixed_vsnprintf(msg, sizeof(msg), c->name, fmt, ap);
	c->env->log(c->env->ctx, msg);
}

void ahci_log(struct ahci_ctrl *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(c, fmt, ap);
	va_end(ap);
}

void ahci_warn(struct ahci_ctrl *c, const char *fmt, ...)
{
	va_list ap;

	if (c->warned++ >= 20)
		return;
	va_start(ap, fmt);
	vlog(c, fmt, ap);
	va_end(ap);
}

static u32 hw_rd(struct ahci_ctrl *c, u32 off)
{
	return c->env->reg_read(c->env->ctx, off);
}

static void hw_wr(struct ahci_ctrl *c, u32 off, u32 val)
{
	c->env->reg_write(c->env->ctx, off, val);
}

void ahci_ctrl_init(struct ahci_ctrl *c, const struct ahci_env *env,
		    const char *name)
{
	memset(c, 0, sizeof(*c));
	c->env = env;
	tv_snprintf(c->name, sizeof(c->name), "%s", name);
}

void ahci_port_attach(struct ahci_ctrl *c, struct ahci_port *p)
{
	p->running = -1;
	p->hba = c->name;
	c->port[p->num] = p;
}

int ahci_port_add_range(struct ahci_port *p, const struct storage_range *r,
			const struct xts_ctx *key)
{
	if (p->nranges == AHCI_RANGES_MAX)
		return -ENOSPC;
	p->ranges[p->nranges] = r;
	p->keys[p->nranges++] = key;
	return 0;
}

static void set_clb(struct ahci_ctrl *c, struct ahci_port *p)
{
	ahci_port_wr(c, p, PX_CLB, (u32)p->mem.clb_pa);
	ahci_port_wr(c, p, PX_CLBU, (u32)(p->mem.clb_pa >> 32));
}

static void set_fb(struct ahci_ctrl *c, struct ahci_port *p)
{
	ahci_port_wr(c, p, PX_FB, (u32)p->mem.rfis_pa);
	ahci_port_wr(c, p, PX_FBU, (u32)(p->mem.rfis_pa >> 32));
}

static bool wait_clear(struct ahci_ctrl *c, u32 off, u32 mask)
{
	u64 budget = 0;

	while (hw_rd(c, off) & mask)
		if (!c->env->wait(c->env->ctx, &budget))
			return false;
	return true;
}

int ahci_port_takeover(struct ahci_ctrl *c, struct ahci_port *p)
{
	u32 cmd = ahci_port_rd(c, p, PX_CMD);

	p->guest_clb = (ahci_port_rd(c, p, PX_CLB) & PX_CLB_MASK) |
		       (u64)ahci_port_rd(c, p, PX_CLBU) << 32;
	p->guest_fb = (ahci_port_rd(c, p, PX_FB) & PX_FB_MASK) |
		      (u64)ahci_port_rd(c, p, PX_FBU) << 32;
	/* AHCI §10.1.2: ST off, CR clear; then FRE off, FR clear. */
	if (cmd & (PX_CMD_ST | PX_CMD_CR)) {
		ahci_port_wr(c, p, PX_CMD, cmd & ~(u32)PX_CMD_ST);
		if (!wait_clear(c, ahci_port_off(p, PX_CMD), PX_CMD_CR))
			return -ETIMEDOUT;
	}
	if (cmd & (PX_CMD_FRE | PX_CMD_FR)) {
		ahci_port_wr(c, p, PX_CMD, ahci_port_rd(c, p, PX_CMD) &
		      ~(u32)(PX_CMD_ST | PX_CMD_FRE));
		if (!wait_clear(c, ahci_port_off(p, PX_CMD), PX_CMD_FR))
			return -ETIMEDOUT;
	}
	set_clb(c, p);
	set_fb(c, p);
	ahci_port_drop(p);
	if (cmd & PX_CMD_FRE)
		ahci_port_wr(c, p, PX_CMD, ahci_port_rd(c, p, PX_CMD) | PX_CMD_FRE);
	if (cmd & PX_CMD_ST)
		ahci_port_wr(c, p, PX_CMD, ahci_port_rd(c, p, PX_CMD) | PX_CMD_ST);
	return 0;
}

static struct ahci_port *port_of(struct ahci_ctrl *c, u32 off, u32 *reg)
{
	u32 n;

	if (off < AHCI_PORT_BASE || off >= AHCI_ABAR_SIZE)
		return NULL;
	n = (off - AHCI_PORT_BASE) / AHCI_PORT_SIZE;
	*reg = (off - AHCI_PORT_BASE) % AHCI_PORT_SIZE;
	return c->port[n];
}

static u32 port_read(struct ahci_ctrl *c, struct ahci_port *p, u32 reg)
{
	switch (reg) {
	case PX_CLB:
		return (u32)p->guest_clb;
	case PX_CLBU:
		return (u32)(p->guest_clb >> 32);
	case PX_FB:
		return (u32)p->guest_fb;
	case PX_FBU:
		return (u32)(p->guest_fb >> 32);
	case PX_IS:
		ahci_poll(c, p);
		ahci_copy_rfis(c, p);
		break;
	case PX_CI:
		ahci_poll(c, p);
		return p->ci;
	case PX_SACT:
		ahci_poll(c, p);
		return p->sact;
	case PX_FBS:
		return 0;
	}
	return ahci_port_rd(c, p, reg);
}

u32 ahci_reg_read(struct ahci_ctrl *c, u32 off)
{
	struct ahci_port *p;
	u32 reg = 0;

	if (off == AHCI_CAP)
		return hw_rd(c, off) & ~(u32)AHCI_CAP_FBSS;
	p = port_of(c, off, &reg);
	return p ? port_read(c, p, reg) : hw_rd(c, off);
}

static void write_cmd(struct ahci_ctrl *c, struct ahci_port *p, u32 val)
{
	u32 hw = ahci_port_rd(c, p, PX_CMD);

	if ((hw & PX_CMD_ST) && !(val & PX_CMD_ST)) {
		ahci_poll(c, p);	/* finish what completed before the stop */
		ahci_port_drop(p);
	}
	if ((val & PX_CMD_FRE) && !(hw & (PX_CMD_FRE | PX_CMD_FR)))
		set_fb(c, p);
	if ((val & PX_CMD_ST) && !(hw & (PX_CMD_ST | PX_CMD_CR))) {
		set_clb(c, p);
		ahci_port_drop(p);
	}
	ahci_port_wr(c, p, PX_CMD, val);
}

static void write_ci(struct ahci_ctrl *c, struct ahci_port *p, u32 val)
{
	u32 new;

	ahci_poll(c, p);
	new = val & ~p->ci;
	p->ci |= new;
	p->queued |= new;
	ahci_pump(c, p);
}

static void port_write(struct ahci_ctrl *c, struct ahci_port *p, u32 reg,
		       u32 val)
{
	switch (reg) {
	case PX_CLB:
		p->guest_clb = (p->guest_clb & GENMASK(63, 32)) | (val & PX_CLB_MASK);
		return;
	case PX_CLBU:
		p->guest_clb = (u32)p->guest_clb | (u64)val << 32;
		return;
	case PX_FB:
		p->guest_fb = (p->guest_fb & GENMASK(63, 32)) | (val & PX_FB_MASK);
		return;
	case PX_FBU:
		p->guest_fb = (u32)p->guest_fb | (u64)val << 32;
		return;
	case PX_CMD:
		write_cmd(c, p, val);
		return;
	case PX_SACT:
		p->sact |= val;
		return;
	case PX_CI:
		write_ci(c, p, val);
		return;
	case PX_FBS:
		return;
	}
	ahci_port_wr(c, p, reg, val);
}

void ahci_reg_write(struct ahci_ctrl *c, u32 off, u32 val)
{
	struct ahci_port *p;
	u32 reg = 0, i;

	p = port_of(c, off, &reg);
	if (p) {
		port_write(c, p, reg, val);
		return;
	}
	hw_wr(c, off, val);
	if (off == AHCI_GHC && (val & AHCI_GHC_HR))
		for (i = 0; i < AHCI_PORTS; i++)
			if (c->port[i])
				ahci_port_drop(c->port[i]);
}
