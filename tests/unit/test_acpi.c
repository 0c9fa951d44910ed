/*
 * Unit tests of lib/acpi: tables are built in a fake physical memory
 * served by the reader callback, then walked and decoded; every length
 * and checksum failure must be reported and skipped.  The last test
 * decodes the FADT, FACS, MCFG, MADT and DMAR of every corpus machine
 * (../shared/acpi-corpus), which must all be accepted and iterate to
 * their exact end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <tv/acpi.h>

#ifndef ACPI_CORPUS
#define ACPI_CORPUS "../shared/acpi-corpus"
#endif

/* Fake physical memory: a few regions at chosen addresses. */
struct region {
	u64 pa;
	u8 buf[512];
	u32 len;
};

static struct region mem[16];
static u32 nmem;
static char logged[16][64];
static u32 nlog, nerr;

static void set64(void *base, u32 i, u64 v)
{
	memcpy((u8 *)base + 8 * i, &v, 8);
}

static u64 get64(const void *base, u32 i)
{
	u64 v;

	memcpy(&v, (const u8 *)base + 8 * i, 8);
	return v;
}

static int fake_read(void *ctx, u64 pa, void *buf, u32 len)
{
	u32 i;

	for (i = 0; i < nmem; i++)
		if (pa >= mem[i].pa && pa + len <= mem[i].pa + mem[i].len) {
			memcpy(buf, mem[i].buf + (pa - mem[i].pa), len);
			return 0;
		}
	return -EFAULT;
}

static void fake_log(void *ctx, const struct acpi_diag *d)
{
	nerr += d->error;
	if (nlog < 16)
		snprintf(logged[nlog++], 64, "%s:%s", d->sig, d->msg);
}

static const struct acpi_reader reader = {
	.read = fake_read, .log = fake_log,
};

static u8 *region(u64 pa, u32 len)
{
	struct region *r = &mem[nmem++];

	memset(r, 0, sizeof(*r));
	r->pa = pa;
	r->len = len;
	return r->buf;
}

static void *table(u64 pa, const char *sig, u32 len, u8 rev)
{
	struct acpi_header *h = (void *)region(pa, len);

	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, "THINV ", 6);
	return h;
}

static void rsdp_at(u64 pa, u8 rev, u32 rsdt, u64 xsdt)
{
	struct acpi_rsdp *r = (void *)region(pa, sizeof(*r));

	memcpy(r->signature, "RSD PTR ", 8);
	r->revision = rev;
	r->rsdt_address = rsdt;
	r->length = sizeof(*r);
	r->xsdt_address = xsdt;
	r->checksum = (u8)-acpi_checksum(r, ACPI_RSDP_V1_LEN);
	r->ext_checksum = (u8)-acpi_checksum(r, sizeof(*r));
}

static struct acpi_fadt *fadt_v6(u64 pa)
{
	struct acpi_fadt *f = table(pa, "FACP", sizeof(*f), 6);

	f->x_dsdt = 0x3000;
	f->x_firmware_ctrl = 0x4000;
	f->pm1_cnt_len = 2;
	f->pm1a_cnt_blk = 0x404;
	f->x_pm1a_cnt_blk = (struct acpi_gas){ ACPI_GAS_IO, 16, 0, 2, 0x1804 };
	f->pm_tmr_blk = 0x1808;
	f->pm_tmr_len = 4;
	f->flags = ACPI_FADT_TMR_VAL_EXT | ACPI_FADT_RESET_REG_SUP;
	f->reset_reg = (struct acpi_gas){ ACPI_GAS_IO, 8, 0, 1, 0xcf9 };
	f->reset_value = 6;
	acpi_fix_checksum(f);
	return f;
}

