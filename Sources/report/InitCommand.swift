import ArgumentParser
import Foundation
import Pipeline
import ProjectSettings

/// `report init [DIR]`: a project that builds as it is, in seconds.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract:
            "Create a project: report.yaml, report/answers.md (one small experiment, a figure, a table, a value), figures/, data/.",
        discussion: "Nothing is overwritten: init stops, changing nothing, when any of its files exists.")

    @Argument(help: "The project directory (created if needed).", completion: .directory) var directory:
        String = "."
    @Option(
        name: .customLong("data-dir"),
        help: "Written into report.yaml as data_dir (made absolute): where mnist/ and fashion-mnist/ are.",
        completion: .directory)
    var dataDirectory: String?

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let root =
            (directory.hasPrefix("/")
            ? URL(fileURLWithPath: directory) : cwd.appendingPathComponent(directory)).standardizedFileURL
        if let outer = ProjectSettings.findRoot(from: root), outer.path != root.path {
            FileHandle.standardError.write(
                Data(
                    "note: \(outer.path)/\(ProjectSettings.fileName) is above; the new project's own report.yaml takes precedence inside it\n"
                        .utf8))
        }
        let data = dataDirectory.map {
            ($0.hasPrefix("/") ? URL(fileURLWithPath: $0) : cwd.appendingPathComponent($0))
                .standardizedFileURL.path
        }
        let files: [(String, String)] = [
            (ProjectSettings.fileName, Self.settings(dataDirectory: data)),
            ("report/answers.md", Self.answers),
            (".gitignore", Self.gitignore),
        ]
        let existing = files.map(\.0).filter {
            FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path)
        }
        guard existing.isEmpty else {
            throw ValidationError(
                "\(root.path) already has \(existing.joined(separator: ", ")); init changes nothing there")
        }
        for folder in ["report", "figures", "data/runs"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for (path, text) in files {
            try Data(text.utf8).write(to: root.appendingPathComponent(path), options: .withoutOverwriting)
        }
        let shown = directory == "." ? "" : " " + directory
        print(
            """
            created\(shown.isEmpty ? " here" : shown): report.yaml, report/answers.md, figures/, data/runs/
            next:
              \(shown.isEmpty ? "" : "cd\(shown) && ")report build\(data == nil ? " --data-dir PATH   # or set data_dir in report.yaml; without either, the datasets are downloaded into data/" : "")
              report build --html     # also writes report/README.html, one self-contained page
            """)
    }

    static func settings(dataDirectory: String?) -> String {
        """
        # report project settings. This directory is the project root: report finds this file from any
        # subdirectory, and every path below is relative to it. Command-line options override these.

        document: report/answers.md   # what `report build` builds without an argument
        \(dataDirectory.map { "data_dir: \($0)" } ?? "# data_dir: ../data           # holds mnist/ and fashion-mnist/ (else REPORT_DATA_DIR, else data/, else download)")
        runs: data/runs               # the run cache
        figures: figures              # the main document's figures; another document NAME.md draws into figures/NAME/
        # jobs: 2                     # runs trained at once (default: one per core)
        # outputs:                    # a document's output when not the default
        #   report/draft.md: report/draft.out.md   (answers.md → README.md, NAME.md → NAME.out.md)
        # documents: [report/answers.md]           # what `report clean` keeps runs for
        #                                          # (default: every *.md with directives in report/)

        """
    }

    static let gitignore = """
        /data/mnist/
        /data/fashion-mnist/
        /data/.verified.json
        /data/runs/.lock
        /data/runs/.claims.lock
        /data/runs/.claims/
        /data/runs/.progress/
        /data/runs/.tmp-*

        """

    /// Trains in a few seconds: 2,000 images, 3 epochs, two learning rates.
    static let answers = """
        # My report

        Write prose here. Each fenced `experiment` block says what to train; `report build` trains what
        is not cached and writes `README.md` beside this file with every figure, table and value filled in.

        ```experiment
        id: lr
        dataset: mnist
        epochs: 3
        train_samples: 2000    # small, so that it trains in seconds; remove for the full 60,000
        val_samples: 1000
        sweep:
          lr: [0.01, 0.1]
        ```

        ```figure
        id: learning-rate
        runs: [lr]
        metrics: [[loss, val_loss], val_acc]
        title: Learning rate
        caption: MNIST, 2,000 training images, the default model with SGD at two learning rates.
        ```

        ```table
        runs: [lr]
        columns: [label, lr, val_acc | percent(1), train_time | duration]
        caption: Final validation accuracy.
        ```

        With a learning rate of 0.1 the network reached {{ lr[lr=0.1].val_acc | percent(1) }} after
        {{ lr[lr=0.1].train_time | duration }} of training.

        """
}
