# dbgsh.efi: the UEFI Shell client of the hypervisor's debug shell.
# Built like the loader (top Makefile): gnu-efi objects with EFI_CFLAGS,
# linked into a shared object, converted to PE32+ with objcopy.
# Included from tools/module.mk.

EFI_TOOL_DBGSH_SRCS := tools/efi/dbgsh.c tools/efi/efi_vmm.c
EFI_TOOL_DBGSH_OBJS := $(patsubst %.c,$(BUILD)/efi-tools/%.o,$(EFI_TOOL_DBGSH_SRCS))

$(BUILD)/efi-tools/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/efi-tools/dbgsh.so: $(EFI_TOOL_DBGSH_OBJS)
	@echo "  LD      $@"
	$(Q)ld -nostdlib -znocombreloc -T /usr/lib/elf_x86_64_efi.lds -shared -Bsymbolic \
		-L/usr/lib /usr/lib/crt0-efi-x86_64.o $^ -o $@ -lefi -lgnuefi

$(BUILD)/dbgsh.efi: $(BUILD)/efi-tools/dbgsh.so
	@echo "  EFI     $@"
	$(Q)objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $< $@

ALL_TARGETS += $(BUILD)/dbgsh.efi
