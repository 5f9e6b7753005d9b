import Foundation
import RTBTrace

/// The `rtb-verify record-cells` processes of a sweep, one per job at most, each recording cell
/// after cell: a cell then costs its ledger and its run, not a process start.
final class CellWorkers: @unchecked Sendable {
    let executable: String
    let lock = NSLock()
    var idle: [CellWorker] = []
    var all: [CellWorker] = []

    init(executable: String) {
        self.executable = executable
    }

    /// Records one cell with `record` `arguments` on an idle worker (started when none is);
    /// returns its answer line.
    func record(_ arguments: [String]) throws -> String {
        lock.lock()
        var worker = idle.popLast()
        lock.unlock()
        if worker == nil {
            let started = try CellWorker(executable: executable)
            lock.lock()
            all.append(started)
            lock.unlock()
            worker = started
        }
        let answer = try worker!.record(arguments)
        lock.lock()
        idle.append(worker!)
        lock.unlock()
        return answer
    }

    /// Ends every worker (end of input) and waits for it.
    func finish() {
        for worker in all { worker.finish() }
    }
}

/// One worker process and the lines it answers.
final class CellWorker {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    var buffer = Data()

    init(executable: String) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["record-cells"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CommandFailure(
                ExitStatus.operatingError, "\(executable): cannot start (\(error))")
        }
    }

    func record(_ arguments: [String]) throws -> String {
        let line = "[" + arguments.map(JSONText.quote).joined(separator: ",") + "]\n"
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(line.utf8))
        } catch {
            throw CommandFailure(ExitStatus.operatingError, "the rtb-verify worker has ended")
        }
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let answer = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return answer
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                throw CommandFailure(ExitStatus.operatingError, "the rtb-verify worker has ended")
            }
            buffer.append(chunk)
        }
    }

    func finish() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
