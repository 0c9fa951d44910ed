/*
 * tv-devmem: read or write a physical address range through /dev/mem.
 *
 *   tv-devmem read ADDR LEN         -> addr=.. len=.. read=N nonzero=M
 *                                      then a hex dump of the first 64 bytes
 *   tv-devmem write ADDR LEN BYTE   -> addr=.. len=.. written=N
 *   tv-devmem peek32 ADDR           -> addr=.. value=0x........
 *
 * It uses lseek() + read()/write(), never mmap(), so the access goes
 * through the kernel's own copy routines (read_mem/write_mem) - the path
 * a compromised or buggy guest kernel would take to poke at hypervisor
 * memory.  Note that with CONFIG_STRICT_DEVMEM (Debian) only non-RAM
 * ranges are allowed and, under CONFIG_IO_STRICT_DEVMEM, only with
 * iomem=relaxed on the kernel command line; a refused access reports
 * the errno (EPERM).  Exit status 0 only when the whole range was done.
 *
 * read() of /dev/mem stops at the end of RAM, so device registers above
 * it (a 64-bit BAR) are read with peek32: one aligned 32-bit load through
 * an uncached mmap() of /dev/mem, the way a driver reads a register.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHUNK	(64 * 1024)
#define DUMP	64

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return (errno || !*s || *end) ? -1 : 0;
}

static void hexdump(uint64_t addr, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			printf("%s%016llx:", i ? "\n" : "",
			       (unsigned long long)(addr + i));
		printf(" %02x", p[i]);
	}
	if (n)
		printf("\n");
}

static int open_at(uint64_t addr, int flags)
{
	int fd = open("/dev/mem", flags);

	if (fd < 0) {
		perror("tv-devmem: /dev/mem");
		return -1;
	}
	if (lseek(fd, (off_t)addr, SEEK_SET) == (off_t)-1) {
		perror("tv-devmem: lseek");
		close(fd);
		return -1;
	}
	return fd;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t count_nonzero(const unsigned char *p, size_t n)
{
	uint64_t c = 0;

	while (n--)
		c += *p++ != 0;
	return c;
}

static int do_read(uint64_t addr, uint64_t len)
{
	unsigned char dump[DUMP], *buf = malloc(CHUNK);
	uint64_t done = 0, nonzero = 0;
	int fd, err = 0;
	ssize_t n;

	fd = buf ? open_at(addr, O_RDONLY) : -1;
	while (fd >= 0 && done < len) {
		n = read(fd, buf, min_u64(len - done, CHUNK));
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		if (done < DUMP)
			memcpy(dump + done, buf, min_u64(DUMP - done, n));
		nonzero += count_nonzero(buf, n);
		done += n;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	if (fd < 0)
		return 1;
	printf("tv-devmem: addr=0x%llx len=%llu read=%llu nonzero=%llu%s%s\n",
	       (unsigned long long)addr, (unsigned long long)len,
	       (unsigned long long)done, (unsigned long long)nonzero,
	       err ? " error=" : "", err ? strerror(err) : "");
	hexdump(addr, dump, min_u64(done, DUMP));
	return done == len ? 0 : 1;
}

static int do_write(uint64_t addr, uint64_t len, unsigned char byte)
{
	unsigned char *buf = malloc(CHUNK);
	uint64_t done = 0;
	int fd, err = 0;
	ssize_t n;

	fd = buf ? open_at(addr, O_RDWR | O_SYNC) : -1;
	if (buf)
		memset(buf, byte, CHUNK);
	while (fd >= 0 && done < len) {
		n = write(fd, buf, min_u64(len - done, CHUNK));
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		done += n;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	if (fd < 0)
		return 1;
	printf("tv-devmem: addr=0x%llx len=%llu written=%llu%s%s\n",
	       (unsigned long long)addr, (unsigned long long)len,
	       (unsigned long long)done, err ? " error=" : "",
	       err ? strerror(err) : "");
	return done == len ? 0 : 1;
}

static int do_peek32(uint64_t addr)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t base = addr & ~(uint64_t)(page - 1);
	volatile uint32_t *reg;
	void *map;
	int fd;

	if (addr & 3)
		return 2;
	fd = open("/dev/mem", O_RDONLY | O_SYNC);
	if (fd < 0) {
		perror("tv-devmem: /dev/mem");
		return 1;
	}
	map = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, (off_t)base);
	close(fd);
	if (map == MAP_FAILED) {
		printf("tv-devmem: addr=0x%llx error=%s\n",
		       (unsigned long long)addr, strerror(errno));
		return 1;
	}
	reg = (volatile uint32_t *)((char *)map + (addr - base));
	printf("tv-devmem: addr=0x%llx value=0x%08x\n",
	       (unsigned long long)addr, *reg);
	munmap(map, page);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: tv-devmem read ADDR LEN\n"
			"       tv-devmem write ADDR LEN BYTE\n"
			"       tv-devmem peek32 ADDR\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t addr, len, byte;

	if (argc == 3 && !strcmp(argv[1], "peek32") &&
	    !parse_u64(argv[2], &addr))
		return do_peek32(addr);
	if (argc < 4 || parse_u64(argv[2], &addr) || parse_u64(argv[3], &len))
		return usage();
	if (!strcmp(argv[1], "read") && argc == 4)
		return do_read(addr, len);
	if (!strcmp(argv[1], "write") && argc == 5 &&
	    !parse_u64(argv[4], &byte) && byte <= 0xff)
		return do_write(addr, len, (unsigned char)byte);
	return usage();
}
