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
