// swift-tools-version: 6.0
import PackageDescription

// The pipeline reads left to right:
// Markdown document (Document) → resolved experiments and runs (Pipeline) →
// training (Engine, on Datasets) → figures (Figures) → the written README (Pipeline).
// C libraries stay at the edge: one system-library target each.

// Engine's kernels only: measured, -Ounchecked buys them about a quarter of their throughput. Datasets
// parses downloaded files and keeps its bounds checks; elsewhere it bought nothing. On x86-64 they are
// compiled for Haswell's instruction set (AVX2, FMA and their companions; Intel's 2013 processors):
// 256-bit vectors instead of 128-bit ones, about 5% on default-network training, with the same results
// bit for bit (Swift never contracts a multiply and an add into an FMA by itself). `report` checks the
// processor before it runs (`Sources/report/ProcessorCheck.swift`). The test below is on the machine
// that reads this manifest: cross-compiling from x86-64 to another architecture needs it removed.
#if arch(x86_64)
    let engineProcessor = ["-target-cpu", "haswell"]
#else
    let engineProcessor: [String] = []
#endif
let optimized: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-wmo"] + engineProcessor, .when(configuration: .release))
]

// Every module is built testable in release too, so that `swift build -c release`, `swift run -c release`
// and `swift test -c release` (whose tests use @testable imports) share one build instead of
// recompiling every module when switching between them.
let testable: [SwiftSetting] = [.unsafeFlags(["-enable-testing"], .when(configuration: .release))]

let package = Package(
    name: "report",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "report", targets: ["report"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
    ],
    targets: [
        // MARK: C libraries
        // oneDNN ships no pkg-config file; its headers and library are on the default paths.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        // libpng reports errors by longjmp, so its calls are C functions in the module's header.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        // MARK: Implementation
        .target(name: "Suggestions", swiftSettings: testable),
        // Atomic, refusing file writes and who holds a file: a leaf that the cache, the build and `report train` use.
        .target(name: "Files", swiftSettings: testable),
        // The 127.0.0.1 HTTP server of `report preview`: a leaf, sockets and nothing of the build.
        .target(name: "Preview", swiftSettings: testable),
        .target(
            name: "Datasets",
            dependencies: [
                "CPNG", "CZlib", "Files", "Suggestions", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: testable),
        .target(
            name: "Engine",
            dependencies: ["CDNNL", "Datasets"],
            swiftSettings: optimized + testable),
        .target(
            name: "Configuration", dependencies: ["Engine", "Datasets", "Suggestions", "Yams"],
            swiftSettings: testable),
        .target(name: "Figures", swiftSettings: testable),
        .target(name: "Document", dependencies: ["CCmark", "Suggestions", "Yams"], swiftSettings: testable),
        // report.yaml (its keys, the executor and Slurm settings) and where a project's files are.
        .target(
            name: "ProjectSettings", dependencies: ["Datasets", "Document", "Files", "Suggestions", "Yams"],
            swiftSettings: testable),
        // The run cache: content-addressed entries with manifests, their keys, records and locks.
        .target(
            name: "RunCache",
            dependencies: [
                "Configuration", "Datasets", "Engine", "Files",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: testable),
        // A checked document: experiments resolved into runs with their keys, figures, tables and the values
        // and claims the text refers to. Reads no dataset and trains nothing.
        .target(
            name: "Planning",
            dependencies: [
                "Configuration", "Datasets", "Document", "Engine", "Figures", "RunCache", "Suggestions",
                "Yams",
            ],
            swiftSettings: testable),
        // The written output: the document with its values, tables and figures filled in, claims checked,
        // and the HTML page.
        .target(
            name: "Rendering",
            dependencies: ["Configuration", "Document", "Engine", "Figures", "Planning", "RunCache"],
            swiftSettings: testable),
        // Training planned runs on this machine: the executor protocol and its one outcome, the local
        // scheduler and thread policy, the engine as a trainer, resumable state and extension of shorter runs.
        .target(
            name: "Execution",
            dependencies: ["Configuration", "Datasets", "Engine", "Files", "Planning", "RunCache"],
            swiftSettings: testable),
        // The Slurm executor and its worker, on top of execution: job arrays, tracking, cancelling.
        .target(
            name: "Slurm",
            dependencies: [
                "Datasets", "Engine", "Execution", "Files", "Planning", "ProjectSettings", "RunCache",
            ],
            swiftSettings: testable),
        // Terminal presentation: build progress and download bars. Only the command-line tool uses it.
        .target(
            name: "Console", dependencies: ["Datasets", "Engine", "Execution", "Pipeline"],
            swiftSettings: testable),
        .target(
            name: "Pipeline",
            dependencies: [
                "Configuration", "Datasets", "Document", "Engine", "Execution", "Figures", "Files",
                "Planning",
                "ProjectSettings", "Rendering", "RunCache", "Slurm", "Suggestions", "Yams",
            ],
            swiftSettings: testable),
        .executableTarget(
            name: "report",
            dependencies: [
                "Configuration", "Console", "Datasets", "Document", "Engine", "Execution", "Files",
                "Pipeline",
                "Planning", "Preview", "ProjectSettings", "Rendering", "RunCache", "Slurm", "Yams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: testable),

        // MARK: Tests
        .target(
            name: "TestSupport", dependencies: ["Datasets"], path: "Tests/TestSupport",
            swiftSettings: testable),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "Engine", "Yams"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
        .testTarget(name: "FilesTests", dependencies: ["Files", "TestSupport"]),
        .testTarget(name: "PreviewTests", dependencies: ["Preview", "TestSupport"]),
        .testTarget(
            name: "ProjectSettingsTests", dependencies: ["ProjectSettings", "Pipeline", "TestSupport"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "Datasets", "Engine"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"], exclude: ["Golden"]),
        .testTarget(name: "DocumentTests", dependencies: ["Document", "Suggestions"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Configuration", "Execution", "Files", "Pipeline", "Planning", "Rendering", "RunCache",
                "Slurm",
                "Suggestions", "TestSupport",
            ]),
        // End to end: runs the built `report` binary (a dependency, so that it is built first).
        .testTarget(name: "CLITests", dependencies: ["report", "TestSupport", "Datasets", "Yams"]),
    ],
    swiftLanguageModes: [.v6]
)
