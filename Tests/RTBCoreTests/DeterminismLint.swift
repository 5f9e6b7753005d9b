import Foundation

/// Scans Swift sources of simulation and ledger modules for APIs that break determinism.
/// A line ending in `// determinism-ok: <why>` is exempt.
struct DeterminismLint {
    struct Rule {
        var pattern: String
        var replacement: String
    }

    struct Violation: CustomStringConvertible {
        var file: String
        var line: Int
        var text: String
        var replacement: String

        var description: String {
            "\(file):\(line): \(text.trimmingCharacters(in: .whitespaces)) -> \(replacement)"
        }
    }

    static let rules: [Rule] = [
        Rule(pattern: #"\bDate\(\)"#, replacement: "use SimTime ticks owned by the engine"),
        Rule(pattern: #"\bUUID\(\)"#, replacement: "derive ids from counters in the engine state"),
        Rule(
            pattern: #"SystemRandomNumberGenerator"#,
            replacement: "use RandomStream keyed by (seed, purpose)"),
        Rule(pattern: #"\.random\b"#, replacement: "use RandomStream keyed by (seed, purpose)"),
        Rule(
            pattern: #"\bProcessInfo\b|\bgetenv\("#,
            replacement: "no environment or process reads in simulation code"),
        Rule(
            pattern:
                #"DispatchTime|ContinuousClock|SuspendingClock|clock_gettime|gettimeofday|\btime\(nil\)"#,
            replacement: "the engine owns time: no wall clock"),
        Rule(
            pattern:
                #"(?<![.\w])(?<!func )(exp|exp2|expm1|log|log2|log10|log1p|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|cbrt|erf|tgamma|lgamma)\s*\("#,
            replacement: "use DeterministicMath (libm differs across platforms)"),
        Rule(
            pattern: #"\b(Foundation|Glibc|Darwin)\.(exp|log|pow|sin|cos|tan)\b"#,
            replacement: "use DeterministicMath (libm differs across platforms)"),
        Rule(
            pattern: #"\bHasher\b|\.hashValue\b"#,
            replacement: "Swift hashing is seeded per process: use StreamKey or SHA-256"),
        Rule(
            pattern: #"\bSet<|\bSet\(|\bDictionary<|:\s*\[\s*\w+\s*:\s*\w+\s*\]"#,
            replacement:
                "unordered collection: iterate it in sorted order and mark the line, or use an array"
        ),
        Rule(
            pattern: #"\.(keys|values)\b(?!\.sorted)"#, replacement: "iterate keys in sorted order"),
        Rule(
            pattern: #"\bDispatchQueue\b|\bThread\b|\bTask\s*\{|\basync let\b"#,
            replacement:
                "no thread interleavings in simulation code (parallel work must reduce in fixed order)"
        ),
    ]

    /// Modules where `import Foundation` is itself a violation.
    static let foundationFree: Set<String> = [
        "RTBCore", "RTBTrace", "RTBEvents", "RTBMarket", "RTBChecking", "RTBModels", "RTBEquilibrium",
        "RTBAtomization",
        "RTBElectricity",
    ]

    /// Violations in every .swift file under `directory` (recursively).
    static func scan(directory: String) -> [Violation] {
        let manager = FileManager.default
        guard let files = manager.enumerator(atPath: directory)?.compactMap({ $0 as? String })
        else { return [] }
        var violations: [Violation] = []
        let regexes = rules.map { (try! NSRegularExpression(pattern: $0.pattern), $0.replacement) }
        for relative in files.sorted() where relative.hasSuffix(".swift") {
            let path = directory + "/" + relative
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            // Scanning Sources/<Module> names the module by the directory itself; scanning a
            // tree above modules, by the first path component.
            let own = directory.split(separator: "/").last.map(String.init) ?? ""
            let module =
                relative.contains("/") && !foundationFree.contains(own)
                ? relative.split(separator: "/").first.map(String.init) ?? "" : own
            for (index, rawLine) in text.components(separatedBy: "\n").enumerated() {
                if rawLine.contains("// determinism-ok") { continue }
                let line = code(of: rawLine)
                if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                if foundationFree.contains(module), line.contains("import Foundation") {
                    violations.append(
                        Violation(
                            file: path, line: index + 1, text: rawLine,
                            replacement: "keep Foundation out of simulation modules"))
                }
                let range = NSRange(line.startIndex..., in: line)
                for (regex, replacement) in regexes
                where regex.firstMatch(in: line, range: range) != nil {
                    violations.append(
                        Violation(
                            file: path, line: index + 1, text: rawLine, replacement: replacement))
                }
            }
        }
        return violations
    }

    /// The line without comments and string literals.
    static func code(of line: String) -> String {
        var result = ""
        var inString = false
        var previous: Character = " "
        for character in line {
            if !inString && character == "/" && previous == "/" {
                result.removeLast()
                break
            }
            if character == "\"" && previous != "\\" {
                inString.toggle(); previous = character; continue
            }
            if !inString { result.append(character) }
            previous = character
        }
        let trimmed = result.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix("*") || trimmed.hasPrefix("/*") ? "" : result
    }
}
