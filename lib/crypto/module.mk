# lib/crypto: AES (AES-NI and bitsliced), XTS-AES, SHA-256, HMAC, PBKDF2
# (see docs/crypto.md).
#
# aes_ni.c needs no per-file flags: its functions enable SSE/AES-NI with
# __attribute__((target("aes,sse2"))), so the rest of the hypervisor (and
# the rest of that file) stays -mgeneral-regs-only.
CRYPTO_SRCS := lib/crypto/crypto.c lib/crypto/aes.c lib/crypto/aes_ct.c \
	lib/crypto/aes_ni.c lib/crypto/xts.c lib/crypto/sha256.c \
	lib/crypto/hmac.c
LIB_SRCS += $(CRYPTO_SRCS)

CRYPTO_TEST_UTIL := tests/unit/test_crypto_util.c
UNIT_TESTS += crypto_xts
UNIT_crypto_xts_SRCS := tests/unit/test_crypto_xts.c \
	tests/unit/test_crypto_xts_vectors.c $(CRYPTO_TEST_UTIL) $(CRYPTO_SRCS)
UNIT_crypto_xts_LDLIBS := -lcrypto

UNIT_TESTS += crypto_aes
UNIT_crypto_aes_SRCS := tests/unit/test_crypto_aes.c $(CRYPTO_TEST_UTIL) \
	$(CRYPTO_SRCS)
UNIT_crypto_aes_LDLIBS := -lcrypto

UNIT_TESTS += crypto_sha256
UNIT_crypto_sha256_SRCS := tests/unit/test_crypto_sha256.c \
	$(CRYPTO_TEST_UTIL) $(CRYPTO_SRCS)
UNIT_crypto_sha256_LDLIBS := -lcrypto

# The same unit tests linked against the objects the hypervisor links
# (freestanding, -O2, -mgeneral-regs-only, target attributes) instead of the
# host-built copies: `make test-crypto-hvobj`, part of `make test`.
CRYPTO_UNITS := crypto_aes crypto_xts crypto_sha256
CRYPTO_HV_OBJS := $(patsubst %.c,$(BUILD)/hv/%.o,$(CRYPTO_SRCS) \
	lib/string/memcpy.c lib/string/string.c)
define crypto_hvobj_rule
$(BUILD)/unit/$(1)-hvobj: $$(patsubst %.c,$(BUILD)/host/%.o,$$(filter \
		tests/%,$$(UNIT_$(1)_SRCS))) $$(CRYPTO_HV_OBJS)
	@mkdir -p $$(dir $$@)
	@echo "  LD      $$@"
	$(Q)$$(CC) $$(HOST_CFLAGS) $$^ -lcmocka -lcrypto -o $$@
endef
$(foreach t,$(CRYPTO_UNITS),$(eval $(call crypto_hvobj_rule,$(t))))

.PHONY: test-crypto-hvobj
test-crypto-hvobj: $(patsubst %,$(BUILD)/unit/%-hvobj,$(CRYPTO_UNITS))
	@fail=0; for t in $^; do echo "== $$t"; $$t || fail=1; done; exit $$fail
TEST_TARGETS += test-crypto-hvobj

# make bench-crypto: -O2 objects without sanitizers (the hosttool rule).
CRYPTO_BENCH := $(BUILD)/hosttool/bench_crypto
CRYPTO_BENCH_SRCS := tests/bench/bench_crypto.c $(CRYPTO_SRCS)
$(CRYPTO_BENCH): $(patsubst %.c,$(BUILD)/hosttool/%.o,$(CRYPTO_BENCH_SRCS))
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(HOST_TOOL_CFLAGS) $^ -lcrypto -o $@

.PHONY: bench-crypto
bench-crypto: $(CRYPTO_BENCH)
	$(CRYPTO_BENCH)
