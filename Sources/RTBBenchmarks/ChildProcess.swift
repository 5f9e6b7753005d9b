import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program and reports its wall time and its standard output.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var seconds: Double
        public var output: String
    }

    /// The child's output goes to a file, read after it exits.
    public static func run(
        _ executable: String, _ arguments: [String], scratch: String,
        environment: [String: String]? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let outputPath = scratch + "/child-output.txt"
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = FileHandle(forWritingAtPath: outputPath)!
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let started = Date()  // determinism-ok: benchmark timing
        try process.run()
        process.waitUntilExit()
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let seconds = Date().timeIntervalSince(started)  // determinism-ok: benchmark timing
        return Result(status: process.terminationStatus, seconds: seconds, output: text)
    }
}
