import Foundation

/// Finds a verified copy of a dataset, downloading one if needed.
///
/// Places are searched in this order; the first whose four files all match their known
/// hashes wins:
/// 1. `--data-dir` (`dataDirectory`), then `REPORT_DATA_DIR` from the environment. Each may
///    hold `mnist/` and `fashion-mnist/` subdirectories, or directly the dataset's files.
/// 2. `data/<dataset>/` in the project.
/// 3. The system copy, `/usr/share/datasets/<dataset>/` (Debian's `dataset-fashion-mnist`).
/// 4. A download into `data/<dataset>/` in the project from the mirrors, tried in order.
///
/// When all fail, `DatasetError.notFound` lists every place and mirror tried, and how to fix it.
public struct DataLocator: Sendable {
    public let dataDirectory: String?
    public let projectRoot: URL
    public let environment: [String: String]
    public let systemDirectory: URL
    public let allowDownload: Bool
    /// Mirrors that replace the dataset's canonical ones (`--mirror`); `{dataset}` in a URL
    /// stands for the directory name (`mnist`, `fashion-mnist`).
    public let mirrorOverride: [URL]?
    public let verifier: DatasetVerifier

    /// - Parameters:
    ///   - dataDirectory: `--data-dir`; `REPORT_DATA_DIR` from `environment` is searched after it.
    ///   - projectRoot: the project, whose `data/<dataset>/` is searched and receives downloads.
    ///   - environment: where `REPORT_DATA_DIR` is read from.
    ///   - systemDirectory: a machine-wide directory searched last (`/usr/share/datasets`).
    ///   - allowDownload: whether a dataset found nowhere may be downloaded.
    ///   - mirrors: where to download from instead of each dataset's own mirrors (tests).
    ///   - verifier: defaults to one caching results in `data/.verified.json` in the project.
    public init(
        dataDirectory: String?,
        projectRoot: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        systemDirectory: URL = URL(fileURLWithPath: "/usr/share/datasets"),
        allowDownload: Bool = true,
        mirrors: [URL]? = nil,
        verifier: DatasetVerifier? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.projectRoot = projectRoot
        self.environment = environment
        self.systemDirectory = systemDirectory
        self.allowDownload = allowDownload
        self.mirrorOverride = mirrors
        self.verifier =
            verifier
            ?? DatasetVerifier(
                cache: VerificationCache(file: projectRoot.appendingPathComponent("data/.verified.json")))
    }

    /// `data/` in the project.
    public var projectDataDirectory: URL { projectRoot.appendingPathComponent("data") }

    /// The mirrors a dataset is downloaded from, in order.
    public func mirrors(for name: DatasetName) -> [URL] {
        (mirrorOverride ?? DatasetInfo.info(name).mirrors).map {
            MirrorTemplate.expand($0, for: DatasetInfo.info(name))
        }
    }

    /// The places searched for a dataset before downloading, in order.
    public func places(for name: DatasetName) -> [DataPlace] {
        let info = DatasetInfo.info(name)
        var places: [DataPlace] = []
        if let dataDirectory, !dataDirectory.isEmpty {
            places.append(place(.dataDirectory, root: URL(fileURLWithPath: dataDirectory), info: info))
        }
        if let variable = environment["REPORT_DATA_DIR"], !variable.isEmpty {
            places.append(place(.environment, root: URL(fileURLWithPath: variable), info: info))
        }
        places.append(
            DataPlace(
                kind: .project, directory: projectDataDirectory.appendingPathComponent(info.directoryName)))
        places.append(
            DataPlace(kind: .system, directory: systemDirectory.appendingPathComponent(info.directoryName)))
        return places
    }

    /// A user-given root holds `<dataset>/`, or directly the dataset's files.
    private func place(_ kind: DataPlace.Kind, root: URL, info: DatasetInfo) -> DataPlace {
        let subdirectory = root.appendingPathComponent(info.directoryName)
        let holdsFilesDirectly = info.files.contains { DatasetVerifier.locate($0, in: root) != nil }
        if holdsFilesDirectly && !FileManager.default.fileExists(atPath: subdirectory.path) {
            return DataPlace(kind: kind, directory: root)
        }
        return DataPlace(kind: kind, directory: subdirectory)
    }

