import Foundation
import RTBCore
import RTBIntegrity
import RTBTestSupport
import Testing

/// The checks every recorded model run of this target passes: two processes record one digest;
/// the check is clean; replay is identical; a divergence planted at `perturb` is named at its
/// event; a recorder killed after a frame drawn from the stream `killKey` resumes to the same
/// digest.
func expectOneDigestReplayAndResume(
    json: String, perturb: Int, killKey: String,
    record: (String, String, [String]) throws -> TestSupport.ProcessResult
) throws {
    let directory = TestSupport.temporaryDirectory()
    var heads: [Digest32] = []
    for index in 0..<2 {
        let path = directory + "/run-\(index).ledger"
        let recorded = try record(json, path, [])
        #expect(recorded.status == 0, "\(recorded.error)")
        heads.append(try ChainVerifier.verify(path: path).headHash)
    }
    #expect(heads[0] == heads[1])
    let path = directory + "/run-0.ledger"
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 0 && checked.output.contains("no violations"), "\(checked.output)")
    let replayed = try TestSupport.run("rtb-verify", ["replay", "--trace", path])
    #expect(replayed.status == 0 && replayed.output.hasPrefix("identical"), "\(replayed.output)")
    let planted = try TestSupport.run(
        "rtb-verify", ["replay", "--trace", path, "--perturb-event", String(perturb)])
    #expect(planted.status == 10, "\(planted.output)")
    #expect(planted.output.hasPrefix("divergence at event \(perturb)"), "\(planted.output)")
    let expected = try ChainVerifier.verify(path: path)
    var random = RandomStream(seed: 17, key: StreamKey(killKey))
    let frame = random.int(in: 1...(expected.frames - 2))
    let killed = directory + "/killed.ledger"
    let interrupted = try record(json, killed, ["--inject-fault", "kill@after-frame:\(frame)"])
    #expect(interrupted.signal == SIGKILL)
    let resumed = try TestSupport.run("rtb-verify", ["record", "--resume", killed])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(try ChainVerifier.verify(path: killed).headHash == expected.headHash)
}

/// Records `json` with `--canary NAME` and expects exactly `invariants` violated.
func expectCanaryCaught(
    _ canary: String, json: String, invariants: [String],
    record: (String, String, [String]) throws -> TestSupport.ProcessResult
) throws {
    let path = TestSupport.temporaryDirectory() + "/\(canary).ledger"
    let recorded = try record(json, path, ["--canary", canary])
    #expect(recorded.status == 0, "\(recorded.error)")
    let checked = try TestSupport.run("rtb-verify", ["check", "--trace", path])
    #expect(checked.status == 11, "\(checked.output)")
    #expect(TestSupport.violatedInvariants(checked.output) == invariants, "\(checked.output)")
}
