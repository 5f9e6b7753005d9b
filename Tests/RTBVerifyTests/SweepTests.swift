import Foundation
import Testing
import RTBTestSupport

private let spec = """
    {"base": {"days": 2, "scenario": "a,b"}, "axes": {"mechanism": ["second-price", "vcg"]},
     "seeds": [1, 2, 3]}
    """

/// The manifest's text and its study digest.
private func manifest(_ path: String) throws -> (text: String, digest: String?) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    return (text, object["study_digest"] as? String)
}

/// One study run with --jobs 1, with --jobs 2, as three shards merged and as three Ray tasks on a
/// local Ray cluster gives one manifest byte for byte and one study digest; a SIGKILLed sweep
/// reruns only its missing cells.
@Test func aStudyIsTheSameBytesWhateverRunsItAndResumesAfterAKill() throws {
    let root = TestSupport.temporaryDirectory()
    try spec.write(toFile: root + "/spec.json", atomically: true, encoding: .utf8)
    func sweep(_ directory: String, _ more: [String]) throws -> TestSupport.ProcessResult {
        try TestSupport.run(
            "rtb-sim", ["sweep", "spec.json", "--directory", directory] + more, in: root)
    }
    let one = try sweep("one", ["--jobs", "1"])
    #expect(one.status == 0, "\(one.error)")
    #expect(one.output.contains("cells:        6 of 6 (6 run, 0 reused)"))
    let two = try sweep("two", ["--jobs", "2"])
    #expect(two.status == 0, "\(two.error)")
    let reference = try manifest(root + "/one/manifest.json")
    #expect(reference.digest != nil)
    #expect(try manifest(root + "/two/manifest.json").text == reference.text)

    for index in 1...3 {
        let shard = try sweep("sharded", ["--shard", "\(index)/3"])
        #expect(shard.status == 0, "\(shard.error)")
        #expect(shard.output.contains("cells:        2 of 6"))
    }
    let merged = try TestSupport.run(
        "rtb-verify",
        [
            "study", "merge", "sharded/manifest-shard-3-of-3.json",
            "sharded/manifest-shard-1-of-3.json",
            "sharded/manifest-shard-2-of-3.json", "--output", "sharded/manifest.json",
        ], in: root)
    #expect(merged.status == 0, "\(merged.error)")
    #expect(try manifest(root + "/sharded/manifest.json").text == reference.text)

    // Three shards as Ray tasks on a local Ray cluster (tools/ray_sweep.py), merged.
    let ray = try TestSupport.run(
        "/usr/bin/env",
        [
            "python3", TestSupport.root + "/tools/ray_sweep.py", "spec.json", "ray", "--shards",
            "3",
            "--binaries", TestSupport.binaries,
        ], in: root)
    #expect(ray.status == 0, "\(ray.output) \(ray.error)")
    #expect(ray.output.contains("study digest: \(reference.digest ?? "?")"))
    #expect(try manifest(root + "/ray/manifest.json").text == reference.text)

    // The Slurm array script, run as Slurm runs each task (its array variables set), merged.
    for index in 1...3 {
        let task = try TestSupport.run(
            "/usr/bin/env",
            [
                "SLURM_ARRAY_TASK_ID=\(index)", "SLURM_ARRAY_TASK_COUNT=3", "bash",
                TestSupport.root + "/tools/slurm_sweep.sh", "spec.json", "slurm",
                TestSupport.binaries,
            ],
            in: root)
        #expect(task.status == 0, "\(task.error)")
    }
    _ = try TestSupport.run(
        "rtb-verify",
        [
            "study", "merge", "slurm/manifest-shard-1-of-3.json",
            "slurm/manifest-shard-2-of-3.json",
            "slurm/manifest-shard-3-of-3.json", "--output", "slurm/manifest.json",
        ], in: root)
    #expect(try manifest(root + "/slurm/manifest.json").text == reference.text)

    // SIGKILL after two cells: the rerun runs the other four and gives the same study.
    let killed = try sweep("killed", ["--jobs", "1", "--kill-after-cells", "2"])
    #expect(killed.signal == SIGKILL)
    #expect(!FileManager.default.fileExists(atPath: root + "/killed/manifest.json"))
    let resumed = try sweep("killed", ["--jobs", "2"])
    #expect(resumed.status == 0, "\(resumed.error)")
    #expect(resumed.output.contains("cells:        6 of 6 (4 run, 2 reused)"))
    #expect(try manifest(root + "/killed/manifest.json").text == reference.text)
    let again = try sweep("killed", ["--json"])
    #expect(again.output.contains("\"ran\":0") && again.output.contains("\"reused\":6"))

    // Timings and the environment stay out of the manifest.
    let measured = try String(contentsOfFile: root + "/one/measurements.json", encoding: .utf8)
    #expect(measured.contains("\"cell_seconds\"") && measured.contains("\"cpu_model\""))
    #expect(!reference.text.contains("seconds"))
}

