/*
 * tv-ata: send one PIO WRITE SECTORS EXT (ATA 34h) of a 512-byte marker
 * to a SATA disk through SG_IO and ATA PASS-THROUGH (16) (SAT-3 §12.2.2),
 * the way a tool like hdparm bypasses the block layer's DMA commands.
 *
 *   tv-ata /dev/sdX LBA   -> "tv-ata: completed" (exit 0) or
 *                            "tv-ata: failed, status .. sense .." (exit 2)
 *
 * thinvisor's ahci_crypt refuses PIO data commands on an encrypted port
 * (docs/storage.md): the test (tools/initramfs/tests/ahcicrypt.sh) expects
 * exit 2, the disk unchanged and the port still working afterwards.
 */
#include <fcntl.h>
#include <scsi/sg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define ATA_16			0x85
#define SAT_PROTO_PIO_OUT	5
#define ATA_WRITE_SECTORS_EXT	0x34

static void build_cdb(uint8_t *cdb, uint64_t lba)
{
	memset(cdb, 0, 16);
	cdb[0] = ATA_16;
	cdb[1] = SAT_PROTO_PIO_OUT << 1 | 1;	/* 48-bit command */
	cdb[2] = 0x06;		/* to device, length in blocks, in COUNT */
	cdb[6] = 1;		/* one sector */
	cdb[7] = (uint8_t)(lba >> 24);
	cdb[8] = (uint8_t)lba;
	cdb[9] = (uint8_t)(lba >> 32);
	cdb[10] = (uint8_t)(lba >> 8);
	cdb[11] = (uint8_t)(lba >> 40);
	cdb[12] = (uint8_t)(lba >> 16);
	cdb[13] = 0x40;		/* device: LBA */
	cdb[14] = ATA_WRITE_SECTORS_EXT;
}

int main(int argc, char **argv)
{
	uint8_t cdb[16], sense[32] = { 0 }, buf[512];
	struct sg_io_hdr io;
	int fd, i;

	if (argc != 3) {
		fprintf(stderr, "usage: tv-ata /dev/sdX LBA\n");
		return 1;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < 512; i++)
		buf[i] = (uint8_t)"TVCRYPT-PIO-WRITE-MARKER-0123456\n"[i % 33];
	build_cdb(cdb, strtoull(argv[2], NULL, 0));
	memset(&io, 0, sizeof(io));
	io.interface_id = 'S';
	io.dxfer_direction = SG_DXFER_TO_DEV;
	io.cmd_len = sizeof(cdb);
	io.cmdp = cdb;
	io.dxfer_len = sizeof(buf);
	io.dxferp = buf;
	io.mx_sb_len = sizeof(sense);
	io.sbp = sense;
	io.timeout = 20000;
	if (ioctl(fd, SG_IO, &io) < 0) {
		perror("SG_IO");
		return 1;
	}
	close(fd);
	if (!io.status && !io.host_status && !io.driver_status) {
		printf("tv-ata: completed\n");
		return 0;
	}
	printf("tv-ata: failed, status %x host %x driver %x sense %02x %02x "
	       "%02x %02x\n", io.status, io.host_status, io.driver_status,
	       sense[0], sense[1], sense[2], sense[3]);
	return 2;
}
