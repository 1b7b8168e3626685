import Foundation

/// A directory searched for a dataset, and why it was searched.
public struct DataPlace: Sendable, Equatable, CustomStringConvertible {
    /// Why a directory is searched, in resolution order.
    public enum Kind: String, Sendable {
        case dataDirectory = "--data-dir"
        case environment = "REPORT_DATA_DIR"
        case project = "project data"
        case system = "system copy"
    }

    public let kind: Kind
    public let directory: URL

    public init(kind: Kind, directory: URL) {
        self.kind = kind
        self.directory = directory
    }

    public var description: String { "\(kind.rawValue) \(directory.path)" }
}
