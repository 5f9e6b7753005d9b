import Foundation
import Testing

let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The simulation and ledger modules use no banned API.
@Test func simulationAndLedgerModulesPassTheDeterminismLint() {
    var violations: [DeterminismLint.Violation] = []
    for module in ["RTBCore", "RTBTrace", "RTBLedger", "RTBEvents", "RTBMarket", "RTBChecking", "RTBModels", "RTBEquilibrium"] {
        violations += DeterminismLint.scan(directory: repositoryRoot + "/Sources/" + module)
            .map {
                var violation = $0;
                violation.file = module + "/" + ($0.file as NSString).lastPathComponent;
                return violation
            }
    }
    #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
}

/// The lint catches planted violations, naming file, line and replacement.
@Test func theLintCatchesPlantedViolations() throws {
    let directory = NSTemporaryDirectory() + "lint-\(getpid())/RTBMarket"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let planted = """
        import Foundation
        func bad() -> Double {
            let now = Date()
            var generator = SystemRandomNumberGenerator()
            let roll = Int.random(in: 0...6, using: &generator)
            let table: [String: Int] = [:]
            for key in table.keys { print(key, now, roll) }
            return exp(1.0) + Foundation.log(2.0)
        }
        // exp(1) in a comment is fine
        let allowed = Set([1, 2]).count  // determinism-ok: size only
        """
    try planted.write(toFile: directory + "/Planted.swift", atomically: true, encoding: .utf8)
    let violations = DeterminismLint.scan(
        directory: (directory as NSString).deletingLastPathComponent)
    let lines = Set(violations.map(\.line))
    #expect(lines == [1, 3, 4, 5, 6, 7, 8])
    #expect(violations.allSatisfy { $0.file.hasSuffix("Planted.swift") && !$0.replacement.isEmpty })
    #expect(violations.contains { $0.line == 8 && $0.replacement.contains("DeterministicMath") })
}
