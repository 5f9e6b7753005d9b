// swift-tools-version: 6.1
import PackageDescription

/// Release builds skip dynamic exclusivity checks in the hot modules (debug builds, which run
/// the tests, keep them): they cost 10-15% in the engine and the checker.
let hotPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "rtb-verify",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rtb-sim", targets: ["rtb-sim"]),
        .executable(name: "rtb-verify", targets: ["rtb-verify"]),
        .library(
            name: "RTBVerify", targets: ["RTBModels", "RTBRunning", "RTBIntegrity", "RTBReports"]),
        // What the fuzz targets run (Fuzz/Package.swift).
        .library(name: "RTBFuzzing", targets: ["RTBFuzzing"]),
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
        .target(
            name: "RTBTrace", dependencies: ["RTBCore", "CZstd"], swiftSettings: hotPathSettings),
        .target(
            name: "RTBLedger", dependencies: ["RTBCore", "RTBTrace", "CSQLite"],
            swiftSettings: hotPathSettings),
        .target(
            name: "RTBEvents", dependencies: ["RTBCore", "RTBTrace"],
            exclude: ["events.schema.json"], swiftSettings: hotPathSettings
        ),
        .target(
            name: "RTBMarket", dependencies: ["RTBCore", "RTBEvents", "RTBTrace"],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "RTBChecking", dependencies: ["RTBCore", "RTBEvents", "RTBMarket", "RTBTrace"],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "RTBEquilibrium", dependencies: ["RTBCore", "RTBTrace"],
            exclude: ["events.schema.json", "events.reader.json"], swiftSettings: hotPathSettings),
        .target(
            name: "RTBAtomization", dependencies: ["RTBCore", "RTBTrace"],
            exclude: ["events.schema.json", "events.reader.json"], swiftSettings: hotPathSettings),
        .target(
            name: "RTBElectricity", dependencies: ["RTBCore", "RTBTrace"],
            exclude: ["events.schema.json", "events.reader.json"], swiftSettings: hotPathSettings),
        .target(
            name: "RTBAuctionLab", dependencies: ["RTBCore", "RTBTrace"],
            exclude: ["events.schema.json", "events.reader.json"], swiftSettings: hotPathSettings),
        .target(
            name: "RTBAdPipeline", dependencies: ["RTBCore", "RTBTrace"],
            exclude: ["events.schema.json", "events.reader.json"]),
        // The llm policy's provider clients (URLSession, outside the engine).
        .target(name: "RTBLLM", dependencies: ["RTBCore", "RTBTrace", "RTBEvents", "RTBMarket"]),
        .target(
            name: "RTBModels",
            dependencies: [
                "RTBCore", "RTBTrace", "RTBLedger", "RTBEvents", "RTBMarket", "RTBChecking",
                "RTBEquilibrium", "RTBAtomization", "RTBElectricity", "RTBAuctionLab", "RTBAdPipeline", "RTBLLM",
            ],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "RTBIntegrity", dependencies: ["RTBCore", "RTBTrace", "RTBLedger", "RTBModels"],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "RTBRunning",
            dependencies: [
                "RTBCore", "RTBTrace", "RTBLedger", "RTBModels", "RTBIntegrity", "RTBEvents",
                "RTBMarket", "RTBLLM",
            ],
            swiftSettings: hotPathSettings
        ),
        .target(
            name: "RTBReports",
            dependencies: [
                "RTBCore", "RTBTrace", "RTBEvents", "RTBMarket", "RTBModels", "RTBRunning",
                "RTBIntegrity", "RTBEquilibrium", "RTBAtomization", "RTBElectricity", "RTBAuctionLab", "RTBAdPipeline",
            ]
        ),
        .target(
            name: "RTBCommandLine",
            dependencies: [
                "RTBCore", "RTBTrace", "RTBLedger", "RTBEvents", "RTBMarket", "RTBModels",
                "RTBIntegrity",
                "RTBRunning", "RTBReports", "RTBLLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "RTBBenchmarks",
            dependencies: [
                "RTBEquilibrium", "RTBAtomization", "RTBElectricity", "RTBAuctionLab", "RTBAdPipeline", "RTBLLM", "RTBCore", "RTBTrace",
                "RTBLedger", "RTBEvents", "RTBCommandLine",
                "RTBMarket", "RTBModels", "RTBIntegrity",
                "RTBRunning", "RTBReports",
            ]
        ),
        .executableTarget(
            name: "rtb-bench",
            dependencies: [
                "RTBBenchmarks", "RTBCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "rtb-sim",
            dependencies: [
                "RTBCommandLine", "RTBCore", "RTBTrace", "RTBEvents", "RTBMarket", "RTBModels",
                "RTBRunning",
                "RTBReports", "RTBIntegrity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "RTBVerifyCommands",
            dependencies: [
                "RTBCommandLine", "RTBCore", "RTBTrace", "RTBLedger", "RTBMarket", "RTBModels",
                "RTBRunning",
                "RTBReports", "RTBIntegrity", "RTBLLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "rtb-verify", dependencies: ["RTBVerifyCommands"]),
        // One input of each fuzz target; the tests replay the committed corpus through it.
        .target(
            name: "RTBFuzzing",
            dependencies: [
                "RTBCore", "RTBTrace", "RTBLedger", "RTBEvents", "RTBMarket", "RTBChecking",
                "RTBModels",
            ]
        ),
        // The minimal model that proves the harness contract, and rtb-verify with it registered.
        .target(
            name: "BankModel", dependencies: ["RTBCore", "RTBTrace"], path: "Tests/BankModel",
            exclude: ["events.schema.json", "events.reader.json", "event-layouts.md"]),
        .executableTarget(
            name: "rtb-test-model", dependencies: ["BankModel", "RTBModels", "RTBVerifyCommands"],
            path: "Tests/rtb-test-model"
        ),
        .testTarget(name: "RTBCoreTests", dependencies: ["RTBCore"]),
        .testTarget(name: "RTBTraceTests", dependencies: ["RTBCore", "RTBTrace"]),
        .testTarget(name: "RTBLedgerTests", dependencies: ["RTBCore", "RTBTrace", "RTBLedger"]),
        .testTarget(name: "RTBEventsTests", dependencies: ["RTBCore", "RTBTrace", "RTBEvents"]),
        .testTarget(
            name: "RTBMarketTests", dependencies: ["RTBCore", "RTBEvents", "RTBMarket", "RTBTrace"]),
        .target(name: "RTBTestSupport", dependencies: ["RTBIntegrity"], path: "Tests/RTBTestSupport"),
        .testTarget(
            name: "RTBHarnessTests",
            dependencies: [
                "BankModel", "RTBTestSupport", "RTBCore", "RTBTrace", "RTBLedger", "RTBModels",
                "RTBIntegrity", "RTBRunning",
            ]
        ),
        .testTarget(
            name: "RTBAtomizationTests",
            dependencies: [
                "RTBAtomization", "RTBTestSupport", "RTBCore", "RTBTrace", "RTBLedger", "RTBModels",
                "RTBIntegrity", "RTBRunning",
            ]
        ),
        .testTarget(
            name: "RTBAuctionLabTests",
            dependencies: [
                "RTBAuctionLab", "RTBAdPipeline", "RTBTestSupport", "RTBCore", "RTBTrace", "RTBLedger",
                "RTBModels",
                "RTBIntegrity", "RTBRunning",
            ]
        ),
        .testTarget(
            name: "RTBElectricityTests",
            dependencies: [
                "RTBElectricity", "RTBTestSupport", "RTBCore", "RTBTrace", "RTBLedger", "RTBModels",
                "RTBIntegrity", "RTBRunning",
            ]
        ),
        .testTarget(
            name: "RTBEquilibriumTests",
            dependencies: [
                "RTBEquilibrium", "RTBTestSupport", "RTBCore", "RTBTrace", "RTBLedger", "RTBModels",
                "RTBIntegrity", "RTBRunning",
            ]
        ),
        .testTarget(
            name: "RTBVerifyTests",
            dependencies: [
                "RTBCore", "RTBTrace", "RTBLedger", "RTBEvents", "RTBMarket", "RTBChecking",
                "RTBModels",
                "RTBIntegrity", "RTBRunning", "RTBReports", "RTBCommandLine", "RTBTestSupport",
                "RTBFuzzing", "RTBLLM",
            ]
        ),
    ]
)