/* RSDP -> XSDT -> {FACP -> DSDT, FACS; APIC; bad; unreadable; MCFG}. */
static void machine(void)
{
	struct acpi_header *xsdt;
	u8 *x;
	void *t;

	nmem = nlog = nerr = 0;
	rsdp_at(0xe0000, 2, 0x1000, 0x2000);
	xsdt = table(0x2000, "XSDT", 36 + 5 * 8, 1);
	x = (u8 *)xsdt + 36;
	set64(x, 0, 0x5000);
	set64(x, 1, 0x6000);
	set64(x, 2, 0x7000);
	set64(x, 3, 0x9000);	/* nothing there */
	set64(x, 4, 0x8000);
	acpi_fix_checksum(xsdt);
	fadt_v6(0x5000);
	acpi_fix_checksum(table(0x3000, "DSDT", 40, 2));
	table(0x4000, "FACS", 64, 0);
	acpi_fix_checksum(table(0x6000, "APIC", 44, 4));
	t = table(0x7000, "SSDT", 40, 2);
	((u8 *)t)[9] = 0x55;	/* bad checksum */
	acpi_fix_checksum(table(0x8000, "MCFG", 44 + 16, 1));
}

static int record(void *ctx, const struct acpi_table_ref *t)
{
	char *seen = ctx;

	strcat(seen, t->sig);
	strcat(seen, t->via_fadt ? "* " : " ");
	return 0;
}

static void test_walk(void **state)
{
	char seen[128] = "";

	machine();
	assert_int_equal(acpi_walk(&reader, 0xe0000, record, seen), 0);
	assert_string_equal(seen, "FACP DSDT* FACS* APIC MCFG ");
	assert_int_equal(nerr, 2);
	assert_string_equal(logged[0], "SSDT:bad checksum");
	assert_string_equal(logged[1], ":table unreadable");
}

static void test_find(void **state)
{
	struct acpi_table_ref t;

	machine();
	assert_int_equal(acpi_find_table(&reader, 0xe0000, "DSDT", 0, &t), 0);
	assert_int_equal(t.address, 0x3000);
	assert_true(t.via_fadt);
	assert_int_equal(acpi_find_table(&reader, 0xe0000, "MCFG", 0, &t), 0);
	assert_int_equal(t.length, 60);
	assert_int_equal(acpi_find_table(&reader, 0xe0000, "MCFG", 1, &t),
			 -ENOENT);
	assert_int_equal(acpi_find_table(&reader, 0xe0000, "SSDT", 0, &t),
			 -ENOENT);	/* its checksum is bad */
}

/* An XSDT whose entry area is not a multiple of 8: use the RSDT. */
static void test_xsdt_fallback(void **state)
{
	struct acpi_header *x;
	char seen[128] = "";
	u32 *r;

	machine();
	x = (void *)mem[1].buf;
	x->length = 36 + 5 * 8 - 3;
	acpi_fix_checksum(x);
	r = (u32 *)((u8 *)table(0x1000, "RSDT", 36 + 4, 1) + 36);
	r[0] = 0x6000;
	acpi_fix_checksum(mem[nmem - 1].buf);
	assert_int_equal(acpi_walk(&reader, 0xe0000, record, seen), 0);
	assert_string_equal(seen, "APIC ");
	assert_string_equal(logged[0],
			    "XSDT:entry area not a whole number of entries");
	assert_string_equal(logged[1],
			    "XSDT:XSDT unusable, falling back to the RSDT");
}

static void test_rsdp(void **state)
{
	struct acpi_rsdp_info info;
	struct acpi_rsdp *r;

	nmem = 0;
	rsdp_at(0, 2, 0x1000, 0x2000);
	r = (void *)mem[0].buf;
	assert_int_equal(acpi_rsdp_parse(r, sizeof(*r), &info), 0);
	assert_int_equal(info.xsdt, 0x2000);
	assert_string_equal(info.oem_id, "");
	/* Bad extended checksum: ACPI 1.0 view only. */
	r->ext_checksum ^= 1;
	assert_int_equal(acpi_rsdp_parse(r, sizeof(*r), &info), 0);
	assert_int_equal(info.xsdt, 0);
	assert_int_equal(info.rsdt, 0x1000);
	/* Version 1: 20 bytes are enough. */
	r->revision = 0;
	r->checksum = 0;
	r->checksum = (u8)-acpi_checksum(r, ACPI_RSDP_V1_LEN);
	assert_int_equal(acpi_rsdp_parse(r, ACPI_RSDP_V1_LEN, &info), 0);
	r->checksum ^= 1;
	assert_int_equal(acpi_rsdp_parse(r, sizeof(*r), &info), -EBADMSG);
	assert_int_equal(acpi_rsdp_parse(r, 19, &info), -EBADMSG);
}

