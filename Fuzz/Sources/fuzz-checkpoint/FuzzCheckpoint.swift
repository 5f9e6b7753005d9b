import LibFuzzer
import RTBFuzzing

/// One input of the checkpoint target (FuzzHarness.checkpoint, which the test suite also replays).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzHarness.checkpoint(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// SwiftPM links an executable's entry point under this name; it hands over to libFuzzer.
@_cdecl("fuzz_checkpoint_main")
public func fuzzCheckpointMain(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
) -> Int32 {
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LibFuzzer.run(&count, &vector, fuzzCheckpoint)
}
