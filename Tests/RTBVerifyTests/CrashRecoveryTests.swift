import Foundation
import Testing
import RTBCore
import RTBEvents
import RTBTrace
import RTBLedger
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// SIGKILL a recording process at 24 seeded points of its write transactions (after frame K is
/// committed, or inside transaction T before its COMMIT), through the hidden `--inject-fault`
/// hook: no timer decides where it dies, so the outcome is the same on a fast or a loaded
/// machine. Every ledger left behind verifies as a valid prefix holding exactly the frames
/// committed before the point, `record --resume` finishes it with the digest of an
/// uninterrupted recording, and nothing committed before the kill changes.
@Test func killedRecordingsLeaveValidPrefixesAndResumeToTheSameDigest() throws {
    let directory = TestSupport.temporaryDirectory()
    let arguments = [
        "--scenario", "b,c", "--days", "15", "--seed", "5", "--frame-bytes", "2048",
        "--checkpoint-every", "3",
    ]
    let baseline = try TestSupport.run(
        "rtb-verify", ["record", "--ledger", directory + "/baseline.ledger"] + arguments)
    #expect(baseline.status == 0, "\(baseline.error)")
    let expected = try ChainVerifier.verify(path: directory + "/baseline.ledger")
    let transactions = try CrashPlan.transactions(of: directory + "/baseline.ledger")
    #expect(expected.frames >= 30, "the baseline should span many frames")
    var random = RandomStream(seed: 2026, key: StreamKey("kill-points"))
    for attempt in 0..<24 {
        let fault = CrashPlan.fault(attempt: attempt, transactions: transactions, using: &random)
        let framesBefore = CrashPlan.framesCommitted(before: fault, transactions: transactions)
        let path = directory + "/killed-\(attempt).ledger"
        let killed = try TestSupport.run(
            "rtb-verify",
            ["record", "--ledger", path, "--inject-fault", fault.description] + arguments)
        #expect(killed.signal == SIGKILL, "\(fault): \(killed.status) \(killed.error)")
        let prefix = try ChainVerifier.verify(path: path)
        #expect(prefix.isIntact, "\(fault): \(prefix.problem ?? "")")
        #expect(!prefix.finished, "\(fault)")
        #expect(prefix.frames == framesBefore, "\(fault): \(prefix.frames) frames committed")
        var committed: [Digest32] = []
        try LedgerStore.open(path: path).forEachFrame {
            committed.append($0.hash)
            return true
        }
        let resumed = try TestSupport.run("rtb-verify", ["record", "--resume", path])
        if framesBefore == 0 {
            #expect(resumed.status == 64 && resumed.error.contains("no frame was committed"))
            continue
        }
        #expect(resumed.status == 0, "\(fault): \(resumed.error)")
        let final = try ChainVerifier.verify(path: path)
        #expect(final.isIntact && final.finished, "\(fault)")
        #expect(final.headHash == expected.headHash, "\(fault): resumed to another digest")
        var after: [Digest32] = []
        try LedgerStore.open(path: path).forEachFrame {
            after.append($0.hash)
            return after.count < committed.count
        }
        #expect(after == committed, "\(fault): a committed frame changed")
    }
}

/// A resumed recording killed again at a seeded point still resumes to the same digest.
@Test func aResumeKilledMidwayResumesAgain() throws {
    let directory = TestSupport.temporaryDirectory()
    let arguments = ["--scenario", "c", "--days", "6", "--seed", "9", "--frame-bytes", "2048"]
    let baseline = try TestSupport.run(
        "rtb-verify", ["record", "--ledger", directory + "/baseline.ledger"] + arguments)
    #expect(baseline.status == 0, "\(baseline.error)")
    let expected = try ChainVerifier.verify(path: directory + "/baseline.ledger")
    let path = directory + "/twice.ledger"
    let first = try TestSupport.run(
        "rtb-verify",
        ["record", "--ledger", path, "--inject-fault", "kill@after-frame:4"] + arguments)
    #expect(first.signal == SIGKILL)
    let frames = expected.frames
    let second = try TestSupport.run(
        "rtb-verify",
        ["record", "--resume", path, "--inject-fault", "kill@after-frame:\(frames / 2)"])
    #expect(second.signal == SIGKILL, "\(second.error)")
    #expect(try ChainVerifier.verify(path: path).frames == frames / 2 + 1)
    let third = try TestSupport.run("rtb-verify", ["record", "--resume", path])
    #expect(third.status == 0, "\(third.error)")
    #expect(try ChainVerifier.verify(path: path).headHash == expected.headHash)
}

/// Where the seeded crash points fall, from the transactions of an uninterrupted recording.
enum CrashPlan {
    enum Transaction: Equatable {
        case frame(Int)
        case checkpoint
        case finish
    }

    /// The write transactions a fresh recording commits, in order: each frame, each checkpoint
    /// after the frame it follows, then the finish.
    static func transactions(of path: String) throws -> [Transaction] {
        let store = try LedgerStore.open(path: path)
        let frames = try store.frameCount()
        let checkpoints = Set(try store.checkpointIndex().map(\.frameCount))
        var list: [Transaction] = []
        for frame in 0..<frames {
            list.append(.frame(frame))
            if checkpoints.contains(frame + 1) { list.append(.checkpoint) }
        }
        list.append(.finish)
        return list
    }

    /// Even attempts die after a frame commits, odd ones inside a transaction (the finish's
    /// included), at seeded positions.
    static func fault(
        attempt: Int, transactions: [Transaction], using random: inout RandomStream
    ) -> LedgerFault {
        let frames = transactions.filter { $0 != .checkpoint && $0 != .finish }.count
        if attempt % 2 == 0 {
            let frame = random.int(in: 0...(frames - 2))
            return LedgerFault(.kill, at: .afterFrame(frame))
        }
        let ordinal = random.int(in: 1...transactions.count)
        return LedgerFault(.kill, at: .insideTransaction(ordinal))
    }

    /// How many frames are committed when `fault` strikes.
    static func framesCommitted(before fault: LedgerFault, transactions: [Transaction]) -> Int {
        switch fault.point {
        case .creating: return 0
        case .afterFrame(let frame): return frame + 1
        case .insideTransaction(let ordinal):
            return transactions.prefix(ordinal - 1).filter {
                if case .frame = $0 { return true } else { return false }
            }.count
        }
    }
}
