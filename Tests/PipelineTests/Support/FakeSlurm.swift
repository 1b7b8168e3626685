import Foundation
import ProjectSettings
import TestSupport
import XCTest

@testable import Execution
@testable import Pipeline
@testable import Slurm

/// `sbatch`, `squeue` and `scancel` as small bash scripts over files, for testing submission and polling
/// without a cluster. `sbatch` "runs" each array task at once: a task marked with `fail(_:)` fails with a
/// worker error in its log; a task depending on a failed task stays pending (DependencyNeverSatisfied)
/// until cancelled; every other task completes, publishing the run's entry from `results/` (made by a
/// local build of the same document, so each entry is valid for its key and configuration).
/// Job ids count from 100. Every call is logged, one line per call, arguments separated by U+001F.
final class FakeSlurm {
    let directory: URL

    /// Trains `project`'s runs locally once (tiny runs, about a second) into `results/`, for the fake
    /// tasks to publish.
    init(_ project: TestProject) throws {
        try TestPaths.requireSharedData()
        directory = try TestPaths.temporaryDirectory("fake-slurm")
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("fail"), withIntermediateDirectories: true)
        var options = project.options
        options.runs = directory.appendingPathComponent("results").path
        options.output = directory.appendingPathComponent("reference/README.md").path
        options.figures = directory.appendingPathComponent("reference/figures").path
        _ = try ReportBuilder(options: options, console: SilentBuildObserver()).build()
        try write(
            bin, "sbatch",
            #"""
            d=$FAKE_SLURM
            (IFS=$'\x1f'; echo "$*") >> "$d/sbatch.log"
            [[ -e $d/sbatch-fails ]] && { echo "sbatch: error: Batch job submission failed: Invalid account" >&2; exit 1; }
            job=$(cat "$d/next" 2>/dev/null || echo 100); echo $((job + 1)) > "$d/next"
            array= dep= script=
            for a in "$@"; do
                case $a in --array=*) array=${a#--array=} ;; --dependency=*) dep=${a#--dependency=afterok:} ;; esac
                script=$a
            done
            array=${array%%%*}
            first=${array%-*} last=${array#*-}
            build=$(dirname "$script")
            runs=$(dirname "$(dirname "$build")")
            mapfile -t keys < <(grep -oE '"key" ?: ?"[0-9a-f]+"' "$build/plan.json" | grep -oE '[0-9a-f]{16}')
            for i in $(seq "$first" "$last"); do
                if [[ -e $d/fail/$i ]]; then
                    printf 'epoch 1/1\nreport worker: error: fake failure of task %s\n' "$i" > "$build/logs/$i.log"
                    echo "$job|$i|FAILED|NonZeroExitCode|node1" >> "$d/queue"
                elif [[ -n $dep ]] && grep -q "^${dep%_*}|${dep#*_}|FAILED|" "$d/queue"; then
                    echo "$job|$i|PENDING|DependencyNeverSatisfied|" >> "$d/queue"
                elif [[ -e $d/hold ]]; then
                    echo "$job|$i|PENDING|Priority|" >> "$d/queue"
                else
                    cp -r "$d/results/${keys[$i]}" "$runs/.fake-${keys[$i]}" && mv -T "$runs/.fake-${keys[$i]}" "$runs/${keys[$i]}"
                    echo "$job|$i|COMPLETED|None|node1" >> "$d/queue"
                fi
            done
            echo "$job"
            """#)
        try write(
            bin, "squeue",
            #"""
            (IFS=$'\x1f'; echo "$*") >> "$FAKE_SLURM/squeue.log"
            cat "$FAKE_SLURM/queue" 2>/dev/null || true
            """#)
        try write(
            bin, "scancel",
            #"""
            (IFS=$'\x1f'; echo "$*") >> "$FAKE_SLURM/scancel.log"
            for job in "$@"; do
                sed -i -E "s/^$job\|([0-9]+)\|(PENDING|RUNNING)\|[^|]*\|/$job|\1|CANCELLED|None|/" "$FAKE_SLURM/queue" 2>/dev/null || true
            done
            """#)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    private func write(_ bin: URL, _ name: String, _ body: String) throws {
        let url = bin.appendingPathComponent(name)
        try Data(("#!/bin/bash\n" + body + "\n").utf8).write(to: url)
        chmod(url.path, 0o755)
    }

    var commands: SlurmCommands {
        SlurmCommands(environment: [
            "PATH": directory.appendingPathComponent("bin").path + ":/usr/bin:/bin",
            "FAKE_SLURM": directory.path,
        ])
    }

    /// Task `index` of the next submissions fails.
    func fail(_ index: Int) {
        _ = FileManager.default.createFile(
            atPath: directory.appendingPathComponent("fail/\(index)").path, contents: nil)
    }

    /// While set, submitted tasks stay pending.
    func hold(_ on: Bool) {
        let url = directory.appendingPathComponent("hold")
        if on {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        } else {
            try? FileManager.default.removeItem(at: url)
        }
    }

    func calls(_ tool: String) -> [[String]] {
        let text =
            (try? String(contentsOf: directory.appendingPathComponent("\(tool).log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map {
            $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        }
    }

    var queue: String {
        (try? String(contentsOf: directory.appendingPathComponent("queue"), encoding: .utf8)) ?? ""
    }

    func reset() {
        for name in ["sbatch.log", "squeue.log", "scancel.log"] {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("fail"))
        try? FileManager.default.createDirectory(
            at: directory.appendingPathComponent("fail"), withIntermediateDirectories: true)
    }
}

extension TestProject {
    /// Builds with `--executor slurm` (or `executor`) against `slurm`, polling every 50 ms; a finished
    /// job's result is waited for one second (the fake cluster shares this filesystem).
    func slurmBuilder(
        _ slurm: FakeSlurm, detach: Bool = false, executor: ExecutorKind = .slurm, rerun: [String] = []
    ) -> ReportBuilder {
        var options = self.options
        options.rerun = rerun
        options.executor = executor
        options.slurm.pollInterval = 0.05
        options.slurm.latencyWait = 1
        options.slurmCommands = slurm.commands
        options.detach = detach
        return ReportBuilder(options: options, console: SilentBuildObserver())
    }
}
