# Guest tools: small static-PIE Linux programs that run inside the guest
# (in the initramfs) and talk to thinvisor through CPUID and vmmcall.
# Built with the host gcc against glibc; `make guest-tools` -> build/tools/.

GUEST_TOOLS := tv-info thinvisor-log tv-status tv-devmem tv-dumpexits tv-cpuburn tv-badcall dbgsh tv-ucode tv-pcistress tv-dmcrypt tv-time tv-ata
GUEST_TOOL_CFLAGS := -std=gnu11 -O2 -fPIE -Wall -Wextra -Werror -Iinclude -Itools
GUEST_TOOL_LDFLAGS := -static-pie
GUEST_TOOL_BINS := $(addprefix $(BUILD)/tools/,$(GUEST_TOOLS))
GUEST_TOOL_LIB_OBJS := $(BUILD)/tools/obj/lib/call_vmm.o

$(BUILD)/tools/obj/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_TOOL_CFLAGS) -MMD -MP -c $< -o $@

$(GUEST_TOOL_BINS): $(BUILD)/tools/%: $(BUILD)/tools/obj/%.o $(GUEST_TOOL_LIB_OBJS)
	$(CC) $(GUEST_TOOL_LDFLAGS) $^ -o $@

.PHONY: guest-tools
guest-tools: $(GUEST_TOOL_BINS)

ALL_TARGETS += guest-tools

include tools/efi/module.mk
