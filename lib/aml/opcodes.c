/*
 * The AML opcode table: for every opcode, its ASL name, the operands that
 * follow it and where it may appear.  The parser is driven entirely by
 * these strings, so adding an opcode means adding one line here.  Opcodes
 * and operand orders are from ACPI 6.5 section 20.2 (AML grammar) and
 * table 20.1 (opcode encoding).  Name strings, Local/Arg objects and the
 * data prefixes are handled by the parser directly and are listed only
 * for completeness of aml_opinfo().  The spec characters are described in
 * <tv/aml_internal.h>.
 */
#include <tv/aml_internal.h>

#define OP(n, a, c)		{ .name = n, .args = a, .cls = c }
#define NAMED(n, a, t)		{ .name = n, .args = a, .cls = OPC_NAMED, \
				  .type = t }

static const struct aml_opinfo ops1[256] = {
	[0x00] = OP("Zero", "", OPC_DATA),
	[0x01] = OP("One", "", OPC_DATA),
	[0x06] = NAMED("Alias", "Nn", AML_T_ALIAS),
	[0x08] = NAMED("Name", "nD", AML_T_INTEGER),
	[0x0a] = OP("BytePrefix", "b", OPC_DATA),
	[0x0b] = OP("WordPrefix", "w", OPC_DATA),
	[0x0c] = OP("DWordPrefix", "d", OPC_DATA),
	[0x0d] = OP("StringPrefix", "S", OPC_DATA),
	[0x0e] = OP("QWordPrefix", "q", OPC_DATA),
	[0x10] = OP("Scope", "pcT", OPC_SCOPE),
	[0x11] = OP("Buffer", "ptB", OPC_DATA),
	[0x12] = OP("Package", "pbP", OPC_DATA),
	[0x13] = OP("VarPackage", "ptP", OPC_DATA),
	[0x14] = NAMED("Method", "pnbT", AML_T_METHOD),
	[0x15] = NAMED("External", "nbb", AML_T_EXTERNAL),
	[0x60] = OP("Local0", "", OPC_REF),
	[0x61] = OP("Local1", "", OPC_REF),
	[0x62] = OP("Local2", "", OPC_REF),
	[0x63] = OP("Local3", "", OPC_REF),
	[0x64] = OP("Local4", "", OPC_REF),
	[0x65] = OP("Local5", "", OPC_REF),
	[0x66] = OP("Local6", "", OPC_REF),
	[0x67] = OP("Local7", "", OPC_REF),
	[0x68] = OP("Arg0", "", OPC_REF),
	[0x69] = OP("Arg1", "", OPC_REF),
	[0x6a] = OP("Arg2", "", OPC_REF),
	[0x6b] = OP("Arg3", "", OPC_REF),
	[0x6c] = OP("Arg4", "", OPC_REF),
	[0x6d] = OP("Arg5", "", OPC_REF),
	[0x6e] = OP("Arg6", "", OPC_REF),
	[0x70] = OP("Store", "ts", OPC_EXPR),
	[0x71] = OP("RefOf", "s", OPC_EXPR),
	[0x72] = OP("Add", "tts", OPC_EXPR),
	[0x73] = OP("Concatenate", "tts", OPC_EXPR),
	[0x74] = OP("Subtract", "tts", OPC_EXPR),
	[0x75] = OP("Increment", "s", OPC_EXPR),
	[0x76] = OP("Decrement", "s", OPC_EXPR),
	[0x77] = OP("Multiply", "tts", OPC_EXPR),
	[0x78] = OP("Divide", "ttss", OPC_EXPR),
	[0x79] = OP("ShiftLeft", "tts", OPC_EXPR),
	[0x7a] = OP("ShiftRight", "tts", OPC_EXPR),
	[0x7b] = OP("And", "tts", OPC_EXPR),
	[0x7c] = OP("NAnd", "tts", OPC_EXPR),
	[0x7d] = OP("Or", "tts", OPC_EXPR),
	[0x7e] = OP("NOr", "tts", OPC_EXPR),
	[0x7f] = OP("XOr", "tts", OPC_EXPR),
	[0x80] = OP("Not", "ts", OPC_EXPR),
	[0x81] = OP("FindSetLeftBit", "ts", OPC_EXPR),
	[0x82] = OP("FindSetRightBit", "ts", OPC_EXPR),
	[0x83] = OP("DerefOf", "t", OPC_EXPR),
	[0x84] = OP("ConcatenateResTemplate", "tts", OPC_EXPR),
	[0x85] = OP("Mod", "tts", OPC_EXPR),
	[0x86] = OP("Notify", "st", OPC_STMT),
	[0x87] = OP("SizeOf", "s", OPC_EXPR),
	[0x88] = OP("Index", "tts", OPC_EXPR),
	[0x89] = OP("Match", "tbtbtt", OPC_EXPR),
	[0x8a] = NAMED("CreateDWordField", "ttn", AML_T_BUFFER_FIELD),
	[0x8b] = NAMED("CreateWordField", "ttn", AML_T_BUFFER_FIELD),
	[0x8c] = NAMED("CreateByteField", "ttn", AML_T_BUFFER_FIELD),
	[0x8d] = NAMED("CreateBitField", "ttn", AML_T_BUFFER_FIELD),
	[0x8e] = OP("ObjectType", "s", OPC_EXPR),
	[0x8f] = NAMED("CreateQWordField", "ttn", AML_T_BUFFER_FIELD),
	[0x90] = OP("LAnd", "tt", OPC_EXPR),
	[0x91] = OP("LOr", "tt", OPC_EXPR),
	[0x92] = OP("LNot", "t", OPC_EXPR),
	[0x93] = OP("LEqual", "tt", OPC_EXPR),
	[0x94] = OP("LGreater", "tt", OPC_EXPR),
	[0x95] = OP("LLess", "tt", OPC_EXPR),
	[0x96] = OP("ToBuffer", "ts", OPC_EXPR),
	[0x97] = OP("ToDecimalString", "ts", OPC_EXPR),
	[0x98] = OP("ToHexString", "ts", OPC_EXPR),
	[0x99] = OP("ToInteger", "ts", OPC_EXPR),
	[0x9c] = OP("ToString", "tts", OPC_EXPR),
	[0x9d] = OP("CopyObject", "ts", OPC_EXPR),
	[0x9e] = OP("Mid", "ttts", OPC_EXPR),
	[0x9f] = OP("Continue", "", OPC_STMT),
	[0xa0] = OP("If", "ptT", OPC_STMT),
	[0xa1] = OP("Else", "pT", OPC_STMT),
	[0xa2] = OP("While", "ptT", OPC_STMT),
	[0xa3] = OP("Noop", "", OPC_STMT),
	[0xa4] = OP("Return", "t", OPC_STMT),
	[0xa5] = OP("Break", "", OPC_STMT),
	[0xcc] = OP("BreakPoint", "", OPC_STMT),
	[0xff] = OP("Ones", "", OPC_DATA),
};

