/*
 * The hypervisor core's internal interfaces: memory, log, registries for
 * port and MMIO handlers, guest-call functions, and the hooks the arch layer
 * (arch/x86/svm or arch/x86/vmx) provides.  Generic code includes this and
 * never a VMCB or VMCS.
 */
#ifndef TV_HV_H
#define TV_HV_H

#include <stdarg.h>
#include <tv/types.h>
#include <tv/config.h>
#include <tv/percpu.h>

/* ---- memory (core/mem.c) ---- */
struct hv_memory {
	u64 base;		/* region reserved by the loader */
	u64 size;
	u64 image_end;		/* end of the loaded image */
	u64 next;		/* bump pointer of the page allocator */
	u64 max_phys;		/* highest RAM/MMIO address seen, rounded */
};
extern struct hv_memory hv_mem;
void mem_init(u64 base, u64 size, u64 image_end);
void *page_alloc(u64 *pa);		/* zeroed 4 KiB page or NULL */
void *pages_alloc(unsigned int n, u64 *pa);	/* contiguous, zeroed */
bool mem_is_hypervisor(u64 pa, u64 len);
/* Another range the guest must not see (e.g. the AP start page). */
int mem_add_private(u64 base, u64 size);

/* ---- log (core/log.c) ---- */
void log_init(u16 uart_port);
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text of any length, as is (log_printf stops at one 320-byte line). */
void log_puts(const char *s);
void log_vprintf(const char *fmt, va_list ap);
size_t log_copy(char *buf, size_t size);	/* newest bytes, oldest first */
/* Prints once per `key` site in `interval` calls: for guest-triggered paths. */
#define log_ratelimited(counter, fmt, ...) do { \
	if ((counter)++ < 10) \
		log_printf(fmt, ##__VA_ARGS__); \
} while (0)
void __attribute__((noreturn)) panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* ---- configuration copied at boot (core/main.c) ---- */
extern struct tv_config hv_config;
extern u64 hv_canary_pa;
bool hv_canary_intact(void);

/* ---- port I/O handlers (core/io.c) ---- */
/* Returns 0 if handled; *val is the value read or to be written. */
typedef int (*io_handler_fn)(struct per_cpu *cpu, u16 port, unsigned int size,
			     bool write, u32 *val, void *ctx);
int io_register(u16 port, u16 count, io_handler_fn fn, void *ctx);
/*
 * Moves the handlers that start in [old_first, old_first + old_count) by
 * new_first - old_first (an I/O BAR the guest reprogrammed).  Returns how
 * many moved, or -ERANGE when the new range leaves the port space.
 */
int io_move(u16 old_first, u16 old_count, u16 new_first);
/* Handler for ports that must look unpopulated: reads all ones, writes
 * dropped (the hidden log UART, a concealed device's I/O BARs). */
int io_absent_device(struct per_cpu *cpu, u16 port, unsigned int size,
		     bool write, u32 *val, void *ctx);
/* Dispatches a guest port access; false if no handler claims it. */
bool io_dispatch(struct per_cpu *cpu, u16 port, unsigned int size,
		 bool write, u32 *val);

/* ---- MMIO handlers (core/mmio.c) ---- */
typedef int (*mmio_handler_fn)(struct per_cpu *cpu, u64 gpa,
			       unsigned int size, bool write, u64 *val,
			       void *ctx);
int mmio_register(u64 base, u64 size, mmio_handler_fn fn, void *ctx);
/*
 * Moves the handlers that start in [old_first, old_first + old_size) by
 * new_first - old_first (a memory BAR the guest reprogrammed): untraps the
 * old pages, traps the new ones.  Returns how many moved; -ERANGE when the
 * new place cannot be trapped (the handlers are parked: trapped nowhere,
 * found by no lookup, until a later move), another -errno when trapping
 * failed (parked too; the caller must take the device away).
 */
int mmio_move(u64 old_first, u64 old_size, u64 new_first);
/* Does a handler start in [first, first + size)? */
bool mmio_hooked(u64 first, u64 size);
/* Handles a nested page fault / EPT violation at gpa. */
void mmio_handle_fault(struct per_cpu *cpu, u64 gpa, bool write, bool fetch);

