import Foundation
import Testing
import RTBCore
import RTBTrace
import RTBEvents
import RTBLedger
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning
import RTBTestSupport

/// tools/ledger_reader.py, written from docs/ledger-format.md alone, must agree with
/// `rtb-verify verify` on the digest and every count.
@Test func thePythonReaderAgreesWithVerify() throws {
    let directory = TestSupport.temporaryDirectory()
    var config = TestSupport.smallConfig(seed: 31, days: 3)
    config.volume = .small
    config.kills = [AgentKill(agent: .buyer(1), tick: 100_000)]
    let (path, _) = try TestSupport.record(config, in: directory)
    let readerKinds = try TestSupport.independentReaderKinds(path)
    var kinds: [String: Int] = [:]
    try LedgerEvents.forEach(RTBMarketModel.self, store: try LedgerStore.open(path: path)) {
        _, event in
        kinds[event.kind.description, default: 0] += 1
        return true
    }
    #expect(readerKinds == kinds)

    try TestSupport.tamper(path, "flip", "frames", "payload", "2", "17")
    let broken = try TestSupport.run(
        "/usr/bin/env", ["python3", TestSupport.root + "/tools/ledger_reader.py", path])
    #expect(broken.status == 12)
    #expect(broken.output.contains("frame 2"))
}

/// Every model's event schema version is the one its reader table (the file
/// tools/ledger_reader.py picks by the model's name) declares: a layout change that bumps one
/// and not the other makes the independent reader refuse every new ledger.
@Test func everyModelsReaderTableHasItsEventSchemaVersion() throws {
    var tables = [TestSupport.root + "/tools/event_schema.json"]
    // Where tools/ledger_reader.py looks: the packaged models' tables and the test models'
    // (a test that registers the test bank may run first in this process).
    for top in ["/Sources", "/Tests"] {
        let base = TestSupport.root + top
        for folder in try FileManager.default.contentsOfDirectory(atPath: base).sorted() {
            let candidate = base + "/" + folder + "/events.reader.json"
            if FileManager.default.fileExists(atPath: candidate) { tables.append(candidate) }
        }
    }
    var declared: [String: Int] = [:]
    for table in tables {
        let data = try #require(FileManager.default.contents(atPath: table))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let models = object["models"] as? [String] ?? ["rtb-market", "rtb-scale"]
        for model in models { declared[model] = object["event_schema_version"] as? Int ?? 1 }
    }
    func version<Model: SimulationModel>(_ model: Model.Type) -> Int {
        Int(Model.eventSchemaVersion)
    }
    #expect(ModelRegistry.all.count >= 7)
    for model in ModelRegistry.all {
        let name = ModelRegistry.identity(of: model).name
        #expect(declared[name] == version(model), "\(name)")
    }
}

/// tools/ledger_reader.py's `int-rows` decoder accepts exactly what the Swift reader accepts,
/// with the same values: random tables the writer produced, each cut short by one byte, and
/// every malformed form (0 or 65 columns, mask bits beyond the columns or without rows, an
/// unmasked all-zero column, a forged row count).
@Test func theIndependentReaderDecodesIntRowsAsTheSwiftReaderDoes() throws {
    var cases: [[UInt8]] = [
        [0, 0, 0], [65, 0, 0], [2, 1, 4, 2, 2], [2, 0, 1], [2, 1, 0, 0, 2], [2, 1, 1, 2],
        [1, 0xE8, 0x07, 0, 2, 2, 2], [64, 0x81, 0x80, 0x10, 0], [1, 5, 1], [3, 0, 0],
    ]
    var stream = RandomStream(seed: 5, key: StreamKey("int-rows-reader"))
    for _ in 0..<200 {
        let columns = 1 + Int(stream.next(below: 8))
        let rows = Int(stream.next(below: 5))
        let zero = (0..<columns).map { _ in stream.next(below: 2) == 0 }
        let cells = (0..<rows * columns).map { index -> Int64 in
            zero[index % columns] ? 0 : Int64(bitPattern: stream.next() >> (stream.next() % 64)) | 1
        }
        var writer = CanonicalWriter()
        writer.intRows(IntRows(columns: columns, cells: cells))
        cases.append(writer.bytes)
        cases.append(Array(writer.bytes.dropLast()))
    }
    // Swift's answer per case: the cells, or nil when the reader throws or leaves bytes.
    let expected: [[Int64]?] = cases.map { bytes in
        var reader = CanonicalReader(bytes)
        guard let table = try? reader.intRows(), reader.isAtEnd else { return nil }
        return table.cells
    }
    let script = """
        import json, sys
        sys.path.insert(0, sys.argv[1])
        import ledger_reader as lr
        out = []
        for case in json.load(open(sys.argv[2])):
            r = lr.Canonical(bytes(case))
            try:
                cells = r.int_rows()
                out.append(cells if r.pos == r.end else None)
            except lr.Broken:
                out.append(None)
        print(json.dumps(out))
        """
    let input = TestSupport.temporaryDirectory() + "/cases.json"
    try JSONSerialization.data(withJSONObject: cases).write(to: URL(fileURLWithPath: input))
    let result = try TestSupport.run(
        "/usr/bin/env", ["python3", "-c", script, TestSupport.root + "/tools", input])
    #expect(result.status == 0, "\(result.error)")
    let answers = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [Any]
    #expect(answers.count == cases.count)
    #expect(expected.filter { $0 == nil }.count >= 207)
    for (index, answer) in answers.enumerated() {
        let python = (answer as? [NSNumber])?.map { $0.int64Value }
        #expect(python == expected[index], "case \(cases[index])")
    }
}
