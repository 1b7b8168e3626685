import Crypto
import Engine
import Files
import Foundation

/// The cache of finished runs: `data/runs/<key>/` holding `config.yaml`, `identity.json` (see
/// ``RunIdentity``; entries written before it have none), `metrics.json`,
/// `checkpoint.bin`, `log.txt`, `state.bin` (what a longer run continues from, see ``RunExtension``;
/// only for schedules that allow it) and `manifest.json` (the SHA-256 of each other file and the entry's key).
/// An entry is written under a temporary name (`.tmp-<key>-…`) and renamed when complete, so an
/// interrupted build never leaves a half entry that looks finished; an entry is only used once its
/// manifest, JSON and values check out.
///
/// Beside the entries: `.progress/<key>/` keeps the last epoch state of a run in progress (see
/// ``TrainingState``), `.claims/` and `.lock` coordinate concurrent builds (see ``RunCacheLock``),
/// `failed/<key>.log` explains failed runs, and `index.json` remembers the last build's runs.
public struct RunStore: Sendable {
    public let root: URL
    public let writer: FileWriter

    public static let manifestName = "manifest.json"

    public init(root: URL, writer: FileWriter = FileWriter()) {
        self.root = root
        self.writer = writer
    }

    public func directory(_ key: String) -> URL { root.appendingPathComponent(key, isDirectory: true) }
    public func checkpoint(_ key: String) -> URL { directory(key).appendingPathComponent("checkpoint.bin") }
    public func failureLog(_ key: String) -> URL {
        root.appendingPathComponent("failed").appendingPathComponent("\(key).log")
    }
    /// Where a run in progress keeps its last epoch state.
    public func progressDirectory(_ key: String) -> URL {
        root.appendingPathComponent(".progress").appendingPathComponent(key)
    }

    // MARK: Reading entries

    /// What the cache holds for a key.
    public enum Entry {
        case missing
        case valid(RunRecord)
        /// Present but not to be trusted; the reason is one line.
        case damaged(String)

        public var record: RunRecord? {
            if case .valid(let record) = self { return record } else { return nil }
        }
    }

