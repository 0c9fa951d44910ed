/*
 * The expression from the seed's item 10 that made the old parser try
 * parse after parse: A001 is a Name, so every A001 takes no arguments.
 */
DefinitionBlock ("", "SSDT", 2, "THINV", "SEED10", 1)
{
    Name (A001, Buffer (0x10) { 0 })
    OperationRegion (A002, SystemMemory, Add (A001, Add (DerefOf (Index (A001,
        Add (A001, One))), DerefOf (Index (A001, Add (A001, 0x03))))), 0x1000)
    Name (A003, One)
}
