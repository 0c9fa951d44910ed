/*
 * Guest-to-hypervisor calls (include/tv/vmmcall_abi.h).  A function is found
 * by name (RAX = 0, RBX = name pointer) and then called by number; numbers
 * are indices into vmmcall_table plus one.  Every guest pointer goes through
 * guest_copy_from/to, which walk the guest's page tables and refuse anything
 * that nested paging would refuse the guest, so a bad pointer costs the
 * guest -EFAULT and never touches hypervisor memory.
 */
#include <tv/env.h>
#include <tv/fmt.h>
#include <tv/hv.h>
#include <tv/vmmcall_abi.h>

#define VMMCALL_NAME_MAX	32
#define VMMCALL_LOG_MAX		(64 * 1024)

typedef s64 (*vmmcall_fn)(struct per_cpu *cpu, u64 rbx, u64 rcx, u64 rdx);

static s64 call_get_status(struct per_cpu *cpu, u64 buf, u64 size, u64 rdx)
{
	struct tv_status st;
	unsigned int i;
	size_t n = MIN(size, sizeof(st));

	memset(&st, 0, sizeof(st));
	st.size = (u32)n;
	st.abi_version = TV_ABI_VERSION;
	tv_snprintf(st.vendor, sizeof(st.vendor), "%s", arch->name);
	st.vmm_base = hv_mem.base;
	st.vmm_size = hv_mem.size;
	st.canary_pa = hv_canary_pa;
	st.flags = hv_canary_intact() ? TV_STATUS_CANARY_OK : 0;
	st.ncpus = ncpus;
	for (i = 0; i < ncpus; i++)
		st.exits_total += cpus[i]->exits_total;
	if (guest_copy_to(cpu, buf, &st, n))
		return -EFAULT;
	return (s64)n;
}

static s64 call_log(struct per_cpu *cpu, u64 buf, u64 size, u64 rdx)
{
	static char tmp[VMMCALL_LOG_MAX];	/* one caller at a time below */
	size_t n = log_copy(tmp, MIN(size, sizeof(tmp)));

	if (guest_copy_to(cpu, buf, tmp, n))
		return -EFAULT;
	return (s64)n;
}

static s64 call_dump_exits(struct per_cpu *cpu, u64 rbx, u64 rcx, u64 rdx)
{
	unsigned int i;
	u64 total = 0;

	hv_dump_exits();
	for (i = 0; i < ncpus; i++)
		total += cpus[i]->exits_total;
	return (s64)total;
}

static s64 call_dbgsh(struct per_cpu *cpu, u64 key, u64 rcx, u64 rdx)
{
	return dbgsh_call((long)(s64)key);
}

static const struct {
	const char *name;
	vmmcall_fn fn;
} vmmcall_table[] = {
	{ TV_CALL_DBGSH, call_dbgsh },
	{ TV_CALL_GET_STATUS, call_get_status },
	{ TV_CALL_LOG, call_log },
	{ TV_CALL_DUMP_EXITS, call_dump_exits },
};

static s64 vmmcall_lookup(struct per_cpu *cpu, u64 name_gva)
{
	char name[VMMCALL_NAME_MAX];
	unsigned int i;

	/* The name may end near a page boundary: read byte by byte. */
	for (i = 0; i < sizeof(name); i++) {
		if (guest_copy_from(cpu, &name[i], name_gva + i, 1))
			return -EFAULT;
		if (!name[i])
			break;
	}
	if (i == sizeof(name))
		return 0;
	for (i = 0; i < ARRAY_SIZE(vmmcall_table); i++)
		if (!strcmp(name, vmmcall_table[i].name))
			return i + 1;
	return 0;
}

void hv_handle_vmmcall(struct per_cpu *cpu)
{
	u64 *g = cpu->guest.gpr;
	u64 nr = g[GPR_RAX];
	s64 ret;

	if (nr == 0)
		ret = vmmcall_lookup(cpu, g[GPR_RBX]);
	else if (nr <= ARRAY_SIZE(vmmcall_table))
		ret = vmmcall_table[nr - 1].fn(cpu, g[GPR_RBX], g[GPR_RCX],
					       g[GPR_RDX]);
	else
		ret = -ENOSYS;
	g[GPR_RAX] = (u64)ret;
}
