/* Boot-record lookup: found, missing, short, unterminated tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <tv/env.h>
#include <tv/bootproto.h>

static const u8 image_uuid[16] = TV_REC_IMAGE_UUID;
static const u8 result_uuid[16] = TV_REC_RESULT_UUID;

static void make_image(struct tv_rec_image *r, u32 size)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->hdr.uuid, image_uuid, 16);
	r->hdr.size = size;
	r->region_base = 0x40000000;
}

static void test_finds_record(void **state)
{
	struct tv_rec_image img;
	struct tv_boot_record_hdr other = { .uuid = { 1, 2, 3 }, .size = 24 };
	void *table[] = { &other, &img, NULL };

	make_image(&img, sizeof(img));
	assert_ptr_equal(tv_boot_find(table, image_uuid, sizeof(img)), &img);
	assert_null(tv_boot_find(table, result_uuid, 0x18));
}

static void test_rejects_short_record(void **state)
{
	struct tv_rec_image img;
	void *table[] = { &img, NULL };

	make_image(&img, sizeof(img) - 8);
	assert_null(tv_boot_find(table, image_uuid, sizeof(img)));
	make_image(&img, 4); /* smaller than a header */
	assert_null(tv_boot_find(table, image_uuid, 0));
}

static void test_stops_at_null_and_bound(void **state)
{
	struct tv_rec_image img;
	struct tv_boot_record_hdr other = { .uuid = { 9 }, .size = 24 };
	void *table[TV_BOOT_TABLE_MAX + 2];
	int i;

	make_image(&img, sizeof(img));
	void *t2[] = { &other, NULL, &img, NULL };
	assert_null(tv_boot_find(t2, image_uuid, 0));
	for (i = 0; i < TV_BOOT_TABLE_MAX; i++)
		table[i] = &other;
	table[TV_BOOT_TABLE_MAX] = &img; /* beyond the bound: not seen */
	table[TV_BOOT_TABLE_MAX + 1] = NULL;
	assert_null(tv_boot_find(table, image_uuid, 0));
	table[TV_BOOT_TABLE_MAX - 1] = &img;
	assert_ptr_equal(tv_boot_find(table, image_uuid, 0), &img);
	assert_null(tv_boot_find(NULL, image_uuid, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_record),
		cmocka_unit_test(test_rejects_short_record),
		cmocka_unit_test(test_stops_at_null_and_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
