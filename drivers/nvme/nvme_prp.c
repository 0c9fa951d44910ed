/*
 * PRPs (NVMe 1.4 §4.3, 2.0 §4.1.1): checking the guest's data pointers of
 * a command nvme_crypt bounces, and moving data between the guest's pages
 * and the bounce pages.
 *
 * A transfer of len bytes starts at PRP1, which may have a dword-aligned
 * offset into its page.  If it does not fit in PRP1's page, PRP2 is either
 * the second (page-aligned) page, when exactly one more page is needed, or
 * the address of a PRP list: qword entries of page-aligned addresses
 * filling the rest of that page, whose last entry points to the next list
 * page when more entries are needed.  The guest writes all of this in its
 * own memory, so every pointer is checked (alignment, accessible guest
 * memory in the right direction) and the page addresses are captured into
 * a hypervisor page once; the controller only ever sees our own list of
 * bounce pages.  Loops are bounded by the page count of the transfer, so a
 * list that points to itself ends in an error, not a hang.
 */
#include <tv/env.h>
#include "nvme_shadow.h"

#define PAGE_OFF(a)	((a) & (NVME_PAGE_SIZE - 1))

static bool piece_ok(const struct nvme_env *env, u64 addr, u32 len,
		     bool write)
{
	return env->guest_map(env->ctx, addr, len, write) != NULL;
}

/* Reads PRP list entry at addr; false if the guest cannot read it. */
static bool read_entry(const struct nvme_env *env, u64 addr, u64 *val)
{
	const u64 *p = env->guest_map(env->ctx, addr, 8, false);

	if (!p)
		return false;
	*val = *(const volatile u64 *)p;
	return true;
}

/* Entries 1..n-1 of a transfer from the PRP list at list. */
static int walk_list(const struct nvme_env *env, u64 list, u32 rest,
		     bool write, u64 *out, u16 *status)
{
	u32 i = 1, hops = 0, left = rest;
	u64 e;

	if (list & 7) {
		*status = NVME_SC_PRP_OFFSET;
		return -EINVAL;
	}
	while (left) {
		bool last_slot = PAGE_OFF(list) == NVME_PAGE_SIZE - 8;

		if (!read_entry(env, list, &e)) {
			*status = NVME_SC_DATA_XFER_ERROR;
			return -EFAULT;
		}
		if (last_slot && left > 1) {
			/* Chain to the next list page (1.4 §4.3). */
			if ((e & 7) || ++hops > rest) {
				*status = NVME_SC_PRP_OFFSET;
				return -EINVAL;
			}
			list = e;
			continue;
		}
		if (PAGE_OFF(e)) {
			*status = NVME_SC_PRP_OFFSET;
			return -EINVAL;
		}
		if (!piece_ok(env, e, MIN(left * NVME_PAGE_SIZE, NVME_PAGE_SIZE),
			      write)) {
			*status = NVME_SC_DATA_XFER_ERROR;
			return -EFAULT;
		}
		out[i++] = e;
		left--;
		list += 8;
	}
	return 0;
}

int nvme_prp_collect(const struct nvme_env *env, u64 prp1, u64 prp2, u32 len,
		     bool write, u64 *out, u32 max, u16 *status)
{
	u32 first = NVME_PAGE_SIZE - PAGE_OFF(prp1), rest;
	int err;

	*status = NVME_SC_INVALID_FIELD;
	if (!len)
		return -EINVAL;
	if (prp1 & 3) {
		*status = NVME_SC_PRP_OFFSET;
		return -EINVAL;
	}
	if (!piece_ok(env, prp1, MIN(len, first), write)) {
		*status = NVME_SC_DATA_XFER_ERROR;
		return -EFAULT;
	}
	out[0] = prp1;
	if (len <= first)
		return 1;
	rest = (len - first + NVME_PAGE_SIZE - 1) / NVME_PAGE_SIZE;
	if (rest + 1 > max)
		return -E2BIG;
	if (rest == 1) {
		if (PAGE_OFF(prp2)) {
			*status = NVME_SC_PRP_OFFSET;
			return -EINVAL;
		}
		if (!piece_ok(env, prp2, len - first, write)) {
			*status = NVME_SC_DATA_XFER_ERROR;
			return -EFAULT;
		}
		out[1] = prp2;
		return 2;
	}
	err = walk_list(env, prp2, rest, write, out, status);
	return err ? err : (int)(rest + 1);
}

