/*
 * Port I/O interception.  Everything passes through to the hardware unless a
 * driver registers a handler for a port range; registering turns on the
 * intercept bits for exactly those ports (the arch layer owns the bitmap).
 * Handlers are registered at boot; a PCI device's handler moves when the
 * guest moves the I/O BAR it covers (io_move, from drivers/pci).
 *
 * Lock: io_lock guards the table (entries are only added, a move rewrites
 * port in place).  Dispatch copies the entry under the lock and calls the
 * handler without it, so handlers may take their own locks and even
 * register or move.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/spinlock.h>

#define IO_HANDLERS_MAX	32

struct io_handler {
	u16 port;
	u16 count;
	io_handler_fn fn;
	void *ctx;
};

static struct io_handler io_handlers[IO_HANDLERS_MAX];
static unsigned int io_nhandlers;
static spinlock_t io_lock;

int io_register(u16 port, u16 count, io_handler_fn fn, void *ctx)
{
	struct io_handler *h;
	int err;

	if (!count || (u32)port + count > 0x10000)
		return -EINVAL;
	spin_lock(&io_lock);
	err = io_nhandlers == IO_HANDLERS_MAX ? -ENOSPC :
	      arch->io_intercept(port, count, true);
	if (!err) {
		h = &io_handlers[io_nhandlers];
		h->port = port;
		h->count = count;
		h->fn = fn;
		h->ctx = ctx;
		io_nhandlers++;
	}
	spin_unlock(&io_lock);
	return err;
}

static bool ports_overlap(u32 a, u32 na, u32 b, u32 nb)
{
	return a < b + nb && b < a + na;
}

/* Clears the intercept of [port, port + count) but for other handlers. */
static void io_release(const struct io_handler *moving, u16 port, u16 count)
{
	unsigned int i;

	arch->io_intercept(port, count, false);
	for (i = 0; i < io_nhandlers; i++) {
		const struct io_handler *h = &io_handlers[i];

		if (h != moving && ports_overlap(h->port, h->count, port, count))
			arch->io_intercept(h->port, h->count, true);
	}
}

int io_move(u16 old_first, u16 old_count, u16 new_first)
{
	int moved = 0;
	unsigned int i;

	if ((u32)new_first + old_count > 0x10000)
		return -ERANGE;
	spin_lock(&io_lock);
	for (i = 0; i < io_nhandlers; i++) {
		struct io_handler *h = &io_handlers[i];

		if (h->port < old_first || h->port - old_first >= old_count)
			continue;
		if ((u32)h->port - old_first + new_first + h->count > 0x10000)
			continue;	/* cannot happen inside one BAR */
		io_release(h, h->port, h->count);
		h->port = h->port - old_first + new_first;
		arch->io_intercept(h->port, h->count, true);
		moved++;
	}
	spin_unlock(&io_lock);
	return moved;
}

int io_absent_device(struct per_cpu *cpu, u16 port, unsigned int size,
		     bool write, u32 *val, void *ctx)
{
	if (!write)
		*val = 0xffffffff;	/* a floating bus */
	return 0;
}

bool io_dispatch(struct per_cpu *cpu, u16 port, unsigned int size,
		 bool write, u32 *val)
{
	struct io_handler found = { 0 };
	unsigned int i;

	spin_lock(&io_lock);
	for (i = 0; i < io_nhandlers && !found.fn; i++) {
		const struct io_handler *h = &io_handlers[i];

		if (port >= h->port && port < h->port + h->count)
			found = *h;
	}
	spin_unlock(&io_lock);
	if (!found.fn)
		return false;
	return found.fn(cpu, port, size, write, val, found.ctx) == 0;
}
