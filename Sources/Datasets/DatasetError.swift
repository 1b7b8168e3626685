/// Errors about dataset files, each naming the file or places, what was expected, and how
/// to fix it.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// A file that should exist does not.
    case missing(path: String)
    /// A file exists but its content is not what the format promises.
    case corrupt(path: String, reason: String)
    /// A file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// A file's decompressed content does not have the known SHA-256.
    /// `problem` says why reading stopped early, when it did (e.g. a truncated gzip stream).
    case hashMismatch(path: String, expected: String, actual: String, problem: String?)
    /// No valid copy of a dataset in any place searched, and none could be downloaded.
    case notFound(dataset: DatasetName, attempts: [SearchAttempt])
    /// A file could not be downloaded from any mirror.
    case downloadFailed(dataset: DatasetName, file: String, attempts: [SearchAttempt])

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path): file not found"
        case .corrupt(let path, let reason):
            return "\(path): \(reason)"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read: \(reason)"
        case .hashMismatch(let path, _, _, _):
            return "\(path): \(summary). The file is corrupt, incomplete or another dataset's: "
                + "delete or replace it (`report data fetch` downloads a verified copy)."
        case .notFound(let dataset, let attempts):
            return Self.listing(
                headline:
                    "no valid copy of \(dataset.displayName) (\(dataset.rawValue)) was found or could be downloaded.",
                attempts: attempts) + "\n" + Self.fixes(for: dataset)
        case .downloadFailed(let dataset, let file, let attempts):
            return Self.listing(
                headline: "could not download \(file) of \(dataset.displayName) from any mirror.",
                attempts: attempts) + "\n" + Self.fixes(for: dataset)
        }
    }

    /// The error in one line without the advice, for lists of attempts. For a hash mismatch
    /// it also says which dataset the content belongs to, when it is a known file.
    var summary: String {
        guard case .hashMismatch(_, let expected, let actual, let problem) = self else { return description }
        var text = "wrong content: SHA-256 of the decompressed content is \(actual), expected \(expected)"
        if let problem { text += " (\(problem))" }
        if let owner = DatasetName.allCases.first(where: {
            DatasetInfo.info($0).files.contains { $0.sha256 == actual }
        }) {
            text += " (that content is \(owner.displayName)'s)"
        }
        return text
    }

    private static func listing(headline: String, attempts: [SearchAttempt]) -> String {
        var lines = [headline, "Tried, in order:"]
        for (index, attempt) in attempts.enumerated() {
            lines.append("  \(index + 1). \(attempt)")
        }
        return lines.joined(separator: "\n")
    }

    /// The two ways to get a dataset onto a machine.
    static func fixes(for dataset: DatasetName) -> String {
        let info = DatasetInfo.info(dataset)
        let local: String
        if let package = info.debianPackage {
            local = "install Debian's package (works offline once installed): sudo apt-get install \(package)"
        } else {
            local =
                "Debian has no package for \(dataset.displayName): copy its four files "
                + "(\(info.files.map(\.compressedName).joined(separator: ", "))) into data/\(info.directoryName)/ "
                + "or point --data-dir / REPORT_DATA_DIR at a directory holding \(info.directoryName)/"
        }
        return """
            To fix it, either:
              - \(local), or
              - fetch it on a machine with network access: report data fetch \(dataset.rawValue) \
            (add --mirror URL to use another mirror)
            """
    }
}
