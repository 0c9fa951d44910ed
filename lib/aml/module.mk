# lib/aml: static AML parser and ACPI namespace (see docs/aml.md).
AML_SRCS := lib/aml/ns.c lib/aml/opcodes.c lib/aml/data.c lib/aml/parse.c \
	lib/aml/declare.c lib/aml/build.c lib/aml/query.c lib/aml/resource.c \
	lib/aml/patch.c lib/aml/eval.c
LIB_SRCS += $(AML_SRCS)

HOST_TOOLS += amlns
HOST_TOOL_amlns_SRCS := tools/amlns/amlns.c $(AML_SRCS)
