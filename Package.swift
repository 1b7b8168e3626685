// swift-tools-version: 6.0
import PackageDescription

// The pipeline reads left to right:
// Markdown document (Document) → resolved experiments and runs (Pipeline) →
// training (Engine, on Datasets) → figures (Figures) → the written README (Pipeline).
// C libraries stay at the edge: one system-library target each.

// Engine's kernels only: measured, -Ounchecked buys them about a quarter of their throughput. Datasets
// parses downloaded files and keeps its bounds checks; elsewhere it bought nothing.
let optimized: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "report",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "report", targets: ["report"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),

        // MARK: Implementation
        .target(name: "Suggestions"),
        .target(
            name: "Datasets",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "Engine",
            dependencies: ["CBLAS", "Datasets"],
            swiftSettings: optimized),
        .target(name: "Configuration", dependencies: ["Engine", "Datasets", "Suggestions", "Yams"],
                swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "Figures"),
        .target(name: "Document", dependencies: ["CCmark", "Suggestions", "Yams"]),
        .target(
            name: "Pipeline",
            dependencies: ["Document", "Configuration", "Engine", "Datasets", "Figures", "Suggestions", "Yams",
                           .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(
            name: "report",
            dependencies: ["Pipeline", "Configuration", "Document", "Engine", "Datasets", "Yams",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["Datasets"], path: "Tests/TestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "Engine", "Yams"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"]),
        .testTarget(name: "DocumentTests", dependencies: ["Document", "Suggestions"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Suggestions", "TestSupport"]),
        // Runs the built binary: it depends on `report` so that the binary is built first.
        .testTarget(name: "CLITests", dependencies: ["report"]),
    ],
    swiftLanguageModes: [.v5]
)
