import Foundation
import Testing
import RTBCore
import RTBTrace
import RTBEvents
import RTBLedger
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// The committed format-1 ledgers under traces/ (made by tools/make-fixtures.sh with engine
/// 0.1.0): this binary must still verify, decode and check them, and replay their events and
/// frames to the digests recorded when they were made; a strict replay refuses them naming
/// engine 0.1.0 (their checkpoints hold that engine's state layout, which engine 0.2.0 changed:
/// its metrics carry both sides' welfare). A deliberate format or schema change regenerates
/// them and updates the figures below, in the same commit.
struct Fixture {
    var file: String
    var headHash: String
    var frames: Int
    var events: UInt64
    var checkpoints: Int
    var kinds: Int
}

let fixtures = [
    Fixture(
        file: "fixture-v1.ledger",
        headHash: "c6f97d473e05053a1deb735525491097dbaaab99da0dc417be6157d73e3dc82d",
        frames: 34, events: 48_890, checkpoints: 9, kinds: 26),
    Fixture(
        file: "fixture-scale-v1.ledger",
        headHash: "da344d907fa03aa75080eafc0d6237b1aab80c9d768e50d2f10fbf52dc42e0cc",
        frames: 1, events: 51, checkpoints: 0, kinds: 2),
    Fixture(
        file: "fixture-decisions-v1.ledger",
        headHash: "dfc6d53d80e3a8aa293a79136abe79f64b4bb151129fd85867a451e309847002",
        frames: 1, events: 98, checkpoints: 1, kinds: 17),
    Fixture(
        file: "fixture-llm-v1.ledger",
        headHash: "2ca83d2c8539ea2a4dca50f9f239b46902c432f67ef77d41b38e505de633a0fc",
        frames: 5, events: 450, checkpoints: 3, kinds: 21),
]

@Test(arguments: fixtures.indices)
func committedFixtureLedgersStillVerifyDecodeCheckAndReplay(index: Int) throws {
    let fixture = fixtures[index]
    // A copy, so opening it never leaves -wal/-shm files or a changed header in the checkout.
    let path = TestSupport.temporaryDirectory() + "/" + fixture.file
    try TestSupport.copy(TestSupport.root + "/traces/" + fixture.file, to: path)

    let chain = try ChainVerifier.verify(path: path, deep: true)
    #expect(chain.isIntact, "\(chain.problem ?? "")")
    #expect(chain.finished)
    #expect(chain.headHash.hex == fixture.headHash)
    #expect(
        chain.frames == fixture.frames && chain.events == fixture.events
            && chain.checkpoints == fixture.checkpoints)

    var kinds = Set<EventKind>()
    var count: UInt64 = 0
    try LedgerEvents.forEach(RTBMarketModel.self, store: try LedgerStore.open(path: path)) {
        sequence, event in
        #expect(sequence == count)
        count += 1
        kinds.insert(event.kind)
        return true
    }
    #expect(count == fixture.events)
    #expect(kinds.count == fixture.kinds)

    let checked = try LedgerChecker.check(path: path)
    #expect(
        checked.tally.totalViolations == 0, "\(checked.tally.firstFinding.map(\.description) ?? "")"
    )

    let replayer = try Replayer(path: path)
    #expect(!replayer.sameEngine)
    #expect(throws: LedgerRunError.self) { try replayer.replay(ReplayOptions(strict: true)) }
    let replay = try replayer.replay(ReplayOptions())
    #expect(replay.engineWarning?.contains("recorded by engine 0.1.0") == true)
    #expect(replay.divergence == nil)
    #expect(replay.runDigest.hex == fixture.headHash && replay.eventsCompared == fixture.events)
}

/// On the command line: a strict replay of an engine 0.1.0 fixture exits 12 naming that
/// engine, and so does restoring one of its checkpoints; a plain replay warns and matches.
@Test func anEngine01FixtureIsRefusedWhenStrictAndReplayedByItsEvents() throws {
    let path = TestSupport.temporaryDirectory() + "/fixture-v1.ledger"
    try TestSupport.copy(TestSupport.root + "/traces/fixture-v1.ledger", to: path)
    let strict = try TestSupport.run("rtb-verify", ["replay", "--trace", path, "--strict"])
    #expect(strict.status == 12 && strict.error.contains("recorded by engine 0.1.0"))
    #expect(strict.error.split(separator: "\n").count == 1)
    let restore = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", path, "--from-checkpoint", "4"])
    #expect(restore.status == 12 && restore.error.contains("refusing to restore its checkpoint"))
    let plain = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(plain.status == 0)
    #expect(plain.error.contains("checkpoint states (the other engine's layout) not"))
}

/// Together the format-1 fixtures hold every event kind of the schema.
@Test func theFixturesCoverEveryEventKind() throws {
    var kinds = Set<EventKind>()
    for fixture in fixtures {
        let path = TestSupport.temporaryDirectory() + "/" + fixture.file
        try TestSupport.copy(TestSupport.root + "/traces/" + fixture.file, to: path)
        try LedgerEvents.forEach(RTBMarketModel.self, store: try LedgerStore.open(path: path)) {
            _, event in
            kinds.insert(event.kind)
            return true
        }
    }
    #expect(kinds == Set(EventKind.allCases))
}
