import Foundation

/// One line of `report status`.
public struct RunStatus {
    public var id: String
    public var key: String
    public var cached: Bool
    public var valAcc: Double?
    public var trainSeconds: Double?
    /// Why the run would train (nil when cached).
    public var reason: String?
    /// Where it is in the Slurm queue, when a detached build submitted it: `queued (Priority), job 12_3`.
    public var queue: String?
}

extension ReportBuilder {
    struct IndexEntry: Codable, Equatable {
        var key: String
        var config: [String: String]
        var initKey: String?
        enum CodingKeys: String, CodingKey { case key, config, initKey = "init" }
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
            index[id] = IndexEntry(key: key, config: Dictionary(uniqueKeysWithValues: run.config.canonicalEntries.map { ($0.key, $0.value) }),
                                   initKey: run.initID.flatMap { plan.keys[$0] })
        }
        try saveIndex(index)
    }

    private func saveIndex(_ index: [String: IndexEntry]) throws {
        let text = String(decoding: try RunStore.encoder().encode(index), as: UTF8.self) + "\n"
        try Self.writeIfChanged(text, to: indexURL)
    }

    /// Every run of the document: cached or not, and why not.
    public func status() throws -> [RunStatus] {
        let plan = try self.plan()
        let index = readIndex()
        let rerun = try rerunKeys(plan)
        let queued = SlurmExecutor.openBuilds(store).isEmpty ? [:]
            : (try? SlurmExecutor.queuedRuns(store: store, commands: options.slurmCommands)) ?? [:]
        return plan.runOrder.compactMap { id in
            guard let run = plan.runs[id], let key = plan.keys[id] else { return nil }
            let cached = store.isComplete(key)
            var row = RunStatus(id: id, key: key, cached: cached && !rerun.contains(key))
            if !cached { row.queue = queued[key] }
            if cached, let record = try? store.record(key) {
                row.valAcc = record.metrics.final?.valAcc
                row.trainSeconds = record.metrics.trainSeconds
            }
            if rerun.contains(key) { row.reason = "forced by --rerun"; return row }
            guard !cached else { return row }
            let config = Dictionary(uniqueKeysWithValues: run.config.canonicalEntries.map { ($0.key, $0.value) })
            let initKey = run.initID.flatMap { plan.keys[$0] }
            if let previous = index[id] {
                if previous.key == key {
                    row.reason = "its results are missing from \(options.runs) (deleted, or the build was interrupted)"
                } else if previous.config != config {
                    let keys = Set(previous.config.keys).union(config.keys).sorted()
                    let changes = keys.compactMap { k -> String? in
                        let old = previous.config[k], new = config[k]
                        return old == new ? nil : "\(k): \(old ?? "(unset)") → \(new ?? "(unset)")"
                    }
                    row.reason = "configuration changed: " + changes.joined(separator: ", ")
                } else if previous.initKey != initKey {
                    row.reason = "the run it starts from (\(run.initID ?? "")) changed"
                } else {
                    row.reason = "the engine's numerics or the dataset changed"
                }
            } else {
                row.reason = store.allKeys().isEmpty ? "no cached results yet" : "new run"
            }
            return row
        }
    }

    /// Removes cached runs that the document does not refer to, failed-run logs, leftovers of
    /// interrupted builds, and the plans and logs of finished Slurm builds. Returns what was (or, with
    /// `dryRun`, would be) removed.
    public func clean(dryRun: Bool) throws -> [String] {
        let plan = try self.plan()
        let used = Set(plan.keys.values)
        var removed: [URL] = store.allKeys().filter { !used.contains($0) }.map(store.directory)
        let open = SlurmExecutor.openBuilds(store)
        if open.isEmpty { removed += store.temporaryEntries() }
        // Plans, scripts and logs of Slurm builds that have finished.
        let builds = SlurmExecutor.buildsDirectory(store)
        let openPaths = Set(open.map(\.directory.path))
        removed += ((try? FileManager.default.contentsOfDirectory(atPath: builds.path)) ?? []).sorted()
            .map { builds.appendingPathComponent($0) }.filter { !openPaths.contains($0.path) }
        let failed = store.root.appendingPathComponent("failed")
        if FileManager.default.fileExists(atPath: failed.path) { removed.append(failed) }
        if !dryRun {
            for url in removed { try FileManager.default.removeItem(at: url) }
            if FileManager.default.fileExists(atPath: indexURL.path) {
                try saveIndex(readIndex().filter { used.contains($0.value.key) })
            }
        }
        return removed.map { relative($0.path) }
    }
}
