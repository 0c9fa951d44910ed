# lib/aml: static AML parser and ACPI namespace (see docs/aml.md).
AML_SRCS := lib/aml/ns.c lib/aml/opcodes.c lib/aml/data.c lib/aml/parse.c \
	lib/aml/declare.c lib/aml/build.c lib/aml/query.c lib/aml/resource.c \
	lib/aml/patch.c lib/aml/eval.c
LIB_SRCS += $(AML_SRCS)

HOST_TOOLS += amlns
HOST_TOOL_amlns_SRCS := tools/amlns/amlns.c $(AML_SRCS)

# Unit tests; the ASL snippets are compiled by iasl into build/aml/data.
AML_ASL := $(wildcard tests/data/aml/*.asl)
AML_TEST_AML := $(patsubst tests/data/aml/%.asl,$(BUILD)/aml/data/%.aml,$(AML_ASL))

$(BUILD)/aml/data/%.aml: tests/data/aml/%.asl
	@mkdir -p $(dir $@)
	iasl -p $(basename $@) $< > $@.log 2>&1 || (cat $@.log; false)

UNIT_TESTS += aml aml_errata
UNIT_aml_SRCS := tests/unit/test_aml.c tests/unit/test_aml_asm.c $(AML_SRCS)
UNIT_aml_errata_SRCS := tests/unit/test_aml_errata.c tests/unit/test_aml_asm.c \
	$(AML_SRCS)
$(BUILD)/host/tests/unit/test_aml.o: HOST_CFLAGS += \
	-DAML_DATA_DIR='"$(BUILD)/aml/data"'
$(BUILD)/unit/aml: | $(AML_TEST_AML)

# amlns with ASan/UBSan for the corpus test.
AML_CORPUS ?= ../shared/acpi-corpus
$(BUILD)/aml/amlns-asan: $(patsubst %.c,$(BUILD)/host/%.o,$(HOST_TOOL_amlns_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $^ -o $@

.PHONY: test-aml-corpus fuzz-aml fuzz-aml-quick bench-aml
test-aml-corpus: $(BUILD)/aml/amlns-asan
	python3 tests/aml/corpus_test.py --amlns $(BUILD)/aml/amlns-asan \
		--corpus $(AML_CORPUS) --cache $(BUILD)/aml-ref --show 0

# libFuzzer harness (clang), seeded from a few small corpus tables.
AML_FUZZ_FLAGS := -std=gnu11 -g -O1 -DTV_HOST -Iinclude $(WARN) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
AML_FUZZ_SECONDS ?= 600
$(BUILD)/aml/fuzz_aml: tests/aml/fuzz_aml.c $(AML_SRCS) $(wildcard include/tv/aml*.h)
	@mkdir -p $(dir $@)
	clang $(AML_FUZZ_FLAGS) tests/aml/fuzz_aml.c $(AML_SRCS) -o $@

$(BUILD)/aml/fuzz-seeds/.stamp:
	tests/aml/fuzz_seeds.sh $(AML_CORPUS) $(dir $@)
	@touch $@

fuzz-aml-quick: $(BUILD)/aml/fuzz_aml $(BUILD)/aml/fuzz-seeds/.stamp
	@mkdir -p $(BUILD)/aml/fuzz-corpus
	cd $(BUILD)/aml && ./fuzz_aml -max_total_time=20 -max_len=65536 \
		-timeout=5 -print_final_stats=1 fuzz-corpus fuzz-seeds 2>&1 | \
		grep -E '^(stat::number_of_executed_units|Done|==|SUMMARY)' ; \
		test $${PIPESTATUS[0]} -eq 0

fuzz-aml: $(BUILD)/aml/fuzz_aml $(BUILD)/aml/fuzz-seeds/.stamp
	@mkdir -p $(BUILD)/aml/fuzz-corpus
	cd $(BUILD)/aml && ./fuzz_aml -max_total_time=$(AML_FUZZ_SECONDS) \
		-max_len=262144 -timeout=5 -print_final_stats=1 fuzz-corpus fuzz-seeds

bench-aml: $(BUILD)/amlns
	python3 tests/aml/bench.py --amlns $(BUILD)/amlns --corpus $(AML_CORPUS)

TEST_TARGETS += test-aml-corpus fuzz-aml-quick
