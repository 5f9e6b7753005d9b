import Foundation

/// Paths and processes shared by the test targets.
public enum TestSupport {
    /// The repository root (this file is Tests/RTBTestSupport/TestSupport.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The directory holding the built executables (next to the test bundle).
    public static let binaries: String = {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().path
    }()

    /// A fresh empty directory.
    public static func temporaryDirectory() -> String {
        let path =
            NSTemporaryDirectory() + "rtb-tests-"
            + String(UInt64.random(in: 0...UInt64.max), radix: 36)  // determinism-ok: test scratch names
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public struct ProcessResult {
        public var status: Int32
        public var output: String
        public var error: String
        /// The signal that ended the process, nil when it exited.
        public var signal: Int32?
    }

    /// Runs a program and waits.
    @discardableResult
    public static func run(
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

    /// `rtb-verify record --model MODEL` of the JSON config `json` (written beside the ledger as
    /// `PATH.json`) into `path`, with the frame size and checkpoint interval given.
    public static func recordModel(
        _ model: String, json: String, path: String, frameBytes: Int, checkpointEvery: Int,
        _ more: [String] = []
    ) throws -> ProcessResult {
        let file = path + ".json"
        try json.write(toFile: file, atomically: true, encoding: .utf8)
        return try run(
            "rtb-verify",
            [
                "record", "--model", model, "--config", file, "--ledger", path, "--frame-bytes",
                String(frameBytes), "--checkpoint-every", String(checkpointEvery),
            ] + more)
    }

    /// The invariants with violations in the table `rtb-verify check` prints (name, checked,
    /// violations, rule), in table order.
    public static func violatedInvariants(_ output: String) -> [String] {
        output.split(separator: "\n").filter { line in
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            return columns.count > 3 && Int(columns[1]) != nil
                && Int(columns[2]).map { $0 > 0 } == true
        }.map { String($0.split(separator: " ")[0]) }
    }

    /// Runs the tamper fixture on a ledger.
    public static func tamper(_ ledger: String, _ action: String, _ arguments: String...) throws {
        try tamper(ledger, action, arguments)
    }

    /// Runs the tamper fixture with an action's arguments as a list.
    public static func tamper(_ ledger: String, _ action: String, _ arguments: [String]) throws {
        let result = try run(
            "/usr/bin/env",
            ["python3", root + "/Tests/Fixtures/tamper.py", ledger, action] + arguments)
        if result.status != 0 { throw TamperFailed(message: result.error) }
    }

    public struct TamperFailed: Error {
        public var message: String
    }

    /// Copies a file.
    public static func copy(_ source: String, to destination: String) throws {
        try? FileManager.default.removeItem(atPath: destination)
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }
}
