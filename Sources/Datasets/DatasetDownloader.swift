import Foundation

/// Downloads the files of a dataset into a directory from mirrors tried in order.
/// Each file is written under a temporary name in the same directory, verified by the
/// SHA-256 of its decompressed content, and only then renamed to its final name, so a
/// half-written or corrupt download is never seen under a name that would be used.
struct DatasetDownloader {
    let info: DatasetInfo
    /// Directory URLs holding `<name>.gz`, `{dataset}` already expanded.
    let mirrors: [URL]
    let directory: URL
    let verifier: DatasetVerifier
    let progress: ((DownloadProgress) -> Void)?
    /// Seconds without data before a mirror is given up on.
    var idleTimeout: TimeInterval = 30

    static let temporaryMarker = ".download-"

    /// Downloads every file that is not already present and valid, and returns the copy.
    /// Throws `DatasetError.downloadFailed` listing every mirror tried for the first file
    /// no mirror could provide.
    func fetch() throws -> DatasetCopy {
        let existed = FileManager.default.fileExists(atPath: directory.path)
        do {
            return try fetchIntoDirectory()
        } catch {
            // Leave no empty directory behind that a later search would report.
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            if !existed && contents.isEmpty { try? FileManager.default.removeItem(at: directory) }
            throw error
        }
    }

    private func fetchIntoDirectory() throws -> DatasetCopy {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.unreadable(
                path: directory.path,
                reason: "cannot create the download directory (\(error.localizedDescription)); "
                    + "make it writable or point --data-dir at a copy of the data")
        }
        removeAbandonedDownloads()
        // A mirror that served one file is asked first for the next, so a dead mirror
        // early in the list costs one failed request, not four.
        var order = mirrors
        for file in info.files {
            if let existing = DatasetVerifier.locate(file, in: directory),
                (try? verifier.verify(file, at: existing)) != nil
            {
                continue
            }
            let used = try fetch(file, mirrors: order)
            order = [used] + order.filter { $0 != used }
        }
        return try verifier.verify(info, in: directory, source: "downloaded")
    }

    /// Downloads one file from the first mirror that serves it intact; returns that mirror.
    private func fetch(_ file: DatasetFile, mirrors: [URL]) throws -> URL {
        var attempts: [SearchAttempt] = []
        for mirror in mirrors {
            let url = mirror.appendingPathComponent(file.compressedName)
            do {
                try fetch(file, from: url)
                return mirror
            } catch {
                let problem = (error as? DatasetError)?.summary ?? String(describing: error)
                report(file, url, .failed(problem))
                attempts.append(SearchAttempt(place: url.absoluteString, problem: problem))
            }
        }
        if mirrors.isEmpty {
            attempts.append(SearchAttempt(place: "mirrors", problem: "none given"))
        }
        throw DatasetError.downloadFailed(dataset: info.name, file: file.compressedName, attempts: attempts)
    }

    private func fetch(_ file: DatasetFile, from url: URL) throws {
        let temporary = directory.appendingPathComponent(
            ".\(file.compressedName)\(Self.temporaryMarker)\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }

        report(file, url, .started)
        var size: (received: Int64, expected: Int64?) = (0, nil)
        try HTTPFileDownload.download(from: url, to: temporary, idleTimeout: idleTimeout) {
            received, expected in
            size = (received, expected)
            report(file, url, .receiving, received: received, expected: expected)
        }
        report(file, url, .verifying, received: size.received, expected: size.expected)
        let digest = try verifier.hasher(temporary)
        guard digest.sha256 == file.sha256, digest.problem == nil else {
            throw DatasetError.hashMismatch(
                path: url.absoluteString, expected: file.sha256, actual: digest.sha256,
                problem: digest.problem)
        }
        // Keep the name honest about the content: a mirror may serve the file uncompressed.
        let finalURL = directory.appendingPathComponent(
            Self.isGzip(temporary) ? file.compressedName : file.name)
        // Remove stale variants (e.g. a corrupt raw file) that `locate` would find first.
        for name in file.acceptedNames where name != finalURL.lastPathComponent {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
        guard rename(temporary.path, finalURL.path) == 0 else {
            throw DatasetError.unreadable(
                path: finalURL.path,
                reason: "cannot move the verified download into place: \(String(cString: strerror(errno)))")
        }
        verifier.remember(digest, for: finalURL)
        report(file, url, .finished)
    }

    /// Deletes temporary files that a killed download left behind more than an hour ago
    /// (younger ones may belong to another process downloading right now).
    private func removeAbandonedDownloads() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let cutoff = Date().addingTimeInterval(-3600)
        for name in names where name.hasPrefix(".") && name.contains(Self.temporaryMarker) {
            let url = directory.appendingPathComponent(name)
            let modified =
                (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
            if let modified, modified < cutoff { try? FileManager.default.removeItem(at: url) }
        }
    }

    private static func isGzip(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return Gzip.isCompressed((try? handle.read(upToCount: 2)) ?? Data())
    }

    private func report(
        _ file: DatasetFile, _ url: URL, _ phase: DownloadProgress.Phase,
        received: Int64 = 0, expected: Int64? = nil
    ) {
        progress?(
            DownloadProgress(
                dataset: info.name, file: file.compressedName, url: url, phase: phase,
                receivedBytes: received, expectedBytes: expected))
    }
}
