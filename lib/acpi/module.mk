# lib/acpi: checked decoders for the static ACPI tables.
ACPI_SRCS := lib/acpi/tables.c lib/acpi/fadt.c lib/acpi/subtables.c
LIB_SRCS += $(ACPI_SRCS)

ACPI_CORPUS ?= ../shared/acpi-corpus
UNIT_TESTS += acpi
UNIT_acpi_SRCS := tests/unit/test_acpi.c $(ACPI_SRCS)
$(BUILD)/host/tests/unit/test_acpi.o: HOST_CFLAGS += \
	-DACPI_CORPUS='"$(ACPI_CORPUS)"'