/* Second byte of the 0x5B-prefixed opcodes. */
static const struct aml_opinfo ops2[256] = {
	[0x01] = NAMED("Mutex", "nb", AML_T_MUTEX),
	[0x02] = NAMED("Event", "n", AML_T_EVENT),
	[0x12] = OP("CondRefOf", "ss", OPC_EXPR),
	[0x13] = NAMED("CreateField", "tttn", AML_T_BUFFER_FIELD),
	[0x1f] = OP("LoadTable", "tttttt", OPC_EXPR),
	[0x20] = OP("Load", "Ns", OPC_STMT),
	[0x21] = OP("Stall", "t", OPC_STMT),
	[0x22] = OP("Sleep", "t", OPC_STMT),
	[0x23] = OP("Acquire", "sw", OPC_EXPR),
	[0x24] = OP("Signal", "s", OPC_STMT),
	[0x25] = OP("Wait", "st", OPC_EXPR),
	[0x26] = OP("Reset", "s", OPC_STMT),
	[0x27] = OP("Release", "s", OPC_STMT),
	[0x28] = OP("FromBCD", "ts", OPC_EXPR),
	[0x29] = OP("ToBCD", "ts", OPC_EXPR),
	[0x2a] = OP("Unload", "s", OPC_STMT),
	[0x30] = OP("Revision", "", OPC_DATA),
	[0x31] = OP("Debug", "", OPC_REF),
	[0x32] = OP("Fatal", "bdt", OPC_STMT),
	[0x33] = OP("Timer", "", OPC_EXPR),
	[0x80] = NAMED("OperationRegion", "nbtt", AML_T_REGION),
	[0x81] = NAMED("Field", "pNbF", AML_T_REGION_FIELD),
	[0x82] = NAMED("Device", "pnT", AML_T_DEVICE),
	[0x83] = NAMED("Processor", "pnbdbT", AML_T_PROCESSOR),
	[0x84] = NAMED("PowerResource", "pnbwT", AML_T_POWER),
	[0x85] = NAMED("ThermalZone", "pnT", AML_T_THERMAL),
	[0x86] = NAMED("IndexField", "pNNbF", AML_T_INDEX_FIELD),
	[0x87] = NAMED("BankField", "pNNtbF", AML_T_BANK_FIELD),
	[0x88] = NAMED("DataTableRegion", "nttt", AML_T_REGION),
};

/* opcode: 0x00..0xff, or 0x5b00 | second byte; NULL if not an opcode. */
const struct aml_opinfo *aml_opinfo(u32 opcode)
{
	const struct aml_opinfo *o;

	if (opcode < 0x100)
		o = &ops1[opcode];
	else if ((opcode & 0xff00) == 0x5b00)
		o = &ops2[opcode & 0xff];
	else
		return NULL;
	return o->name ? o : NULL;
}
