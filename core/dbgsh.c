/*
 * The debug shell.  It runs inside the hypervisor; a client in the guest
 * (tools/dbgsh, or dbgsh.efi in the UEFI Shell) only moves characters
 * through the `dbgsh` guest call, one at a time, as in the seed's system:
 *   RBX = a key (0..255) or -1 to poll;
 *   RAX = 0 (nothing to print: send a key), a character to print, or
 *         0x100 | '\n' when the shell has exited.
 * Keys are echoed, lines are edited with backspace, and a command's output
 * is queued whole and drained by the client's polls.  One session at a
 * time: a new client after `exit` starts a fresh prompt.
 *
 * Lock: dbgsh_lock guards the line, the output queue and `state`.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include <tv/spinlock.h>
#include <tv/guest_map.h>

#define DBGSH_LINE_MAX	128
#define DBGSH_OUT_MAX	(96 * 1024)
#define DBGSH_EXITED	(0x100 | '\n')

enum dbgsh_state { DBGSH_IDLE, DBGSH_RUNNING, DBGSH_CLOSING };

static spinlock_t dbgsh_lock;
static char line[DBGSH_LINE_MAX];
static unsigned int line_len;
static char out[DBGSH_OUT_MAX];
static size_t out_head, out_tail;	/* queue: out[out_tail..out_head) */
static enum dbgsh_state state;

static void out_putc(char c)
{
	if (out_head < DBGSH_OUT_MAX)
		out[out_head++] = c;
}

static void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n, i;

	va_start(ap, fmt);
	n = tv_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; i < n && i < (int)sizeof(buf) - 1; i++)
		out_putc(buf[i]);
}

static const char *const dbgsh_help[] = {
	"commands:",
	"  help    this list",
	"  log     the hypervisor log",
	"  exits   exit counters per CPU and reason",
	"  cpus    processors under the hypervisor",
	"  mem     the hypervisor's memory map",
	"  pci     PCI functions, their drivers and BARs",
	"  reboot  reset the machine",
	"  exit    leave the shell",
};

/* One line at a time: out_printf formats at most 255 bytes per call. */
static void cmd_help(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dbgsh_help); i++)
		out_printf("%s\n", dbgsh_help[i]);
}

static void cmd_log(void)
{
	size_t room = DBGSH_OUT_MAX - out_head - 1;

	out_head += log_copy(out + out_head, MIN(room, (size_t)64 * 1024));
}

static void cmd_exits(void)
{
	unsigned int c, i;

	for (c = 0; c < ncpus; c++) {
		out_printf("cpu%u: %llu exits\n", c,
			   (unsigned long long)cpus[c]->exits_total);
		for (i = 0; i < EXIT_COUNTERS; i++)
			if (cpus[c]->exit_count[i])
				out_printf("  %-16s %llu\n", arch->exit_name(i),
					   (unsigned long long)cpus[c]->exit_count[i]);
	}
}

static void cmd_cpus(void)
{
	unsigned int c;

	out_printf("%u CPU%s under %s\n", ncpus, ncpus == 1 ? "" : "s", arch->name);
	for (c = 0; c < ncpus; c++)
		out_printf("cpu%u: APIC ID %u, %llu exits\n", c, cpus[c]->apic_id,
			   (unsigned long long)cpus[c]->exits_total);
}

static void cmd_mem(void)
{
	u64 used = hv_mem.next - hv_mem.base;

	out_printf("region   %016llx-%016llx %llu KiB\n",
		   (unsigned long long)hv_mem.base,
		   (unsigned long long)(hv_mem.base + hv_mem.size - 1),
		   (unsigned long long)hv_mem.size >> 10);
	out_printf("image    %016llx-%016llx %llu KiB\n",
		   (unsigned long long)hv_mem.base,
		   (unsigned long long)hv_mem.image_end - 1,
		   (unsigned long long)(hv_mem.image_end - hv_mem.base) >> 10);
	out_printf("pages    %016llx-%016llx %llu KiB allocated\n",
		   (unsigned long long)hv_mem.image_end,
		   (unsigned long long)hv_mem.next - 1,
		   (unsigned long long)(hv_mem.next - hv_mem.image_end) >> 10);
	out_printf("free     %llu KiB of %llu KiB\n",
		   (unsigned long long)(hv_mem.size - used) >> 10,
		   (unsigned long long)hv_mem.size >> 10);
	out_printf("zero page %016llx (guest view of the region)\n",
		   (unsigned long long)guest_map_zero_page());
}

static void pci_line(const char *text, void *ctx)
{
	out_printf("%s", text);
}

static void cmd_pci(void)
{
	hv_pci_list(pci_line, NULL);
}

static const struct {
	const char *name;
	void (*fn)(void);
} dbgsh_cmds[] = {
	{ "pci", cmd_pci },
	{ "help", cmd_help }, { "log", cmd_log }, { "exits", cmd_exits },
	{ "cpus", cmd_cpus }, { "mem", cmd_mem }, { "reboot", hv_reboot },
};

static void dbgsh_execute(void)
{
	unsigned int i;

	line[line_len] = 0;
	line_len = 0;
	if (!line[0])
		goto prompt;
	if (!strcmp(line, "exit") || !strcmp(line, "quit")) {
		state = DBGSH_CLOSING;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(dbgsh_cmds); i++) {
		if (!strcmp(line, dbgsh_cmds[i].name)) {
			dbgsh_cmds[i].fn();
			goto prompt;
		}
	}
	out_printf("%s: unknown command (try help)\n", line);
prompt:
	out_printf("> ");
}

static void dbgsh_key(int key)
{
	if (state == DBGSH_IDLE) {
		out_head = out_tail = 0;
		line_len = 0;
		state = DBGSH_RUNNING;
		out_printf("thinvisor debug shell (help for commands)\n> ");
	}
	if (key < 0 || state != DBGSH_RUNNING)
		return;
	if (key == '\r' || key == '\n') {
		out_putc('\n');
		dbgsh_execute();
	} else if (key == 8 || key == 127) {
		if (line_len) {
			line_len--;
			out_printf("\b \b");
		}
	} else if (key >= 0x20 && key < 0x7f && line_len + 1 < DBGSH_LINE_MAX) {
		line[line_len++] = (char)key;
		out_putc((char)key);
	}
}

long dbgsh_call(long key)
{
	long ret;

	spin_lock(&dbgsh_lock);
	if (key < -1 || key > 255)
		key = -1;
	dbgsh_key((int)key);
	if (out_tail < out_head) {
		ret = (u8)out[out_tail++];
		if (!ret)
			ret = '?';
	} else if (state == DBGSH_CLOSING) {
		state = DBGSH_IDLE;
		ret = DBGSH_EXITED;
	} else {
		out_head = out_tail = 0;
		ret = 0;
	}
	spin_unlock(&dbgsh_lock);
	return ret;
}
