// swift-tools-version: 6.1
import PackageDescription

/// Release builds skip dynamic exclusivity checks in the hot modules (debug builds, which run
/// the tests, keep them): they cost 10-15% in the engine and the checker.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "rtb-verify",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rtb-sim", targets: ["rtb-sim"]),
        .executable(name: "rtb-verify", targets: ["rtb-verify"]),
        .library(name: "RTBVerify", targets: ["RTBVerify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .target(
            name: "RTBCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: hotPathSettings
        ),
        .target(name: "RTBEvents", dependencies: ["RTBCore"], swiftSettings: hotPathSettings),
        .target(name: "RTBMarket", dependencies: ["RTBCore", "RTBEvents"], swiftSettings: hotPathSettings),
        .target(name: "RTBTrace", dependencies: ["RTBCore", "CZstd"], swiftSettings: hotPathSettings),
        .target(name: "RTBLedger", dependencies: ["RTBCore", "RTBTrace", "CSQLite"], swiftSettings: hotPathSettings),
        .target(
            name: "RTBVerify",
            dependencies: ["RTBCore", "RTBEvents", "RTBMarket", "RTBTrace", "RTBLedger"],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "RTBCommandLine",
            dependencies: [
                "RTBCore", "RTBEvents", "RTBMarket", "RTBLedger", "RTBTrace", "RTBVerify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "RTBBenchmarks",
            dependencies: ["RTBCore", "RTBEvents", "RTBMarket", "RTBTrace", "RTBLedger", "RTBVerify"]
        ),
        .executableTarget(
            name: "rtb-bench",
            dependencies: [
                "RTBBenchmarks", "RTBCommandLine", "RTBMarket", "RTBVerify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "rtb-sim",
            dependencies: [
                "RTBCommandLine", "RTBCore", "RTBEvents", "RTBMarket", "RTBVerify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "rtb-verify",
            dependencies: [
                "RTBCommandLine", "RTBCore", "RTBMarket", "RTBVerify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "RTBCoreTests", dependencies: ["RTBCore"]),
        .testTarget(name: "RTBMarketTests", dependencies: ["RTBCore", "RTBEvents", "RTBMarket"]),
        .testTarget(
            name: "RTBVerifyTests",
            dependencies: ["RTBCore", "RTBEvents", "RTBMarket", "RTBTrace", "RTBLedger", "RTBVerify", "RTBCommandLine"]
        ),
    ]
)
