/*
 * tv-pcistress CPU SECONDS ECAM_BASE: pinned to CPU, for SECONDS reads the
 * ID and class registers of every function on bus 0 alternately through
 * the port pair 0xCF8/0xCFC (iopl) and through the ECAM window (mmap of
 * /dev/mem), and checks every read against what the first pass saw.  Run
 * on every CPU at once, while the hypervisor itself reads configuration
 * space through the same ports (dbgsh pci), it shows whether any access is
 * torn or misdirected.  Like a kernel, the guest serialises its own
 * CF8+CFC pairs (an flock here): on real hardware two unlocked pairs race
 * whatever the hypervisor does.  ECAM reads take no lock.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <time.h>

#define FUNCS 256	/* bus 0: 32 devices x 8 functions */

static int lock_fd;

static uint32_t port_read(unsigned int f, unsigned int off)
{
	uint32_t v;

	flock(lock_fd, LOCK_EX);
	outl(0x80000000u | (f << 8) | off, 0xcf8);
	v = inl(0xcfc);
	flock(lock_fd, LOCK_UN);
	return v;
}

int main(int argc, char **argv)
{
	static uint32_t want[FUNCS][2];
	volatile uint32_t *ecam;
	unsigned long reads = 0, bad = 0;
	cpu_set_t set;
	time_t end;
	int fd;

	if (argc != 4)
		return 2;
	CPU_ZERO(&set);
	CPU_SET(atoi(argv[1]), &set);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	lock_fd = open("/tmp/tv-pcistress.lock", O_RDWR | O_CREAT, 0600);
	if (sched_setaffinity(0, sizeof(set), &set) || iopl(3) || fd < 0 ||
	    lock_fd < 0)
		return perror("tv-pcistress: set-up"), 1;
	ecam = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, fd,
		    strtoull(argv[3], NULL, 0));
	if (ecam == MAP_FAILED)
		return perror("tv-pcistress: mmap ECAM"), 1;
	for (unsigned int f = 0; f < FUNCS; f++) {
		want[f][0] = port_read(f, 0);
		want[f][1] = port_read(f, 8);
	}
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		for (unsigned int f = 0; f < FUNCS; f++) {
			uint32_t a = port_read(f, 0), b = ecam[f * 1024 + 2];
			uint32_t c = ecam[f * 1024], d = port_read(f, 8);

			reads += 4;
			if (a != want[f][0] || c != want[f][0] ||
			    b != want[f][1] || d != want[f][1]) {
				if (bad++ < 5)
					printf("tv-pcistress: cpu %s: 00:%02x.%x read "
					       "%08x/%08x %08x/%08x, want %08x %08x\n",
					       argv[1], f >> 3, f & 7, a, c, d, b,
					       want[f][0], want[f][1]);
			}
		}
	}
	printf("tv-pcistress: cpu %s: %lu reads, %lu inconsistent\n", argv[1],
	       reads, bad);
	return bad ? 1 : 0;
}
