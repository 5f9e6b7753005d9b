// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer targets for the decoders and the checker that run past the hash check (README.md
/// here); each input goes to `FuzzHarness` (Sources/RTBFuzzing). Built with
/// `bash tools/fuzz.sh`, which passes `-sanitize=fuzzer,address -parse-as-library`.
let harness: [Target.Dependency] = [
    "LibFuzzer", .product(name: "RTBFuzzing", package: "main"),
]

let package = Package(
    name: "rtb-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "main", path: "..")],
    targets: [
        .target(name: "LibFuzzer"),
        .executableTarget(name: "fuzz-events", dependencies: harness),
        .executableTarget(name: "fuzz-frame", dependencies: harness),
        .executableTarget(name: "fuzz-checkpoint", dependencies: harness),
        .executableTarget(name: "fuzz-config", dependencies: harness),
    ]
)
