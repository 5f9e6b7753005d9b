import Foundation
import Synchronization

/// The settings the `llm` policy reads: the process's environment, with the values a command's
/// options set (`--llm-budget` sets RTB_LLM_BUDGET) on top.
public enum LLMEnvironment {
    static let overrides = Mutex<[String: String]>([:])

    /// Sets a value for this process (a command line option).
    public static func set(_ name: String, _ value: String) {
        overrides.withLock { $0[name] = value }
    }

    public static var current: [String: String] {
        var environment = ProcessInfo.processInfo.environment  // determinism-ok: endpoint and key settings, outside the engine and every digest
        for (name, value) in overrides.withLock({ $0 }) { environment[name] = value }  // determinism-ok: a merge, order-free
        return environment
    }
}
