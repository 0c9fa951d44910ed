/*
 * Port I/O interception.  Everything passes through to the hardware unless a
 * driver registers a handler for a port range; registering turns on the
 * intercept bits for exactly those ports (the arch layer owns the bitmap).
 * Registration happens at boot, before the guest runs, so the table needs
 * no lock on the dispatch path.
 */
#include <tv/env.h>
#include <tv/hv.h>

#define IO_HANDLERS_MAX	32

struct io_handler {
	u16 port;
	u16 count;
	io_handler_fn fn;
	void *ctx;
};

static struct io_handler io_handlers[IO_HANDLERS_MAX];
static unsigned int io_nhandlers;

int io_register(u16 port, u16 count, io_handler_fn fn, void *ctx)
{
	struct io_handler *h;
	int err;

	if (!count || (u32)port + count > 0x10000)
		return -EINVAL;
	if (io_nhandlers == IO_HANDLERS_MAX)
		return -ENOSPC;
	err = arch->io_intercept(port, count);
	if (err)
		return err;
	h = &io_handlers[io_nhandlers++];
	h->port = port;
	h->count = count;
	h->fn = fn;
	h->ctx = ctx;
	return 0;
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
	unsigned int i;

	for (i = 0; i < io_nhandlers; i++) {
		struct io_handler *h = &io_handlers[i];

		if (port >= h->port && port < h->port + h->count)
			return h->fn(cpu, port, size, write, val, h->ctx) == 0;
	}
	return false;
}
