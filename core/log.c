/*
 * The hypervisor log: every line goes into a ring buffer in hypervisor
 * memory (read back by the guest through the `log` call and by the debug
 * shell) and, when log.serial names a UART, out of that UART.  The UART is
 * driven by polling with a bounded wait, so a missing or stuck UART slows
 * logging down but never hangs the hypervisor.  panic() lives here too: it
 * is for broken hypervisor invariants only, never for guest behaviour.
 *
 * Lock: log_lock guards ring, ring_head, ring_len and the UART.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include <tv/spinlock.h>
#include <arch/processor.h>

#define LOG_RING_SIZE	(64 * 1024)
#define UART_THR	0
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_LSR_THRE	BIT(5)
#define UART_DLL	0
#define UART_DLM	1

static char ring[LOG_RING_SIZE];
static size_t ring_head;	/* next write position */
static size_t ring_len;		/* bytes held, <= LOG_RING_SIZE */
static u16 uart;
static spinlock_t log_lock;

static void uart_init(u16 port)
{
	outb(port + UART_IER, 0);	/* no interrupts: we poll */
	outb(port + UART_LCR, 0x80);	/* DLAB: divisor follows */
	outb(port + UART_DLL, 1);	/* 115200 baud */
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, 0x03);	/* 8N1 */
	outb(port + UART_FCR, 0xc7);	/* FIFO on, cleared */
	outb(port + UART_MCR, 0x03);	/* DTR, RTS; OUT2 off: no IRQ */
}

static void uart_putc(char c)
{
	unsigned int spin;

	for (spin = 0; spin < 100000; spin++)
		if (inb(uart + UART_LSR) & UART_LSR_THRE)
			break;
	outb(uart + UART_THR, (u8)c);
}

void log_init(u16 uart_port)
{
	uart = uart_port;
	if (uart)
		uart_init(uart);
}

static void log_put(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ring[ring_head] = s[i];
		ring_head = (ring_head + 1) % LOG_RING_SIZE;
		if (ring_len < LOG_RING_SIZE)
			ring_len++;
		if (uart) {
			if (s[i] == '\n')
				uart_putc('\r');
			uart_putc(s[i]);
		}
	}
}

void log_vprintf(const char *fmt, va_list ap)
{
	char line[320];
	int n = tv_vsnprintf(line, sizeof(line), fmt, ap);

	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	spin_lock(&log_lock);
	log_put(line, (size_t)n);
	spin_unlock(&log_lock);
}

void log_puts(const char *s)
{
	spin_lock(&log_lock);
	log_put(s, strlen(s));
	spin_unlock(&log_lock);
}

void log_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
}

size_t log_copy(char *buf, size_t size)
{
	size_t n, start, i;

	spin_lock(&log_lock);
	n = MIN(size, ring_len);
	start = (ring_head + LOG_RING_SIZE - n) % LOG_RING_SIZE;
	for (i = 0; i < n; i++)
		buf[i] = ring[(start + i) % LOG_RING_SIZE];
	spin_unlock(&log_lock);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	/* Do not wait for a lock a crashed path may hold. */
	log_lock.locked = 0;
	log_printf("PANIC: ");
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	cpu_halt_forever();
}