/// study verify names the cell of a tampered ledger; an edited manifest is refused; study
/// replay replays sampled cells; a bad spec is refused in one line naming the field.
@Test func studyVerifyFindsATamperedCellAndAnEditedManifest() throws {
    let root = TestSupport.temporaryDirectory()
    try spec.write(toFile: root + "/spec.json", atomically: true, encoding: .utf8)
    let run = try TestSupport.run(
        "rtb-sim", ["sweep", "spec.json", "--directory", "s", "--jobs", "2"], in: root)
    #expect(run.status == 0, "\(run.error)")
    let verified = try TestSupport.run(
        "rtb-verify", ["study", "verify", "s/manifest.json"], in: root)
    #expect(
        verified.status == 0 && verified.output.hasPrefix("study intact: 6 of 6 cells"),
        "\(verified.error)")
    let replayed = try TestSupport.run(
        "rtb-verify", ["study", "replay", "s/manifest.json", "--sample", "2"], in: root)
    #expect(replayed.status == 0 && replayed.output.split(separator: "\n").count == 2)

    // A report of the study from its manifest: the six runs, per-scenario means and intervals.
    let report = try TestSupport.run(
        "rtb-verify", ["report", "--manifest", "s/manifest.json", "--format", "json"], in: root)
    #expect(report.status == 0, "\(report.error)")
    let document =
        try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as! [String: Any]
    let tables = document["tables"] as! [[String: Any]]
    #expect((tables[0]["rows"] as! [[String]]).count == 6)
    #expect(tables.map { $0["title"] as! String }.contains("A exchange: metrics over 6 runs"))

    try TestSupport.tamper(
        root + "/s/cells/cell-0004.ledger", "flip", "frames", "payload", "1", "9")
    let tampered = try TestSupport.run(
        "rtb-verify", ["study", "verify", "s/manifest.json"], in: root)
    expectOneLine(tampered, 12, "cell-0004")

    let text = try String(contentsOfFile: root + "/s/manifest.json", encoding: .utf8)
    let edited = text.replacingOccurrences(of: "\"events\":", with: "\"events\":1")
    try edited.write(toFile: root + "/s/edited.json", atomically: true, encoding: .utf8)
    expectOneLine(
        try TestSupport.run("rtb-verify", ["study", "verify", "s/edited.json"], in: root), 12,
        "edited")

    try #"{"seeds": [1, -2]}"#.write(toFile: root + "/bad.json", atomically: true, encoding: .utf8)
    expectOneLine(
        try TestSupport.run("rtb-sim", ["sweep", "bad.json", "--directory", "b"], in: root), 64,
        "seeds[1]")
    // A key the market does not know stops the sweep at its first cell, as `record` would: 64.
    try #"{"base": {"days": 1, "scenario": "a", "pacng": "profile"}, "seeds": [1]}"#.write(
        toFile: root + "/typo.json", atomically: true, encoding: .utf8)
    expectOneLine(
        try TestSupport.run("rtb-sim", ["sweep", "typo.json", "--directory", "t"], in: root), 64,
        "cell-0000: t/cells/cell-0000.config.json: unknown config key 'pacng'")
}

/// Every shipped seed-000 study runs as written, shortened to one day and one seed per cell: each
/// key of its base and axes is one the market accepts, with a valid value, so a researcher's
/// first `rtb-sim sweep examples/...` does not stop at a typo.
@Test(arguments: ["seed000-abc-study.json", "seed000-economics-study.json"])
func theShippedMarketStudiesRun(file: String) throws {
    let root = TestSupport.temporaryDirectory()
    let text = try String(
        contentsOfFile: TestSupport.root + "/examples/" + file, encoding: .utf8)
    var study = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    var base = study["base"] as! [String: Any]
    base["days"] = 1
    study["base"] = base
    study["seeds"] = [1]
    let axes = study["axes"] as! [String: [Any]]
    let cells = axes.values.reduce(1) { $0 * $1.count }
    try JSONSerialization.data(withJSONObject: study).write(
        to: URL(fileURLWithPath: root + "/s.json"))
    let run = try TestSupport.run(
        "rtb-sim", ["sweep", "s.json", "--directory", "s", "--jobs", "2"], in: root)
    #expect(run.status == 0, "\(run.error)")
    #expect(run.output.contains("cells:        \(cells) of \(cells) (\(cells) run, 0 reused)"))
}