    /// What a place holds. `rehash` ignores the verification cache.
    public func examine(_ place: DataPlace, for name: DatasetName, rehash: Bool = false) -> PlaceReport {
        let info = DatasetInfo.info(name)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: place.directory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else { return PlaceReport(place: place, outcome: .absent("directory does not exist")) }
        let missing = info.files.filter { DatasetVerifier.locate($0, in: place.directory) == nil }
            .map { "\($0.name)[.gz]" }
        if missing.count == info.files.count {
            return PlaceReport(
                place: place, outcome: .absent("holds none of \(missing.joined(separator: ", "))"))
        }
        if !missing.isEmpty { return PlaceReport(place: place, outcome: .incomplete(missing: missing)) }
        do {
            let copy = try verifier.verify(
                info, in: place.directory, source: place.kind.rawValue, rehash: rehash)
            return PlaceReport(place: place, outcome: .valid(copy))
        } catch let error as DatasetError {
            // Same file names, other dataset: that directory is simply not this dataset's.
            if case .hashMismatch(_, _, let actual, _) = error,
                let owner = DatasetName.allCases.first(where: {
                    $0 != name && DatasetInfo.info($0).files.contains { $0.sha256 == actual }
                })
            {
                return PlaceReport(
                    place: place,
                    outcome: .absent("holds \(owner.displayName)'s files, not \(name.displayName)'s"))
            }
            return PlaceReport(place: place, outcome: .invalid(error))
        } catch {
            return PlaceReport(
                place: place, outcome: .invalid(.unreadable(path: place.directory.path, reason: "\(error)")))
        }
    }

    /// Every place searched for a dataset and what it holds (for `report data verify`).
    public func survey(_ name: DatasetName, rehash: Bool = false) -> [PlaceReport] {
        places(for: name).map { examine($0, for: name, rehash: rehash) }
    }

    /// The first verified copy, downloading one into the project's `data/` if none is found.
    public func resolve(_ name: DatasetName, progress: ((DownloadProgress) -> Void)? = nil) throws
        -> DatasetCopy
    {
        var attempts: [SearchAttempt] = []
        var skipped: [SearchAttempt] = []
        for place in places(for: name) {
            let report = examine(place, for: name)
            if case .valid(let copy) = report.outcome { return copy.skipping(skipped) }
            let attempt = SearchAttempt(place: place.description, problem: report.problem ?? "")
            attempts.append(attempt)
            if case .invalid = report.outcome { skipped.append(attempt) }
        }
        let target = projectDataDirectory.appendingPathComponent(DatasetInfo.info(name).directoryName)
        guard allowDownload else {
            attempts.append(
                SearchAttempt(place: "download into \(target.path)", problem: "downloads are turned off"))
            throw DatasetError.notFound(dataset: name, attempts: attempts)
        }
        let downloader = DatasetDownloader(
            info: DatasetInfo.info(name), mirrors: mirrors(for: name), directory: target,
            verifier: verifier, progress: progress)
        do {
            return try downloader.fetch().skipping(skipped)
        } catch DatasetError.downloadFailed(_, _, let mirrorAttempts) {
            attempts += mirrorAttempts.map {
                SearchAttempt(place: "download \($0.place)", problem: $0.problem)
            }
        } catch {
            attempts.append(
                SearchAttempt(place: "download into \(target.path)", problem: Self.explain(error)))
        }
        throw DatasetError.notFound(dataset: name, attempts: attempts)
    }

    /// The directory of a verified copy, fetching one if needed.
    public func directory(for name: DatasetName, progress: ((DownloadProgress) -> Void)? = nil) throws -> URL
    {
        try resolve(name, progress: progress).directory
    }

    /// One split of a verified copy, read into memory.
    public func load(_ name: DatasetName, split: Split, progress: ((DownloadProgress) -> Void)? = nil) throws
        -> ImageSet
    {
        try resolve(name, progress: progress).load(split)
    }

    /// An error in a line for a list of attempts: the path and what is wrong, without advice.
    static func explain(_ error: Error) -> String {
        guard let error = error as? DatasetError else { return "\(error)" }
        if case .hashMismatch(let path, _, _, _) = error { return "\(path): \(error.summary)" }
        return error.description
    }
}
