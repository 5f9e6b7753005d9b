/// What a cell targets: one bid strategy, and sets of audiences, dayparts and platforms (one of
/// each for a cell of the product or a discovered audience's test cell; unions for a power cell).
/// Its creative is the run's current one (rotations change it). Each (audience, daypart,
/// platform) of the sets is a member that delivers as a cell of that point would, sharing the
/// cell's budget.
public struct CellTargeting: Equatable, Sendable {
    public var audiences: [Int]
    public var strategy: Int
    public var dayparts: [Int]
    public var platforms: [Int]

    public init(audiences: [Int], strategy: Int, dayparts: [Int], platforms: [Int]) {
        self.audiences = audiences
        self.strategy = strategy
        self.dayparts = dayparts
        self.platforms = platforms
    }

    public init(_ spec: CellSpec) {
        self.init(
            audiences: [spec.audience], strategy: spec.strategy, dayparts: [spec.daypart],
            platforms: [spec.platform])
    }

    /// The ZIPs the cell reaches: none (the whole pool) when one of its audiences is a
    /// configured one, else the union of its discovered audiences' ZIPs (`discovered[i]` is
    /// audience `configured + i`).
    public func reach(configured: Int, discovered: [[Int]]) -> [Int] {
        audiences.contains { $0 < configured }
            ? [] : Array(Set(audiences.flatMap { discovered[$0 - configured] })).sorted()
    }

    /// The cell an impression's credit goes to: the cell, or the power cell it was merged into
    /// (and so on); `mergedInto[c]` is -1 for a cell not merged.
    public static func credited(_ cell: Int, mergedInto: [Int]) -> Int {
        var at = cell
        while mergedInto[at] >= 0 { at = mergedInto[at] }
        return at
    }

    /// The members, audience-major, then daypart, then platform.
    public func members(cell: Int, creative: Int) -> [CellSpec] {
        audiences.flatMap { audience in
            dayparts.flatMap { daypart in
                platforms.map { platform in
                    CellSpec(
                        index: cell, audience: audience, creative: creative, strategy: strategy,
                        daypart: daypart, platform: platform)
                }
            }
        }
    }

    /// The power cell's targeting when two winners are similar: the same creative (checked by
    /// the caller) and bid strategy, and at most one of the three targeting sets different
    /// (so at least 4 of the 5 dimensions shared); the differing set becomes the sorted union.
    /// Winners that differ in creative or bid strategy are not merged: one line item shows one
    /// creative and bids one way.
    public func merged(with other: CellTargeting) -> CellTargeting? {
        guard strategy == other.strategy else { return nil }
        let same = [
            audiences == other.audiences, dayparts == other.dayparts,
            platforms == other.platforms,
        ]
        guard same.filter({ $0 }).count >= 2 else { return nil }
        func union(_ a: [Int], _ b: [Int]) -> [Int] { Array(Set(a + b)).sorted() }
        return CellTargeting(
            audiences: union(audiences, other.audiences), strategy: strategy,
            dayparts: union(dayparts, other.dayparts), platforms: union(platforms, other.platforms))
    }
}
