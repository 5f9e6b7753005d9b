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
            // One worker is created at a time: Foundation's Process, run from two threads at
            // once, lets a child inherit the other's pipe and exit-watch descriptors (it closes
            // the descriptors up to a maximum it read before the other opened its own). The
            // first worker's exit then goes unseen and the sweep hung at its end.
            CellWorker.spawning.lock()
            defer { CellWorker.spawning.unlock() }
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

    /// Ends every worker (end of input for all first, so none waits on another) and waits for
    /// each to exit.
    func finish() {
        for worker in all { worker.endInput() }
        for worker in all { worker.waitForExit() }
    }
}

/// One worker process and the lines it answers.
final class CellWorker {
    static let spawning = NSLock()
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

    func endInput() {
        try? input.fileHandleForWriting.close()
    }

    /// Waits for the worker to exit with waitpid: Foundation's `waitUntilExit` was seen to miss
    /// a worker's exit on Linux and wait forever (the sweep hung with the worker a zombie). If
    /// Foundation's monitor reaps it first, waitpid answers ECHILD: it has exited all the same.
    func waitForExit() {
        let pid = process.processIdentifier
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}
