import Foundation
import RTBFuzzing
import RTBTestSupport
import Testing

/// The committed fuzz corpus (Fuzz/Corpus/: seeds cut from the fixtures, and every input a
/// fuzz run found to trap, hang or exhaust memory) replayed through the fuzz targets' own
/// code: a finding, once fixed, stays fixed without running the fuzzer.
@Test(arguments: FuzzHarness.targets.map(\.name))
func theFuzzCorpusIsDecodedOrRefusedWithoutATrap(target: String) throws {
    let directory = TestSupport.root + "/Fuzz/Corpus/" + target
    let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    #expect(!names.isEmpty, "no corpus for \(target)")
    let run = try #require(FuzzHarness.targets.first { $0.name == target }?.run)
    for name in names {
        let bytes = try #require(FileManager.default.contents(atPath: directory + "/" + name))
        run(Array(bytes))
    }
}
