import Foundation

/// What a download is doing, reported as it goes so a front end can draw a progress bar.
public struct DownloadProgress: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// The request was sent.
        case started
        /// Bytes arrived.
        case receiving
        /// The file arrived and is being verified.
        case verifying
        /// The file was verified and moved into place.
        case finished
        /// This mirror failed; the reason is given. The next mirror may follow.
        case failed(String)
    }

    public var dataset: DatasetName
    /// The file name as served, e.g. `train-images-idx3-ubyte.gz`.
    public var file: String
    public var url: URL
    public var phase: Phase
    public var receivedBytes: Int64
    /// The size the server announced, if it did.
    public var expectedBytes: Int64?

    public init(
        dataset: DatasetName, file: String, url: URL, phase: Phase,
        receivedBytes: Int64 = 0, expectedBytes: Int64? = nil
    ) {
        self.dataset = dataset
        self.file = file
        self.url = url
        self.phase = phase
        self.receivedBytes = receivedBytes
        self.expectedBytes = expectedBytes
    }

    /// Completed fraction in 0...1, when the size is known.
    public var fraction: Double? {
        guard let expectedBytes, expectedBytes > 0 else { return nil }
        return min(1, Double(receivedBytes) / Double(expectedBytes))
    }
}