/* ---- guest memory (core/guest_mem.c) ---- */
int guest_copy_from(struct per_cpu *cpu, void *dst, u64 gva, size_t n);
int guest_copy_to(struct per_cpu *cpu, u64 gva, const void *src, size_t n);
/* A read the CPU itself makes (microcode loader): SMAP does not apply. */
int guest_copy_from_cpu(struct per_cpu *cpu, void *dst, u64 gva, size_t n);
int guest_fetch_insn(struct per_cpu *cpu, u8 *buf, size_t n, size_t *got);

/* ---- generic exit handlers (core/exits.c) ---- */
void hv_handle_cpuid(struct per_cpu *cpu);
void hv_handle_vmmcall(struct per_cpu *cpu);
void hv_count_exit(struct per_cpu *cpu, unsigned int idx);
void hv_dump_exits(void);
/* The number of the CPU this code runs on (core/smp.c). */
unsigned int this_cpu_id(void);
/* Resets the whole machine (guest reboot request, debug shell). */
void hv_reboot(void) __attribute__((noreturn));
/*
 * A guest AMD microcode update: the PATCH_LOADER write with the patch's
 * guest-linear address, copied and applied on this CPU
 * (core/microcode.c).  0 or the error to turn into #GP.
 */
int microcode_guest_update(struct per_cpu *cpu, u32 msr, u64 gva);
/* wrmsr that returns -EFAULT instead of faulting (arch/x86/entry.S). */
int arch_wrmsr_safe(u32 msr, u64 val);
/* The debug shell's guest call (core/dbgsh.c). */
long dbgsh_call(long key);
/* Advance the guest RIP past the instruction at RIP (decoded). */
int hv_skip_instruction(struct per_cpu *cpu);

/* ---- what the arch layer provides ---- */
struct arch_guest_paging {
	u64 cr0, cr3, cr4, efer;
	u64 cs_base, fs_base, gs_base;
	unsigned int cpl;
	unsigned int maxphyaddr;
	unsigned int mode;	/* 16, 32 or 64: code segment size */
};

struct hv_arch_ops {
	const char *name;			/* "AMD-V" / "VT-x" */
	/* Builds the guest map covering [0, top) and the intercept bitmaps. */
	int (*global_init)(u64 top);
	int (*cpu_init)(struct per_cpu *cpu);
	/* An AP: virtualize it and set the guest to start at a SIPI vector. */
	int (*cpu_init_ap)(struct per_cpu *cpu, u8 sipi_vector);
	void (*run)(struct per_cpu *cpu) __attribute__((noreturn));
	void (*inject_exception)(struct per_cpu *cpu, u8 vector, bool has_err,
				 u32 err, u64 cr2);
	void (*guest_paging)(struct per_cpu *cpu, struct arch_guest_paging *p);
	/* on: accesses exit; off: they reach the hardware again. */
	int (*io_intercept)(u16 port, u16 count, bool on);
	int (*mmio_intercept)(u64 base, u64 size, bool on);
	const char *(*exit_name)(unsigned int idx);
	bool (*gpa_accessible)(u64 gpa, bool write);
};
extern const struct hv_arch_ops *arch;
void arch_switch_stack(void *stack_top, void (*fn)(void *), void *arg, u32 *lock)
	__attribute__((noreturn));
int hv_devices_init(void);
/* Reads the firmware's ACPI tables at boot (core/acpi.c). */
int hv_acpi_init(u64 rsdp_pa);
/* ECAM windows from the MCFG table: hv_mcfg[] in drivers/pci/pci_host.h. */
#define HV_MCFG_MAX	8
extern unsigned int hv_nmcfg;
/* PCI configuration space interception and drivers (drivers/pci). */
int hv_pci_init(void);
/* The dbgsh `pci` listing. */
void hv_pci_list(void (*out)(const char *line, void *ctx), void *ctx);
extern const struct hv_arch_ops svm_ops;

#define X86_EXC_DE	0
#define X86_EXC_UD	6
#define X86_EXC_GP	13
#define X86_EXC_PF	14

#endif
