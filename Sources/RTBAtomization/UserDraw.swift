/// Which user saw impression `index` of `cell` in `slot`: a fixed hash of (seed, slot, cell,
/// index), so the checker can tell from the ledger alone whether a journey's touchpoint is an
/// impression that user saw. A cell whose audiences are all discovered ones reaches only their
/// ZIPs: the hash picks one of those ZIPs, then one of its residents.
public enum UserDraw {
    public static func user(seed: UInt64, slot: Int64, cell: Int64, index: Int64, users: Int)
        -> Int64
    {
        Int64(hash(seed: seed, slot: slot, cell: cell, index: index) % UInt64(users))
    }

    /// The viewer of a cell that reaches `zips` (empty: the whole pool).
    public static func user(
        seed: UInt64, slot: Int64, cell: Int64, index: Int64, users: Int, reach zips: [Int],
        pool: Int
    ) -> Int64 {
        zips.isEmpty
            ? user(seed: seed, slot: slot, cell: cell, index: index, users: users)
            : user(
                seed: seed, slot: slot, cell: cell, index: index, users: users, zips: zips,
                pool: pool)
    }

    /// The user among the residents of `zips` (user u lives in ZIP u mod `pool`).
    public static func user(
        seed: UInt64, slot: Int64, cell: Int64, index: Int64, users: Int, zips: [Int], pool: Int
    ) -> Int64 {
        let value = hash(seed: seed, slot: slot, cell: cell, index: index)
        let zip = zips[Int(value % UInt64(zips.count))]
        let residents = UInt64(users / pool + (zip < users % pool ? 1 : 0))
        return Int64(zip) + Int64((value / UInt64(zips.count)) % residents) * Int64(pool)
    }

    static func hash(seed: UInt64, slot: Int64, cell: Int64, index: Int64) -> UInt64 {
        var value = seed &+ UInt64(bitPattern: slot) &* 0x9E37_79B9_7F4A_7C15
        value ^= UInt64(bitPattern: cell) &* 0xC2B2_AE3D_27D4_EB4F
        value ^= UInt64(bitPattern: index) &* 0x1656_67B1_9E37_79F9
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return value
    }
}
