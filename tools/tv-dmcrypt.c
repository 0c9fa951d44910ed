/*
 * tv-dmcrypt: map a whole block device through dm-crypt in plain mode,
 * the in-guest baseline of `make bench-storage` (tests/bench/bench_storage.py).
 *
 *     tv-dmcrypt NAME DEVICE HEXKEY     ->  /dev/mapper/NAME (= /dev/dm-N)
 *
 * Three device-mapper ioctls on /dev/mapper/control, as `dmsetup create`
 * would issue them: DM_DEV_CREATE (an empty device), DM_TABLE_LOAD (one
 * `crypt` target "aes-xts-plain64 HEXKEY 0 DEVICE 0" over the whole
 * device, i.e. IV = absolute sector, like thinvisor's nvme_crypt) and
 * DM_DEV_SUSPEND without DM_SUSPEND_FLAG (resume: make the table live).
 * A static program instead of Debian's dmsetup/cryptsetup, whose shared
 * libraries would all have to go into the initramfs.  Needs the dm-crypt
 * module and an xts(aes) implementation loaded; prints "tv-dmcrypt: NAME
 * is dm-MINOR, SECTORS sectors" on success.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/dm-ioctl.h>
#include <linux/fs.h>

#define CIPHER		"aes-xts-plain64"
#define KEY_HEX_LEN	128	/* 512-bit XTS key: two AES-256 keys */

/* Room for the header, one target spec and its parameter string. */
union dm_buf {
	struct dm_ioctl io;
	char bytes[sizeof(struct dm_ioctl) + sizeof(struct dm_target_spec) + 512];
};

static void dm_init(union dm_buf *b, const char *name, size_t size)
{
	memset(b, 0, sizeof(*b));
	b->io.version[0] = DM_VERSION_MAJOR;
	b->io.data_size = size;
	b->io.data_start = sizeof(struct dm_ioctl);
	snprintf(b->io.name, sizeof(b->io.name), "%s", name);
}

static int dm_call(int ctl, unsigned long cmd, union dm_buf *b, const char *what)
{
	if (ioctl(ctl, cmd, b) == 0)
		return 0;
	perror(what);
	return -1;
}

/* The table: one crypt target from sector 0 over the whole device. */
static void table_init(union dm_buf *b, const char *name, uint64_t sectors,
		       const char *dev, const char *key)
{
	struct dm_target_spec *t;
	char *params;
	size_t len;

	dm_init(b, name, sizeof(*b));
	b->io.target_count = 1;
	t = (struct dm_target_spec *)(b->bytes + sizeof(struct dm_ioctl));
	t->sector_start = 0;
	t->length = sectors;
	snprintf(t->target_type, sizeof(t->target_type), "crypt");
	params = (char *)(t + 1);
	len = snprintf(params, 512, CIPHER " %s 0 %s 0", key, dev);
	t->next = (sizeof(*t) + len + 1 + 7) & ~7UL;
}

static int key_ok(const char *key)
{
	size_t i;

	if (strlen(key) != KEY_HEX_LEN)
		return 0;
	for (i = 0; i < KEY_HEX_LEN; i++)
		if (!strchr("0123456789abcdefABCDEF", key[i]))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	union dm_buf b;
	uint64_t bytes;
	int ctl, fd;

	if (argc != 4 || !key_ok(argv[3])) {
		fprintf(stderr, "usage: tv-dmcrypt NAME DEVICE HEXKEY(%d digits)\n",
			KEY_HEX_LEN);
		return 2;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes) != 0) {
		perror(argv[2]);
		return 1;
	}
	close(fd);
	ctl = open("/dev/mapper/control", O_RDWR);
	if (ctl < 0) {
		perror("/dev/mapper/control");
		return 1;
	}
	dm_init(&b, argv[1], sizeof(b.io));
	if (dm_call(ctl, DM_DEV_CREATE, &b, "DM_DEV_CREATE"))
		return 1;
	table_init(&b, argv[1], bytes / 512, argv[2], argv[3]);
	if (dm_call(ctl, DM_TABLE_LOAD, &b, "DM_TABLE_LOAD"))
		return 1;
	dm_init(&b, argv[1], sizeof(b.io));
	if (dm_call(ctl, DM_DEV_SUSPEND, &b, "DM_DEV_SUSPEND (resume)"))
		return 1;
	printf("tv-dmcrypt: %s is dm-%u, %llu sectors\n", argv[1],
	       minor(b.io.dev), (unsigned long long)(bytes / 512));
	return 0;
}
