import Foundation

/// This process's peak resident memory (VmHWM in /proc/self/status), for benchmarks.
public enum ProcessMemory {
    public static func peakKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
            return nil
        }
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap {
                Int(
                    $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
                        ?? "")
            }
    }
}