void *nvme_tag_page(struct nvme_ctrl *c, const struct nvme_tag *t, u16 i)
{
	const u64 *list;

	if (i == 0)
		return nvme_pool_va(&c->pool, t->page0);
	if (i == 1)
		return nvme_pool_va(&c->pool, t->page1);
	list = nvme_pool_va(&c->pool, t->list);
	return nvme_pool_va(&c->pool, nvme_pool_index(&c->pool, list[i - 1]));
}

int nvme_copy_guest(struct nvme_ctrl *c, const struct nvme_tag *t,
		    bool to_guest)
{
	const u64 *g = nvme_pool_va(&c->pool, t->glist);
	u32 pos = 0, gi = 0, goff = 0;

	while (pos < t->len) {
		u32 gcap = gi ? NVME_PAGE_SIZE : NVME_PAGE_SIZE - PAGE_OFF(g[0]);
		u32 boff = pos % NVME_PAGE_SIZE;
		u32 chunk = MIN(MIN(gcap - goff, NVME_PAGE_SIZE - boff),
				t->len - pos);
		u8 *bp = (u8 *)nvme_tag_page(c, t, (u16)(pos / NVME_PAGE_SIZE)) +
			 boff;
		u8 *gp;

		if (gi >= t->nguest)
			return -EFAULT;
		gp = c->env->guest_map(c->env->ctx, g[gi] + goff, chunk, to_guest);
		if (!gp)
			return -EFAULT;
		memcpy(to_guest ? gp : bp, to_guest ? bp : gp, chunk);
		pos += chunk;
		goff += chunk;
		if (goff == gcap) {
			gi++;
			goff = 0;
		}
	}
	return 0;
}

int nvme_bounce_alloc(struct nvme_ctrl *c, struct nvme_tag *t,
		      struct nvme_sqe *cmd)
{
	u16 idx[NVME_XFER_MAX_PAGES + 2];
	u16 n = (u16)((t->len + NVME_PAGE_SIZE - 1) / NVME_PAGE_SIZE), i;
	u16 extra = n > 2 ? 2 : 1;	/* guest list, our PRP list */
	u64 *list;

	if (!n || n > NVME_XFER_MAX_PAGES)
		return -EINVAL;
	if (nvme_pool_get(&c->pool, n + extra, idx))
		return -ENOMEM;
	t->npages = n;
	t->page0 = idx[0];
	t->page1 = n > 1 ? idx[1] : NVME_POOL_NONE;
	t->glist = idx[n];
	t->list = n > 2 ? idx[n + 1] : NVME_POOL_NONE;
	cmd->prp1 = nvme_pool_pa(&c->pool, idx[0]);
	cmd->prp2 = n > 1 ? nvme_pool_pa(&c->pool, idx[1]) : 0;
	if (n > 2) {
		list = nvme_pool_va(&c->pool, t->list);
		for (i = 1; i < n; i++)
			list[i - 1] = nvme_pool_pa(&c->pool, idx[i]);
		cmd->prp2 = nvme_pool_pa(&c->pool, t->list);
	}
	return 0;
}

void nvme_bounce_free(struct nvme_ctrl *c, struct nvme_tag *t)
{
	const u64 *list;
	u16 i;

	if (!t->npages)
		return;
	if (t->list != NVME_POOL_NONE) {
		list = nvme_pool_va(&c->pool, t->list);
		for (i = 2; i < t->npages; i++)
			nvme_pool_put(&c->pool, nvme_pool_index(&c->pool, list[i - 1]));
		nvme_pool_put(&c->pool, t->list);
	}
	nvme_pool_put(&c->pool, t->page0);
	if (t->npages > 1)
		nvme_pool_put(&c->pool, t->page1);
	nvme_pool_put(&c->pool, t->glist);
	t->npages = 0;
}

/* Captures the guest's pages and sets up the bounce; 0/-EAGAIN/status. */
int nvme_bounce_setup(struct nvme_ctrl *c, struct nvme_sqe *cmd,
			struct nvme_tag *t, bool dev_writes)
{
	u64 prp1 = cmd->prp1, prp2 = cmd->prp2;
	u16 status;
	int n;

	if (nvme_bounce_alloc(c, t, cmd))
		return -EAGAIN;
	n = nvme_prp_collect(c->env, prp1, prp2, t->len, dev_writes,
			     nvme_pool_va(&c->pool, t->glist),
			     NVME_PAGE_SIZE / 8, &status);
	if (n < 0) {
		nvme_warn(c, "cid %u: bad PRPs %llx/%llx for %u bytes: status %x\n",
			  t->guest_cid, (unsigned long long)prp1,
			  (unsigned long long)prp2, t->len, status);
		nvme_bounce_free(c, t);
		return status;
	}
	t->nguest = (u16)n;
	return 0;
}
