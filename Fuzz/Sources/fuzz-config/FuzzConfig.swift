import LibFuzzer
import RTBFuzzing

/// One input of the config target (FuzzHarness.config, which the test suite also replays).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzHarness.config(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// SwiftPM links an executable's entry point under this name; it hands over to libFuzzer.
@_cdecl("fuzz_config_main")
public func fuzzConfigMain(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
) -> Int32 {
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LibFuzzer.run(&count, &vector, fuzzConfig)
}
