/*
 * tv-cpuburn CPU COUNT: pins itself to one CPU and executes CPUID COUNT
 * times.  Under thinvisor every CPUID exits to the hypervisor, so the
 * per-CPU exit counters show that this CPU runs under it (the SMP tests and
 * bench-exits use it as a busy loop that the hypervisor can see).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static void cpuid(unsigned int leaf)
{
	unsigned int a = leaf, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

int main(int argc, char **argv)
{
	cpu_set_t set;
	long cpu, n, i;

	if (argc != 3) {
		fprintf(stderr, "usage: tv-cpuburn CPU COUNT\n");
		return 2;
	}
	cpu = strtol(argv[1], NULL, 0);
	n = strtol(argv[2], NULL, 0);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("tv-cpuburn: sched_setaffinity");
		return 1;
	}
	for (i = 0; i < n; i++)
		cpuid(0);
	printf("tv-cpuburn: cpu %ld ran %ld CPUIDs on cpu %d\n", cpu, n,
	       sched_getcpu());
	return 0;
}
