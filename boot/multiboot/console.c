/*
 * The stub's console: COM1 (I/O 0x3f8, 115200 8N1, polled) and the VGA
 * text screen at 0xb8000, the two places a person watching a BIOS boot
 * looks.  COM1 is left alone when it is the hypervisor's log UART
 * (log.serial = 0x3f8): the hypervisor hides that port from the guest.
 * Output is best effort: a UART that never gets ready is given up on
 * after a bounded wait, and a machine without VGA just has RAM there.
 */
#include <stdarg.h>
#include <tv/fmt.h>
#include "mb.h"

#define COM1		0x3f8
#define UART_THR	0
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_LSR_THRE	0x20
#define UART_SPIN	100000
#define VGA_TEXT	((volatile u16 *)0xb8000)
#define VGA_COLS	80
#define VGA_ROWS	25
#define VGA_ATTR	0x0700

static u16 com_port = COM1;
static unsigned int vga_pos;

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void mb_console_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80);	/* divisor latch: 115200 baud */
	outb(COM1 + UART_THR, 1);
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);	/* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

/* The hypervisor owns this UART from now on. */
void mb_console_quiet_port(u16 port)
{
	if (port == com_port)
		com_port = 0;
}

static void com_putc(char c)
{
	unsigned int spin = UART_SPIN;

	if (!com_port)
		return;
	while (!(inb(com_port + UART_LSR) & UART_LSR_THRE) && --spin)
		;
	outb(com_port + UART_THR, (u8)c);
}

static void vga_putc(char c)
{
	volatile u16 *v = VGA_TEXT;
	unsigned int i;

	if (c == '\n')
		vga_pos += VGA_COLS - vga_pos % VGA_COLS;
	else
		v[vga_pos++] = VGA_ATTR | (u8)c;
	if (vga_pos < VGA_COLS * VGA_ROWS)
		return;
	for (i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
		v[i] = v[i + VGA_COLS];
	for (; i < VGA_COLS * VGA_ROWS; i++)
		v[i] = VGA_ATTR | ' ';
	vga_pos -= VGA_COLS;
}

void mb_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	const char *p;

	va_start(ap, fmt);
	tv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (p = buf; *p; p++) {
		if (*p == '\n')
			com_putc('\r');
		com_putc(*p);
		vga_putc(*p);
	}
}

/*
 * Waits ms milliseconds on PIT channel 2 (Intel 8254; the PC speaker
 * gate, port 0x61, starts it and shows its output): mode 0, one count of
 * 1 ms at 1.193182 MHz at a time.  No interrupts needed.
 */
void mb_delay_ms(u32 ms)
{
	const u16 count = 1193;
	u8 gate = (inb(0x61) & ~0x02) | 0x01;	/* speaker off, gate on */

	while (ms--) {
		outb(0x61, gate & ~0x01);
		outb(0x43, 0xb0);		/* channel 2, lo/hi, mode 0 */
		outb(0x42, (u8)count);
		outb(0x42, (u8)(count >> 8));
		outb(0x61, gate);
		while (!(inb(0x61) & 0x20))
			;
	}
}

void mb_halt(void)
{
	mb_printf("thinvisor: halted\n");
	for (;;)
		asm volatile("cli; hlt");
}

/* Frame pushed by head.S: PUSHAL, then vector, error code, EIP, CS. */
struct exc_frame {
	u32 edi, esi, ebp, esp, ebx, edx, ecx, eax;
	u32 vector, error, eip, cs, eflags;
};

void mb_exception(const struct exc_frame *f);

void mb_exception(const struct exc_frame *f)
{
	u32 cr2;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	mb_printf("thinvisor-mb: exception %u (error %x) at %x:%08x, cr2 %08x\n"
		  "  eax %08x ebx %08x ecx %08x edx %08x esi %08x edi %08x\n",
		  f->vector, f->error, f->cs, f->eip, cr2, f->eax, f->ebx,
		  f->ecx, f->edx, f->esi, f->edi);
	mb_halt();
}
