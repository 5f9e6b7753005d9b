/// Which user saw impression `index` of `cell` in `slot`: a fixed hash of (seed, slot, cell,
/// index), so the checker can tell from the ledger alone whether a journey's touchpoint is an
/// impression that user saw.
public enum UserDraw {
    public static func user(seed: UInt64, slot: Int64, cell: Int64, index: Int64, users: Int)
        -> Int64
    {
        var value = seed &+ UInt64(bitPattern: slot) &* 0x9E37_79B9_7F4A_7C15
        value ^= UInt64(bitPattern: cell) &* 0xC2B2_AE3D_27D4_EB4F
        value ^= UInt64(bitPattern: index) &* 0x1656_67B1_9E37_79F9
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return Int64(value % UInt64(users))
    }
}