    /// Reads and checks the entry of `key`: its manifest (when it has one), its JSON, and its values;
    /// with `config`, also that it holds that configuration.
    public func entry(_ key: String, config: [String: String]? = nil) -> Entry {
        let folder = directory(key)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            return .missing
        }
        guard isDirectory.boolValue else { return .damaged("\(key) is not a directory") }
        let metricsURL = folder.appendingPathComponent("metrics.json")
        guard let metricsData = FileManager.default.contents(atPath: metricsURL.path) else {
            return .damaged("metrics.json is missing (an incomplete entry)")
        }
        let manifestURL = folder.appendingPathComponent(Self.manifestName)
        if let manifestData = FileManager.default.contents(atPath: manifestURL.path) {
            guard let manifest = try? JSONDecoder().decode(Manifest.self, from: manifestData) else {
                return .damaged("manifest.json is not a valid manifest")
            }
            guard manifest.key == key else {
                return .damaged("manifest.json belongs to run \(manifest.key), not \(key)")
            }
            guard manifest.files["metrics.json"] != nil else {
                return .damaged("manifest.json does not list metrics.json")
            }
            for (name, digest) in manifest.files.sorted(by: { $0.key < $1.key }) {
                if Self.isOutput(name) {
                    // A command's outputs (`out/…`) may be large: their presence is checked here, their
                    // content by `report data verify`-style reads only when a run starts from them.
                    guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path)
                    else {
                        return .damaged("\(name) is missing")
                    }
                    continue
                }
                guard !name.contains("/"),
                    let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
                else {
                    return .damaged("\(name) is missing")
                }
                guard Self.sha256(data) == digest else {
                    return .damaged(
                        "\(name) does not match its SHA-256 in manifest.json (changed or damaged)")
                }
            }
        }
        let record: RunRecord
        do {
            record = try JSONDecoder().decode(RunRecord.self, from: metricsData)
        } catch {
            return .damaged("metrics.json is not valid: \(Self.describe(error))")
        }
        if let problem = record.problem(expectedKey: key, expectedConfig: config) {
            return .damaged("metrics.json: \(problem)")
        }
        if record.metrics.diverged == nil, record.command == nil {
            let checkpoint = folder.appendingPathComponent("checkpoint.bin")
            guard FileManager.default.fileExists(atPath: checkpoint.path) else {
                return .damaged("checkpoint.bin is missing")
            }
            if !hasManifest(key) {
                do { try Checkpoint.verify(checkpoint) } catch CheckpointError.corrupt(_, let why) {
                    return .damaged("checkpoint.bin: \(why)")
                } catch {
                    return .damaged("checkpoint.bin cannot be read")
                }
            }
        }
        return .valid(record)
    }

    /// Whether a valid entry exists for `key`.
    public func isComplete(_ key: String) -> Bool { entry(key).record != nil }

    public func record(_ key: String) throws -> RunRecord {
        switch entry(key) {
        case .valid(let record): return record
        case .missing: throw RunCacheError.unreadable(directory(key).path, "no such entry")
        case .damaged(let why): throw RunCacheError.unreadable(directory(key).path, why)
        }
    }

    /// Whether the entry has a manifest (entries from before manifests are checked by their values only).
    func hasManifest(_ key: String) -> Bool {
        FileManager.default.fileExists(atPath: directory(key).appendingPathComponent(Self.manifestName).path)
    }

    /// Gives a valid entry from before manifests its manifest, so later damage to it is noticed.
    public func adoptLegacyEntry(_ key: String) throws {
        guard !hasManifest(key), entry(key).record != nil else { return }
        let folder = directory(key)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            !$0.hasPrefix(".")
        }.sorted()
        var files: [String: Data] = [:]
        for name in names {
            files[name] = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
        }
        try writer.write(
            try Self.manifest(key: key, files: files), to: folder.appendingPathComponent(Self.manifestName))
    }

    // MARK: Writing entries

    /// A fresh temporary directory for an entry about to be published.
    public func beginEntry(_ key: String) throws -> URL {
        let url = root.appendingPathComponent(
            ".tmp-\(key)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError.io(url.path, FileWriter.reason(error))
        }
        return url
    }

    /// Writes an entry's files and their manifest into a temporary directory from ``beginEntry(_:)``.
    /// `outputs`: a command's run directory, moved in whole as `out/` (its files hashed as they are read).
    public func writeEntry(_ temporary: URL, key: String, files: [String: Data], outputs: URL? = nil) throws {
        for (name, data) in files.sorted(by: { $0.key < $1.key }) {
            try writer.write(data, to: temporary.appendingPathComponent(name))
        }
        var digests = files.mapValues(Self.sha256)
        if let outputs {
            let destination = temporary.appendingPathComponent("out", isDirectory: true)
            guard rename(outputs.path, destination.path) == 0 else {
                throw FileWriteError.io(destination.path, String(cString: strerror(errno)))
            }
            for relative in try Self.regularFiles(under: destination) {
                digests["out/" + relative] = try Self.sha256(
                    file: destination.appendingPathComponent(relative))
            }
        }
        let manifest = Manifest(key: key, files: digests)
        try writer.write(
            try Self.encoder().encode(manifest) + Data("\n".utf8),
            to: temporary.appendingPathComponent(Self.manifestName))
    }

    /// Whether a manifest name is one of a command's outputs: `out/` and a path of plain components.
    public static func isOutput(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts[0] == "out"
            && parts.dropFirst().allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Paths of the regular files under `directory`, relative to it, sorted; symbolic links and other
    /// special files are refused (a cache entry holds files only).
    public static func regularFiles(under directory: URL) throws -> [String] {
        var found: [String] = []
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        while let relative = enumerator.nextObject() as? String {
            var info = stat()
            let path = directory.appendingPathComponent(relative).path
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFREG: found.append(relative)
            case S_IFDIR: continue
            default:
                throw FileWriteError.refused(
                    path, "a run's outputs are plain files and folders; this is a link or special file")
            }
        }
        return found.sorted()
    }

    /// The SHA-256 of a file's content, read in pieces.
    public static func sha256(file url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw FileWriteError.io(url.path, "cannot be read")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Publishes a finished entry under its key (atomic rename; a damaged entry it replaces is removed).
    public func commitEntry(_ temporary: URL, key: String) throws {
        let final = directory(key)
        let manager = FileManager.default
        if manager.fileExists(atPath: final.path) {
            let old = root.appendingPathComponent(".tmp-\(key)-\(getpid())-replaced")
            try? manager.removeItem(at: old)
            guard rename(final.path, old.path) == 0 else {
                throw FileWriteError.io(final.path, String(cString: strerror(errno)))
            }
            try? manager.removeItem(at: old)
        }
        guard rename(temporary.path, final.path) == 0 else {
            throw FileWriteError.io(final.path, String(cString: strerror(errno)))
        }
        FileWriter.syncDirectory(root.path)
        try? manager.removeItem(at: failureLog(key))
    }

    public static func manifest(key: String, files: [String: Data]) throws -> Data {
        let manifest = Manifest(key: key, files: files.mapValues(sha256))
        return try encoder().encode(manifest) + Data("\n".utf8)
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// A decoding error in one line.
    public static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return context.underlyingError.map {
                "\(($0 as NSError).userInfo[NSDebugDescriptionErrorKey] ?? "not JSON")"
            } ?? context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return
                "'\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        default: return "\(error)"
        }
    }

    // MARK: Listing

    /// Keys of every entry directory, valid or not.
    public func allKeys() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { name in
            guard !name.hasPrefix("."), name != "failed" else { return false }
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// Temporary entries (`.tmp-*`): being written by a live build, or left by an interrupted one.
    public func temporaryEntries() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0.hasPrefix(".tmp-") }.sorted().map { root.appendingPathComponent($0) }
    }

    /// Keys with a kept epoch state.
    public func progressKeys() -> [String] {
        let names =
            (try? FileManager.default.contentsOfDirectory(
                atPath: root.appendingPathComponent(".progress").path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The key a temporary entry name belongs to (`.tmp-<key>-<pid>-<n>`).
    public static func key(ofTemporary name: String) -> String? {
        guard name.hasPrefix(".tmp-") else { return nil }
        return name.dropFirst(5).split(separator: "-").first.map(String.init)
    }
}

/// `manifest.json`: the entry's key and the SHA-256 of each of its files.
public struct Manifest: Codable {
    public var key: String
    public var files: [String: String]
}
