import Foundation

/// The cache of finished runs: `data/runs/<key>/` holding `config.yaml`, `metrics.json`,
/// `checkpoint.bin` and `log.txt`. An entry is written under a temporary name and renamed when
/// complete, so an interrupted build never leaves a half entry that looks finished.
public struct RunStore {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func directory(_ key: String) -> URL { root.appendingPathComponent(key, isDirectory: true) }
    public func checkpoint(_ key: String) -> URL { directory(key).appendingPathComponent("checkpoint.bin") }
    public func failureLog(_ key: String) -> URL { root.appendingPathComponent("failed").appendingPathComponent("\(key).log") }

    public func isComplete(_ key: String) -> Bool {
        FileManager.default.fileExists(atPath: directory(key).appendingPathComponent("metrics.json").path)
    }

    public func record(_ key: String) throws -> RunRecord {
        let url = directory(key).appendingPathComponent("metrics.json")
        do {
            return try JSONDecoder().decode(RunRecord.self, from: Data(contentsOf: url))
        } catch {
            throw PipelineError.unreadableCache(url.path, "\(error)")
        }
    }

    /// A fresh temporary directory for a run in progress.
    func beginEntry(_ key: String) throws -> URL {
        let url = root.appendingPathComponent(".tmp-\(key)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Publishes a finished entry under its key (atomic rename).
    func commitEntry(_ temporary: URL, key: String) throws {
        let final = directory(key)
        let manager = FileManager.default
        if manager.fileExists(atPath: final.path) { try manager.removeItem(at: final) }
        try manager.moveItem(at: temporary, to: final)
        try? manager.removeItem(at: failureLog(key))
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    /// Keys of every complete entry.
    public func allKeys() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "failed" && $0 != "index.json" && isComplete($0) }.sorted()
    }

    /// Leftovers of interrupted builds.
    public func temporaryEntries() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0.hasPrefix(".tmp-") }.map { root.appendingPathComponent($0) }
    }
}
