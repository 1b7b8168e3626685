import Configuration
import Document
import Engine
import Execution
import Foundation
import Planning
import RunCache
import Slurm

/// One line of `report status`.
public struct RunStatus {
    public var id: String
    public var key: String
    public var cached: Bool
    public var valAcc: Double?
    public var trainSeconds: Double?
    /// Why the run would train (nil when cached).
    public var reason: String?
    /// The epoch at which a cached run diverged.
    public var divergedAt: Int?
    /// Why its cache entry cannot be used, when it is damaged.
    public var damage: String?
    /// Where it is in the Slurm queue, when a detached build submitted it: `queued (Priority), job 12_3`.
    public var queue: String?
    /// The shorter run it will continue and from which epoch (see `RunExtension`), when it trains.
    public var extends: (key: String, epoch: Int)?
}

extension ReportBuilder {
    struct IndexEntry: Codable, Equatable {
        var key: String
        var config: [String: String]
        var initKey: String?
        /// A command run's input files → SHA-256, and its environment's output digest.
        var inputs: [String: String]?
        var environment: String?
        enum CodingKeys: String, CodingKey {
            case key, config, inputs, environment
            case initKey = "init"
        }
    }

    var indexURL: URL { store.root.appendingPathComponent("index.json") }

    /// The last build's run id → key and configuration, for `--explain`.
    func readIndex() -> [String: IndexEntry] {
        guard let data = FileManager.default.contents(atPath: indexURL.path) else { return [:] }
        return (try? JSONDecoder().decode([String: IndexEntry].self, from: data)) ?? [:]
    }

    func writeIndex(_ plan: Plan) throws {
        var index = readIndex()
        for id in plan.runOrder {
            guard let run = plan.runs[id], let key = plan.keys[id] else { continue }
            index[id] = IndexEntry(
                key: key,
                config: run.canonicalConfig,
                initKey: run.initID.flatMap { plan.keys[$0] }, inputs: plan.fingerprints[id]?.inputs,
                environment: plan.fingerprints[id]?.environment)
        }
        try saveIndex(index)
    }

    private func saveIndex(_ index: [String: IndexEntry]) throws {
        let text = String(decoding: try RunStore.encoder().encode(index), as: UTF8.self) + "\n"
        try writer.write(text, to: indexURL)
    }

    /// Every run of the document: cached or not, and why not.
    public func status() throws -> [RunStatus] {
        let plan = try self.plan()
        let index = readIndex()
        let changed = environmentChanged(plan)
        let rerun = try rerunKeys(plan).union(changed.keys)
        let queued =
            SlurmExecutor.openBuilds(store).isEmpty
            ? [:]
            : (try? SlurmExecutor.queuedRuns(store: store, commands: options.slurmCommands)) ?? [:]
        let rows = plan.runOrder.compactMap { id -> RunStatus? in
            guard let run = plan.runs[id], let key = plan.keys[id] else { return nil }
            let planned = run.canonicalConfig
            let entry = store.entry(key, config: planned)
            let cached = entry.record != nil
            var row = RunStatus(id: id, key: key, cached: cached && !rerun.contains(key))
            if !cached { row.queue = queued[key] }
            if let record = entry.record {
                row.valAcc = record.metrics.diverged == nil ? record.metrics.final?.valAcc : nil
                row.trainSeconds = record.metrics.trainSeconds
                row.divergedAt = record.metrics.diverged?.epoch
            }
            if case .damaged(let why) = entry {
                row.damage = why
                row.reason = "its cached results are damaged (\(options.runs)/\(key): \(why))"
                return row
            }
            if changed[key] != nil {
                row.reason = "the output of its environment command changed"
                return row
            }
            if rerun.contains(key) {
                row.reason = "forced by --rerun"
                return row
            }
            guard !cached else { return row }
            let config = planned
            let initKey = run.initID.flatMap { plan.keys[$0] }
            let kept =
                !store.progressKeys().contains(key)
                ? nil
                : run.command != nil
                    ? CommandTrainer.keptEpoch(in: store.progressDirectory(key))
                    : (try? TrainingState(
                        decoding: Data(
                            contentsOf: store.progressDirectory(key).appendingPathComponent(
                                EngineTrainer.stateName)
                        )))?.epoch
            if let holder = RunCacheLock.holder(of: key, in: store.root) {
                row.reason =
                    "being trained now by \(holder.description)" + (kept.map { " (\($0) epochs done)" } ?? "")
            } else if let kept {
                row.reason =
                    "an interrupted build kept \(kept) of its epochs; it resumes at epoch \(kept + 1)"
            } else if let previous = index[id] {
                if previous.key == key {
                    row.reason =
                        "its results are missing from \(options.runs) (deleted, or the build was interrupted)"
                } else if previous.config != config {
                    let keys = Set(previous.config.keys).union(config.keys).sorted()
                    let changes = keys.compactMap { k -> String? in
                        let old = previous.config[k]
                        let new = config[k]
                        return old == new ? nil : "\(k): \(old ?? "(unset)") → \(new ?? "(unset)")"
                    }
                    row.reason = "configuration changed: " + changes.joined(separator: ", ")
                } else if previous.initKey != initKey {
                    row.reason = "the run it starts from (\(run.initID ?? "")) changed"
                } else if run.command != nil, let fingerprint = plan.fingerprints[id] {
                    let old = previous.inputs ?? [:]
                    let changed = Set(old.keys).union(fingerprint.inputs.keys).sorted().compactMap {
                        path -> String? in
                        switch (old[path], fingerprint.inputs[path]) {
                        case (nil, _?): return "\(path) (new)"
                        case (_?, nil): return "\(path) (no longer an input)"
                        case (let a?, let b?) where a != b: return path
                        default: return nil
                        }
                    }
                    if !changed.isEmpty {
                        row.reason = "input changed: " + changed.joined(separator: ", ")
                    } else if previous.environment != fingerprint.environment {
                        row.reason = "the output of its environment command changed"
                    } else {
                        row.reason = "its inputs or environment changed"
                    }
                } else {
                    row.reason = "the engine's numerics or the dataset changed"
                }
            } else if let member = run.member {
                row.reason = "new run: seed \(member.seed) of \(member.id)"
            } else {
                row.reason = store.allKeys().isEmpty ? "no cached results yet" : "new run"
            }
            return row
        }
        // A run to train that continues a shorter one says which (`--explain`); not one that resumes.
        let planned = Set(rows.filter { !$0.cached }.map(\.key))
        let kept = Set(store.progressKeys())
        var known = RunExtension.Index(store: store)
        for run in plan.plannedRuns where planned.contains(run.key) { known.add(run) }
        return rows.map { row in
            guard !row.cached, row.damage == nil, !rerun.contains(row.key), !kept.contains(row.key),
                let run = plan.runs[row.id],
                let found = extensionSource(
                    of: run.config, initKey: run.initID.flatMap { plan.keys[$0] }, index: known,
                    planned: planned)
            else { return row }
            var extended = row
            extended.extends = (found.source.key, found.source.epochs)
            extended.reason =
                (row.reason ?? "") + "; extends \(found.source.key) from epoch \(found.source.epochs)"
                + (found.planned ? " once it is trained" : "")
            return extended
        }
    }

