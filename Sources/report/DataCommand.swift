import ArgumentParser
import Console
import Datasets
import Foundation
import ProjectSettings

/// `report data fetch` and `report data verify`: find, verify and download MNIST and
/// Fashion-MNIST. Only argument parsing and printing live here; the work is in
/// `Datasets.DataCommands` so tests can run it.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Find, verify and download the datasets (MNIST, Fashion-MNIST).",
        discussion: """
            A dataset is looked for, in order, in --data-dir, $REPORT_DATA_DIR, data/<dataset>/ in \
            the project and /usr/share/datasets/<dataset>/ (Debian's dataset-fashion-mnist); the \
            first place whose four files match their known SHA-256 is used. Otherwise it is \
            downloaded into data/<dataset>/ from the dataset's mirrors.
            """,
        subcommands: [Fetch.self, Verify.self])

    /// Where to look for datasets, shared by both subcommands.
    struct Location: ParsableArguments {
        @Option(
            name: .customLong("data-dir"),
            help: "A directory holding mnist/ and fashion-mnist/, or one dataset's four files.")
        var dataDirectory: String?

        @Option(
            name: .customLong("project"),
            help:
                "The project directory, whose data/ is searched and receives downloads (default: the one whose report.yaml is found from here upwards, else here)."
        )
        var project: String?

        /// `--project`, else the directory of the report.yaml found from the working directory up, else it.
        var projectRoot: String {
            if let project { return project }
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            return (ProjectSettings.findRoot(from: cwd) ?? cwd).path
        }

        /// `--data-dir`, else report.yaml's `data_dir` (relative to the project).
        func dataDirectoryOrSetting() throws -> String? {
            if let dataDirectory { return dataDirectory }
            let root = URL(fileURLWithPath: projectRoot)
            guard
                FileManager.default.fileExists(
                    atPath: root.appendingPathComponent(ProjectSettings.fileName).path)
            else { return nil }
            return try ProjectSettings.load(root: root).dataDirectory.map {
                Project.absolute($0, from: root).path
            }
        }

        @Argument(
            help: "Datasets: mnist, fashion_mnist or declared in report.yaml (default: all).",
            completion: .list(DatasetName.allCases.map(\.rawValue)))
        var datasets: [String] = []

        /// The project's datasets: built-in and declared in its report.yaml.
        func catalog(rehash: Bool = false) throws -> DatasetCatalog {
            let root = URL(fileURLWithPath: projectRoot)
            guard
                ProjectSettings.findRoot(from: root)?.standardizedFileURL.path
                    == root.standardizedFileURL.path
                    || FileManager.default.fileExists(
                        atPath: root.appendingPathComponent(ProjectSettings.fileName).path)
            else { return .builtinOnly }
            let settings = try ProjectSettings.load(root: root)
            return DatasetCatalog(
                declarations: settings.datasets,
                cacheDirectory: rehash ? nil : root.appendingPathComponent("data"))
        }

        /// The built-in datasets named (all when none is named and no declared one is either).
        func names() throws -> [DatasetName] {
            try split().builtin
        }

        func split() throws -> (builtin: [DatasetName], declared: [DatasetID]) {
            let catalog = try catalog()
            var builtin: [DatasetName] = []
            var declared: [DatasetID] = []
            for text in datasets {
                if let name = DatasetName(userInput: text) {
                    builtin.append(name)
                } else if catalog.declarations[DatasetID(text)] != nil {
                    declared.append(DatasetID(text))
                } else {
                    throw ValidationError(
                        "unknown dataset '\(text)'; known datasets: \(catalog.names.joined(separator: ", "))")
                }
            }
            return (builtin, declared)
        }

        func locator(mirrors: [URL]? = nil) throws -> DataLocator {
            DataLocator(
                dataDirectory: try dataDirectoryOrSetting(), projectRoot: URL(fileURLWithPath: projectRoot),
                mirrors: mirrors)
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make sure the datasets are available and verified, downloading what is missing.")

        @OptionGroup var location: Location

        @Option(
            name: .customLong("mirror"),
            help: ArgumentHelp(
                "A mirror to download from instead of the canonical ones (repeatable, tried in order).",
                discussion:
                    "A directory URL holding <file>.gz; {dataset} in it stands for mnist or fashion-mnist."))
        var mirrors: [String] = []

        func validate() throws {
            if let declared = try location.split().declared.first {
                throw ValidationError(
                    "'\(declared)' is declared in report.yaml: its files are the project's, not downloaded ('report data verify \(declared)' checks them)"
                )
            }
            _ = try mirrorURLs()
        }

        func run() throws {
            let urls = try mirrorURLs()
            let printer = DownloadProgressPrinter()
            try DataCommands.fetch(
                try location.names(), locator: try location.locator(mirrors: urls.isEmpty ? nil : urls),
                progress: { printer($0) }, output: { print($0) })
        }

        private func mirrorURLs() throws -> [URL] {
            try mirrors.map { text in
                guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                    ["http", "https"].contains(scheme)
                else { throw ValidationError("--mirror '\(text)' is not an http:// or https:// URL") }
                return url
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify every copy of the datasets that the search finds, and say which one is used.")

        @OptionGroup var location: Location

        @Flag(help: "Hash every file again instead of trusting the verification cache.")
        var rehash = false

        func validate() throws {
            _ = try location.split()
        }

        func run() throws {
            let (builtin, declared) = try location.split()
            let catalog = try location.catalog(rehash: rehash)
            let all = builtin.isEmpty && declared.isEmpty
            var good = true
            if all || !builtin.isEmpty {
                good =
                    DataCommands.verify(
                        builtin, locator: try location.locator(), rehash: rehash, output: { print($0) })
                    && good
            }
            let ids = all ? catalog.declarations.keys.sorted() : declared
            good = DataCommands.verifyDeclared(ids, catalog: catalog, output: { print($0) }) && good
            guard good else { throw ExitCode.failure }
        }
    }
}
