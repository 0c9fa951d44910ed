/*
 * Every construct lib/aml declares, as iasl compiles it.  test_aml.c checks
 * the namespace built from this DSDT and constructs_ssdt.asl, object by
 * object (paths, types, argument counts, field offsets).
 */
DefinitionBlock ("", "DSDT", 2, "THINV", "CONSTR", 1)
{
    External (\_SB.PCI0.XCAL, MethodObj)    // defined in the SSDT
    Name (INT0, 0x1234)
    Name (STR0, "hello")
    Name (BUF0, Buffer (4) { 1, 2, 3, 4 })
    Name (PKG0, Package () { 1, "two", Package () { 3 } })
    Name (_S0_, Package () { 0x00, 0x00, 0x00, 0x00 })
    Name (_S3_, Package () { 0x05, 0x06, 0x00, 0x00 })
    Name (_S4_, Package () { 0x0706 })
    Name (_S5_, Package () { 0x07, 0x07 })
    Name (SS3D, Zero)
    If (LEqual (SS3D, One)) { Name (_S1_, Package () { 1, 1 }) }
    Event (EVT0)
    Mutex (MTX0, 3)
    Method (M0A0, 0, NotSerialized) { Return (Zero) }
    Method (M3A7, 7, Serialized, 3) { Return (Arg6) }
    Scope (\_PR) {
        Processor (CPU0, 0x01, 0x00000810, 0x06) { Name (PDAT, 7) }
    }
    Scope (\_TZ) {
        ThermalZone (TZ00) { Method (_TMP, 0) { Return (3000) } }
    }
    Scope (\_SB) {
        PowerResource (PWR0, 0, 0) {
            Method (_STA) { Return (One) }
            Method (_ON) { }
            Method (_OFF) { }
        }
        Device (PCI0) {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Method (_OSC, 4) { Return (Arg3) }
            OperationRegion (GPIO, SystemIO, 0x800, 0x40)
            Field (GPIO, ByteAcc, NoLock, Preserve) {
                GP00, 8,
                , 4,
                GP01, 4,
                Offset (4),
                GP02, 32
            }
            OperationRegion (IDXR, SystemIO, 0x2E, 2)
            Field (IDXR, ByteAcc, NoLock, Preserve) { INDX, 8, DATA, 8 }
            IndexField (INDX, DATA, ByteAcc, NoLock, Preserve) {
                Offset (7), LDN, 8
            }
            Field (IDXR, ByteAcc, NoLock, Preserve) { Offset (1), BNK0, 8 }
            BankField (IDXR, BNK0, 1, ByteAcc, NoLock, Preserve) {
                BKF0, 8
            }
            CreateDWordField (BUF0, 0, BFD0)
            CreateBitField (BUF0, 3, BFB0)
            CreateField (BUF0, 8, 4, BFX0)
            Alias (_OSC, OSCA)
            Alias (GP00, GPAL)
            Method (FWDC, 0) {
                Return (LATE (1, 2))       // forward call, defined below
            }
            Method (LATE, 2) { Return (Add (Arg0, Arg1)) }
            Method (XTBL, 0) {
                Return (XCAL (1, 2, 3))    // call into the SSDT
            }
            Device (UAR1) {
                Name (_HID, EisaId ("PNP0501"))
                Name (_UID, One)
                Name (_CRS, ResourceTemplate () {
                    IO (Decode16, 0x3F8, 0x3F8, 0x01, 0x08)
                    IRQNoFlags () {4}
                })
                Method (_DIS, 0) { Store (Zero, INT0) }
            }
            Device (UAR2) {
                Name (_HID, "PNP0501")
                Method (_CRS, 0) { Return (CRS2) }
                Name (CRS2, ResourceTemplate () {
                    FixedIO (0x2F8, 0x08)
                })
            }
            Device (LPCB) {
                Name (_ADR, 0x001F0000)
                Name (_CID, Package () { "XYZ0001", EisaId ("PNP0501") })
            }
        }
    }
    DataTableRegion (DTR0, "DSDT", "", "")
}