    /// Removes cached runs that the document does not refer to, failed-run logs, leftovers of
    /// interrupted builds and the plans and logs of finished Slurm builds (refused while a build runs).
    ///
    /// - Parameters:
    ///   - dryRun: list what would be removed and remove nothing.
    ///   - otherDocuments: the project's other documents (relative to the root); runs any of them uses
    ///     are kept too, and one with errors stops the clean (which runs it uses is unknown).
    ///   - confirm: shown the paths before anything is removed; `false` removes nothing.
    /// - Returns: what was (or, with `dryRun`, would be) removed.
    /// - Throws: when the document or another one has errors, or the cache is in use by a build.
    public func clean(
        dryRun: Bool, otherDocuments: [String] = [], confirm: ([String]) -> Bool = { _ in true }
    ) throws -> [String] {
        let plan = try self.plan()
        var used = Set(plan.keys.values)
        let own = options.url(options.document).standardizedFileURL.path
        for document in otherDocuments where options.url(document).standardizedFileURL.path != own {
            var other = options
            other.document = document
            other.documentDisplayPath = nil
            do {
                used.formUnion(try ReportBuilder(options: other).plan().keys.values)
            } catch let error as DiagnosticError {
                throw DiagnosticError(
                    diagnostics: error.diagnostics + [
                        Diagnostic.error(
                            PipelineError.otherDocumentInvalid(document).description, file: document,
                            at: SourceLocation(line: 1, column: 1))
                    ],
                    sources: error.sources)
            }
        }
        let cacheLock = try RunCacheLock.forClean(store.root)
        defer { cacheLock.release() }
        // Only another host's build can hold a claim now; its work is left alone.
        let foreign = { (key: String) in cacheLock.liveHolder(key) != nil }
        var removed: [URL] = store.allKeys().filter { !used.contains($0) && !foreign($0) }.map(
            store.directory)
        let open = SlurmExecutor.openBuilds(store)
        // Temporary entries may be a detached Slurm build's jobs at work: kept while one is open.
        if open.isEmpty {
            removed += store.temporaryEntries().filter { url in
                RunStore.key(ofTemporary: url.lastPathComponent).map { !foreign($0) } ?? true
            }
        }
        // Kept epochs of runs the document dropped, or that have a result by now (an interrupted --rerun).
        removed += store.progressKeys().filter {
            (!used.contains($0) || store.isComplete($0)) && !foreign($0)
        }
        .map(store.progressDirectory)
        // Plans, scripts and logs of Slurm builds that have finished.
        let builds = SlurmExecutor.buildsDirectory(store)
        let openPaths = Set(open.map(\.directory.path))
        removed += ((try? FileManager.default.contentsOfDirectory(atPath: builds.path)) ?? []).sorted()
            .map { builds.appendingPathComponent($0) }.filter { !openPaths.contains($0.path) }
        let failed = store.root.appendingPathComponent("failed")
        if FileManager.default.fileExists(atPath: failed.path) { removed.append(failed) }
        if !dryRun && !removed.isEmpty && !confirm(removed.map { relative($0.path) }) { return [] }
        if !dryRun {
            for url in removed { try FileManager.default.removeItem(at: url) }
            cacheLock.removeLeftovers(store)
            if FileManager.default.fileExists(atPath: indexURL.path) {
                try saveIndex(readIndex().filter { used.contains($0.value.key) })
            }
        }
        return removed.map { relative($0.path) }
    }
}
