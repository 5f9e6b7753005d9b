/// libFuzzer's driver, entered from each target's entry point (libFuzzer's own `main` is not
/// linked: SwiftPM names the executable's entry point itself).
public enum LibFuzzer {
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>, Int) -> Int32

    public static func run(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: Callback
    ) -> Int32 {
        runDriver(argc, argv, callback)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: LibFuzzer.Callback
) -> Int32
