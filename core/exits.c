/*
 * Exit bookkeeping shared by both arch layers: per-CPU counters by exit
 * reason (printed on demand by the `dump_exits` call and the debug shell),
 * and skipping an instruction when the CPU does not tell us its length.
 */
#include <tv/env.h>
#include <tv/hv.h>
#include <tv/x86_decode.h>

void hv_count_exit(struct per_cpu *cpu, unsigned int idx)
{
	cpu->exits_total++;
	if (idx < EXIT_COUNTERS)
		cpu->exit_count[idx]++;
}

void hv_dump_exits(void)
{
	unsigned int c, i;

	for (c = 0; c < ncpus; c++) {
		log_printf("exits: cpu%u total %llu\n", c,
			   (unsigned long long)cpus[c]->exits_total);
		for (i = 0; i < EXIT_COUNTERS; i++)
			if (cpus[c]->exit_count[i])
				log_printf("exits: cpu%u %-16s %llu\n", c,
					   arch->exit_name(i),
					   (unsigned long long)
					   cpus[c]->exit_count[i]);
	}
}

int hv_skip_instruction(struct per_cpu *cpu)
{
	struct arch_guest_paging pg;
	struct x86_insn insn;
	u8 bytes[15];
	size_t got;
	int err;

	err = guest_fetch_insn(cpu, bytes, sizeof(bytes), &got);
	if (err)
		return err;
	arch->guest_paging(cpu, &pg);
	err = x86_decode(bytes, got, pg.mode == 64 ? X86_MODE_64 :
			 pg.mode == 32 ? X86_MODE_32 : X86_MODE_16, &insn);
	if (err)
		return err;
	cpu->guest.rip += insn.len;
	return 0;
}
