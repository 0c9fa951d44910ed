/* The SSDT half of constructs.asl: calls back into the DSDT. */
DefinitionBlock ("", "SSDT", 2, "THINV", "CONSTR2", 1)
{
    External (\_SB.PCI0, DeviceObj)
    External (\_SB.PCI0.LATE, MethodObj)
    External (\NOWH.ERE_, MethodObj)       // declared, never defined
    Scope (\_SB.PCI0) {
        Method (XCAL, 3) { Return (LATE (Arg0, Arg1)) }
        Name (SNAM, "ssdt")
        Method (CALX, 0) { \NOWH.ERE_ (5, 6) }   // resolved by External
    }
}
