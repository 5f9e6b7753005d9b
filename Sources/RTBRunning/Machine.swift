import Foundation

/// What a benchmark or a study ran on (measurements, never part of a digest).
public enum Machine {
    public static func describe(commit: String?) -> [String: String] {
        var info: [String: String] = [:]
        info["cpu"] = cpuModel()
        info["cores"] = String(ProcessInfo.processInfo.activeProcessorCount)
        info["memory_gib"] = String(ProcessInfo.processInfo.physicalMemory >> 30)
        #if swift(>=6.3)
            info["swift"] = "6.3"
        #else
            info["swift"] = "< 6.3"
        #endif
        info["commit"] = commit ?? "unknown"
        info["date"] = ISO8601DateFormatter().string(from: Date())  // determinism-ok: report metadata
        return info
    }

    /// The CPU's model name from /proc/cpuinfo.
    public static func cpuModel() -> String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map {
                String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(
                    in: .whitespaces)
            } ?? "unknown"
    }

    /// The commit checked out in `directory` (read from .git, no git needed), or nil.
    public static func gitCommit(directory: String = ".") -> String? {
        var commit = (try? String(contentsOfFile: directory + "/.git/HEAD", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if let reference = commit, reference.hasPrefix("ref: ") {
            commit =
                (try? String(
                    contentsOfFile: directory + "/.git/" + reference.dropFirst(5), encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return commit
    }
}