static void test_fadt_v1(void **state)
{
	struct acpi_fadt_info fi;
	struct acpi_fadt *f;

	nmem = 0;
	f = table(0, "FACP", ACPI_FADT_V1_LEN, 1);
	f->firmware_ctrl = 0x9000;
	f->dsdt = 0xa000;
	f->pm1a_cnt_blk = 0x404;
	f->pm1_cnt_len = 2;
	f->pm_tmr_blk = 0x408;
	f->pm_tmr_len = 4;
	f->flags = ACPI_FADT_RESET_REG_SUP;	/* no reset register in 1.0 */
	acpi_fix_checksum(f);
	assert_int_equal(acpi_fadt_parse(f, ACPI_FADT_V1_LEN, &fi), 0);
	assert_int_equal(fi.revision, 1);
	assert_int_equal(fi.facs, 0x9000);
	assert_int_equal(fi.dsdt, 0xa000);
	assert_int_equal(fi.pm1a_cnt.space_id, ACPI_GAS_IO);
	assert_int_equal(fi.pm1a_cnt.address, 0x404);
	assert_int_equal(fi.pm1a_cnt.bit_width, 16);
	assert_int_equal(fi.pm1b_cnt.address, 0);
	assert_int_equal(fi.pm_tmr.address, 0x408);
	assert_false(fi.tmr_32bit);
	assert_false(fi.reset_supported);
	/* Shorter than 1.0, or a checksum off by one: rejected. */
	f->hdr.length = 100;
	acpi_fix_checksum(f);
	assert_int_equal(acpi_fadt_parse(f, 100, &fi), -EBADMSG);
	f->hdr.length = ACPI_FADT_V1_LEN;
	acpi_fix_checksum(f);
	f->hdr.checksum++;
	assert_int_equal(acpi_fadt_parse(f, ACPI_FADT_V1_LEN, &fi), -EBADMSG);
}

static void test_fadt_v6(void **state)
{
	struct acpi_fadt_info fi;
	struct acpi_fadt *f;

	nmem = 0;
	f = fadt_v6(0);
	assert_int_equal(acpi_fadt_parse(f, sizeof(*f), &fi), 0);
	assert_int_equal(fi.dsdt, 0x3000);		/* X_DSDT preferred */
	assert_int_equal(fi.facs, 0x4000);
	assert_int_equal(fi.pm1a_cnt.address, 0x1804);	/* X_ block wins */
	assert_int_equal(fi.pm_tmr.address, 0x1808);	/* legacy only */
	assert_true(fi.tmr_32bit);
	assert_true(fi.reset_supported);
	assert_int_equal(fi.reset_reg.address, 0xcf9);
	assert_int_equal(fi.reset_value, 6);
	assert_false(fi.hw_reduced);
	/* The header must fit the buffer. */
	assert_int_equal(acpi_fadt_parse(f, sizeof(*f) - 1, &fi), -EBADMSG);
}

static void test_facs(void **state)
{
	struct acpi_facs_info fi;
	struct acpi_facs f = { .signature = "FACS", .length = 64,
			       .waking_vector = 0x1000,
			       .x_waking_vector = 0x123456789ULL,
			       .version = 2 };

	assert_int_equal(acpi_facs_parse(&f, sizeof(f), &fi), 0);
	assert_int_equal(fi.waking_vector, 0x123456789ULL);
	f.version = 0;
	assert_int_equal(acpi_facs_parse(&f, sizeof(f), &fi), 0);
	assert_int_equal(fi.waking_vector, 0x1000);
	f.length = 32;
	assert_int_equal(acpi_facs_parse(&f, sizeof(f), &fi), -EBADMSG);
}

