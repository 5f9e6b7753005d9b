import Foundation
import RTBCore
import RTBLedger
import RTBEvents
import RTBTrace
import RTBMarket
import RTBChecking
import RTBIntegrity
import RTBModels
import RTBReports
import RTBRunning

/// Paths, processes and small runs shared by the verification tests.
enum TestSupport {
    /// The repository root (this file is Tests/RTBVerifyTests/TestSupport.swift).
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding the built executables (next to the test bundle).
    static let binaries: String = {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().path
    }()

    /// A fresh empty directory.
    static func temporaryDirectory() -> String {
        let path =
            NSTemporaryDirectory() + "rtb-tests-"
            + String(UInt64.random(in: 0...UInt64.max), radix: 36)  // determinism-ok: test scratch names
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    struct ProcessResult {
        var status: Int32
        var output: String
        var error: String
        /// The signal that ended the process, nil when it exited.
        var signal: Int32?
    }

    /// Runs a program and waits.
    @discardableResult
    static func run(
        _ program: String, _ arguments: [String], environment: [String: String]? = nil,
        in directory: String? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: program.hasPrefix("/") ? program : binaries + "/" + program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Output goes to files, read after exit: pipe reads can be interrupted by SIGCHLD.
        let scratch = temporaryDirectory()
        _ = FileManager.default.createFile(atPath: scratch + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: scratch + "/err", contents: nil)
        let output = FileHandle(forWritingAtPath: scratch + "/out")!
        let error = FileHandle(forWritingAtPath: scratch + "/err")!
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? output.close()
        try? error.close()
        let outputData = FileManager.default.contents(atPath: scratch + "/out") ?? Data()
        let errorData = FileManager.default.contents(atPath: scratch + "/err") ?? Data()
        try? FileManager.default.removeItem(atPath: scratch)
        return ProcessResult(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData, as: UTF8.self),
            signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil)
    }

    /// Runs the tamper fixture on a ledger.
    static func tamper(_ ledger: String, _ arguments: String...) throws {
        let result = try run(
            "/usr/bin/env", ["python3", root + "/Tests/Fixtures/tamper.py", ledger] + arguments)
        if result.status != 0 { throw TamperFailed(message: result.error) }
    }

    struct TamperFailed: Error {
        var message: String
    }

    /// A small config: `days` days, fewer agents, all three scenarios.
    static func smallConfig(seed: UInt64, days: Int = 2) -> MarketConfig {
        var config = MarketConfig()
        config.seed = seed
        config.days = days
        config.buyers = 2
        config.sellers = 2
        config.campaignsPerBuyer = 3
        config.productsPerSeller = 3
        return config
    }

    /// Records a run into a new ledger in `directory`.
    @discardableResult
    static func record(
        _ config: MarketConfig, in directory: String, name: String = "run.ledger",
        layout: FrameLayout = FrameLayout(frameTargetBytes: 4_096, checkpointEveryFrames: 4)
    ) throws
        -> (path: String, outcome: RunOutcome)
    {
        let path = directory + "/" + name
        return (path, try recordMarket(config, path: path, layout: layout).outcome)
    }

    /// Copies a file.
    static func copy(_ source: String, to destination: String) throws {
        try? FileManager.default.removeItem(atPath: destination)
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }
}

/// Records a market run into `path` (a test's usual one-liner).
@discardableResult
func recordMarket(
    _ config: MarketConfig, path: String, layout: FrameLayout = FrameLayout(),
    canary: Canary? = nil, perturbation: Perturbation? = nil
) throws -> (outcome: RunOutcome, run: MarketEngine) {
    var settings = RecordingSettings(layout: layout)
    settings.canary = canary?.rawValue
    settings.perturbation = perturbation
    return try Recording.record(RTBMarketModel.self, config: config, path: path, settings: settings)
}

/// Every market event of a ledger, decoded.
func marketEvents(_ path: String) throws -> [(sequence: UInt64, event: MarketEvent)] {
    var events: [(UInt64, MarketEvent)] = []
    try LedgerEvents.forEach(RTBMarketModel.self, store: try LedgerStore.open(path: path)) {
        sequence, event in
        events.append((sequence, event))
        return true
    }
    return events
}

/// The number in a checker note such as "truthfulness: 1234 counterfactual bids on ...".
func counterfactuals(_ notes: [String]) -> Int {
    guard let note = notes.first(where: { $0.hasPrefix("truthfulness: ") }) else { return 0 }
    return Int(note.dropFirst("truthfulness: ".count).prefix { $0.isNumber }) ?? 0
}
