/*
 * CPUID-based detection of thinvisor and the vmmcall/vmcall trampoline
 * for the guest tools.  See call_vmm.h for the contract and
 * include/tv/vmmcall_abi.h for the register protocol.
 *
 * Every pointer handed to the hypervisor is guest-virtual and must be
 * mapped at the time of the call: the hypervisor walks our page tables
 * and answers -EFAULT for a non-present page instead of faulting it in.
 * Hence function names are copied to a prefaulted stack buffer and
 * callers prefault their result buffers with call_vmm_prefault().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "call_vmm.h"

#define NAME_MAX_LEN 64

static struct vmm_info detected;
static bool detected_ok;

void call_vmm_cpuid(uint32_t leaf, uint32_t regs[4])
{
	uint32_t a = leaf, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	regs[0] = a;
	regs[1] = b;
	regs[2] = c;
	regs[3] = d;
}

static bool is_amd_like(const char *vendor)
{
	return !strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine");
}

int call_vmm_detect(struct vmm_info *info)
{
	uint32_t r[4];

	memset(info, 0, sizeof(*info));
	call_vmm_cpuid(0, r);
	memcpy(info->cpu_vendor + 0, &r[1], 4);
	memcpy(info->cpu_vendor + 4, &r[3], 4);
	memcpy(info->cpu_vendor + 8, &r[2], 4);
	info->use_vmmcall = is_amd_like(info->cpu_vendor);

	call_vmm_cpuid(1, r);
	info->hv_bit = r[2] & (1u << 31);

	/*
	 * Leaf 0x40000000 is only meaningful with the hypervisor bit set;
	 * read it anyway so tv-info can show what is there.
	 */
	call_vmm_cpuid(TV_CPUID_LEAF_BASE, r);
	info->max_leaf = r[0];
	memcpy(info->signature + 0, &r[1], 4);
	memcpy(info->signature + 4, &r[2], 4);
	memcpy(info->signature + 8, &r[3], 4);
	info->thinvisor = info->hv_bit &&
		!memcmp(info->signature, TV_CPUID_SIGNATURE, 12);
	if (!info->thinvisor)
		return -ENODEV;

	if (info->max_leaf >= TV_CPUID_LEAF_VERSION) {
		call_vmm_cpuid(TV_CPUID_LEAF_VERSION, r);
		info->abi_version = r[0];
	}
	detected = *info;
	detected_ok = true;
	return 0;
}

void call_vmm_require(const char *prog)
{
	struct vmm_info info;

	if (call_vmm_detect(&info)) {
		fprintf(stderr, "%s: no hypervisor\n", prog);
		exit(2);
	}
}

void call_vmm_prefault(void *buf, uint64_t len)
{
	volatile char *p = buf;
	uint64_t i;

	/* Writing each page makes it present and private (no CoW later). */
	for (i = 0; i < len; i += 4096)
		p[i] = p[i];
	if (len)
		p[len - 1] = p[len - 1];
	/* Best effort: mlock keeps the pages resident; fails harmlessly. */
	mlock(buf, len);
}

int64_t call_vmm_call(uint64_t num, uint64_t rbx, uint64_t rcx, uint64_t rdx)
{
	uint64_t rax = num;

	if (!detected_ok) {
		struct vmm_info info;

		if (call_vmm_detect(&info))
			return -ENODEV;
	}
	if (detected.use_vmmcall)
		asm volatile("vmmcall"
			     : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx)
			     : : "memory");
	else
		asm volatile("vmcall"
			     : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx)
			     : : "memory");
	return (int64_t)rax;
}

int64_t call_vmm_number(const char *name)
{
	char buf[NAME_MAX_LEN];
	size_t len = strlen(name);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, name, len);
	call_vmm_prefault(buf, sizeof(buf));
	return call_vmm_call(0, (uint64_t)(uintptr_t)buf, 0, 0);
}

int64_t call_vmm_named(const char *prog, const char *name, uint64_t rbx,
		       uint64_t rcx, uint64_t rdx)
{
	int64_t num = call_vmm_number(name);
	int64_t ret;

	if (num <= 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, name,
			num ? strerror((int)-num) : "unknown function");
		return num ? num : -ENOSYS;
	}
	ret = call_vmm_call((uint64_t)num, rbx, rcx, rdx);
	if (ret < 0)
		fprintf(stderr, "%s: %s: %s\n", prog, name, strerror((int)-ret));
	return ret;
}