static void test_mcfg(void **state)
{
	struct acpi_mcfg_entry e, *ents;
	struct acpi_header *h;
	u32 n;

	nmem = 0;
	h = table(0, "MCFG", 44 + 32, 1);
	ents = (void *)((u8 *)h + 44);
	ents[0] = (struct acpi_mcfg_entry){ 0xe0000000, 0, 0, 0xff, 0 };
	ents[1] = (struct acpi_mcfg_entry){ 0xf0000000, 1, 0x20, 0x10, 0 };
	acpi_fix_checksum(h);
	assert_int_equal(acpi_mcfg_count(h, h->length, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(acpi_mcfg_entry(h, h->length, 0, &e), 0);
	assert_int_equal(e.base, 0xe0000000);
	assert_int_equal(e.end_bus, 0xff);
	assert_int_equal(acpi_mcfg_entry(h, h->length, 1, &e), -EBADMSG);
	assert_int_equal(acpi_mcfg_entry(h, h->length, 2, &e), -ENOENT);
	h->length -= 4;		/* not a whole entry */
	acpi_fix_checksum(h);
	assert_int_equal(acpi_mcfg_count(h, 76, &n), -EBADMSG);
}

static u32 put(u8 *at, const void *e, u32 len)
{
	memcpy(at, e, len);
	return len;
}

static void test_madt(void **state)
{
	struct acpi_madt_lapic lapic = { 0, 8, 1, 2, 1 };
	struct acpi_madt_ioapic io = { 1, 12, 3, 0, 0xfec00000, 0 };
	struct acpi_madt_iso iso = { 2, 10, 0, 0, 2, 0 };
	struct acpi_madt_x2apic x2 = { 9, 16, 0, 0x100, 1, 7 };
	struct acpi_subtable e;
	struct acpi_header *h;
	u8 *p;
	u32 off = 0, at = 44, types = 0;
	int r;

	nmem = 0;
	h = table(0, "APIC", 44 + 8 + 12 + 10 + 16, 4);
	p = (u8 *)h;
	at += put(p + at, &lapic, 8);
	at += put(p + at, &io, 12);
	at += put(p + at, &iso, 10);
	put(p + at, &x2, 16);
	acpi_fix_checksum(h);
	while ((r = acpi_madt_next(h, h->length, &off, &e)) == 1)
		types = types * 16 + e.type;
	assert_int_equal(r, 0);
	assert_int_equal(types, 0x0129);
	assert_int_equal(((const struct acpi_madt_x2apic *)e.data)->x2apic_id,
			 0x100);
	/* A zero length would loop forever: an error. */
	p[44 + 1] = 0;
	off = 0;
	assert_int_equal(acpi_madt_next(h, h->length, &off, &e), -EBADMSG);
	/* A LAPIC entry shorter than its structure. */
	p[44 + 1] = 6;
	off = 0;
	assert_int_equal(acpi_madt_next(h, h->length, &off, &e), -EBADMSG);
	/* The last entry running past the table. */
	p[44 + 1] = 8;
	p[44 + 8 + 12 + 10 + 1] = 17;
	off = 0;
	while ((r = acpi_madt_next(h, h->length, &off, &e)) == 1)
		;
	assert_int_equal(r, -EBADMSG);
}

static void test_dmar(void **state)
{
	struct acpi_dmar_drhd drhd = { 0, 16 + 8 + 8, 0, 0, 0, 0xfed90000 };
	struct acpi_dmar_rmrr rmrr = { 1, 24 + 8, 0, 0, 0x7a000000, 0x7a1fffff };
	struct acpi_dmar_scope sc = { 1, 8, 0, 0, 0 };
	struct acpi_subtable e, s;
	struct acpi_header *h;
	u32 off = 0, soff, nscopes = 0, at = 48;
	u8 *p, path[2] = { 2, 0 };
	int r;

	nmem = 0;
	h = table(0, "DMAR", 48 + 32 + 32, 1);
	p = (u8 *)h;
	at += put(p + at, &drhd, 16);
	at += put(p + at, &sc, 6);
	at += put(p + at, path, 2);
	at += put(p + at, &sc, 6);
	at += put(p + at, path, 2);
	at += put(p + at, &rmrr, 24);
	at += put(p + at, &sc, 6);
	put(p + at, path, 2);
	acpi_fix_checksum(h);
	while ((r = acpi_dmar_next(h, h->length, &off, &e)) == 1) {
		soff = 0;
		while (acpi_dmar_scope_next(&e, &soff, &s) == 1)
			nscopes++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(nscopes, 3);
	assert_int_equal(((const struct acpi_dmar_rmrr *)e.data)->limit,
			 0x7a1fffff);
	/* A scope claiming 200 bytes inside a 32-byte structure. */
	p[48 + 16 + 1] = 200;
	off = soff = 0;
	assert_int_equal(acpi_dmar_next(h, h->length, &off, &e), 1);
	assert_int_equal(acpi_dmar_scope_next(&e, &soff, &s), -EBADMSG);
}

static void test_sdt_remove(void **state)
{
	struct acpi_header *h;
	u8 *x;

	nmem = 0;
	h = table(0, "XSDT", 36 + 24, 1);
	x = (u8 *)h + 36;
	set64(x, 0, 0x1000);
	set64(x, 1, 0x2000);	/* DMAR, say */
	set64(x, 2, 0x3000);
	acpi_fix_checksum(h);
	assert_int_equal(acpi_sdt_remove(h, 60, 1), 0);
	assert_int_equal(h->length, 52);
	assert_int_equal(get64(x, 1), 0x3000);
	assert_int_equal(acpi_table_verify(h, 60, "XSDT", 36), 0);
	assert_int_equal(acpi_sdt_remove(h, 60, 2), -ENOENT);
	h->checksum++;
	assert_int_equal(acpi_sdt_remove(h, 60, 0), -EBADMSG);
}

static u8 *slurp(const char *dir, const char *name, u32 *len)
{
	char path[512];
	FILE *f;
	long n;
	u8 *buf;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (u32)n;
	return buf;
}

struct tally {
	u32 fadt, facs, mcfg, madt, dmar, scopes, cpus, ioapics;
};

static void corpus_one(const char *dir, struct tally *t)
{
	struct acpi_subtable e, s;
	struct acpi_fadt_info fi;
	struct acpi_facs_info ci;
	struct acpi_mcfg_entry me;
	u32 len, off, soff, n, i;
	u8 *b;

	if ((b = slurp(dir, "facp.dat", &len))) {
		assert_int_equal(acpi_fadt_parse(b, len, &fi), 0);
		assert_true(fi.dsdt && (fi.hw_reduced || fi.pm1a_cnt.address));
		t->fadt++;
		free(b);
	}
	if ((b = slurp(dir, "facs.dat", &len))) {
		assert_int_equal(acpi_facs_parse(b, len, &ci), 0);
		t->facs++;
		free(b);
	}
	if ((b = slurp(dir, "mcfg.dat", &len))) {
		assert_int_equal(acpi_mcfg_count(b, len, &n), 0);
		for (i = 0; i < n; i++)
			assert_int_equal(acpi_mcfg_entry(b, len, i, &me), 0);
		t->mcfg++;
		free(b);
	}
	if ((b = slurp(dir, "apic.dat", &len))) {
		for (off = 0; acpi_madt_next(b, len, &off, &e) == 1;) {
			t->cpus += e.type == ACPI_MADT_LAPIC ||
				   e.type == ACPI_MADT_X2APIC;
			t->ioapics += e.type == ACPI_MADT_IOAPIC;
		}
		assert_int_equal(off, ((struct acpi_header *)b)->length);
		t->madt++;
		free(b);
	}
	if ((b = slurp(dir, "dmar.dat", &len))) {
		for (off = 0; acpi_dmar_next(b, len, &off, &e) == 1;) {
			for (soff = 0; acpi_dmar_scope_next(&e, &soff, &s) == 1;)
				t->scopes++;
			assert_true(!soff || soff == e.length);
		}
		assert_int_equal(off, ((struct acpi_header *)b)->length);
		t->dmar++;
		free(b);
	}
}

static void test_corpus(void **state)
{
	struct tally t = { 0 };
	char dir[512];
	struct dirent *de;
	DIR *d = opendir(ACPI_CORPUS);

	if (!d)
		skip();
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", ACPI_CORPUS, de->d_name);
		corpus_one(dir, &t);
	}
	closedir(d);
	printf("corpus: FADT %u FACS %u MCFG %u MADT %u (%u CPUs, %u IOAPICs)"
	       " DMAR %u (%u device scopes)\n", t.fadt, t.facs, t.mcfg,
	       t.madt, t.cpus, t.ioapics, t.dmar, t.scopes);
	assert_true(t.fadt > 0 && t.madt == t.fadt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_xsdt_fallback),
		cmocka_unit_test(test_fadt_v1),
		cmocka_unit_test(test_fadt_v6),
		cmocka_unit_test(test_facs),
		cmocka_unit_test(test_mcfg),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_dmar),
		cmocka_unit_test(test_sdt_remove),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
