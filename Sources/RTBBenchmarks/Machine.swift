import Foundation

/// What the benchmarks ran on.
public enum Machine {
    public static func describe(commit: String?) -> [String: String] {
        var info: [String: String] = [:]
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        info["cpu"] =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map {
                String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(
                    in: .whitespaces)
            } ?? "unknown"
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
}
