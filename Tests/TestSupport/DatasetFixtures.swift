import Datasets
import Foundation

/// Builds dataset directories for tests out of the shared data, with links rather than copies.
public enum DatasetFixtures {
    /// The shared copy of a dataset, e.g. `../shared/data/mnist`.
    public static func sharedDirectory(_ name: DatasetName) -> URL {
        TestPaths.sharedData.appendingPathComponent(DatasetInfo.info(name).directoryName)
    }

    /// Makes `directory` hold symbolic links to the shared files of a dataset (all four, or
    /// those named in `only`), creating the directory.
    public static func linkSharedFiles(_ name: DatasetName, into directory: URL, only: [String]? = nil) throws
    {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in DatasetInfo.info(name).files where only?.contains(file.name) ?? true {
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent(file.compressedName),
                withDestinationURL: sharedDirectory(name).appendingPathComponent(file.compressedName))
        }
    }

    /// Writes the first `bytes` bytes of a shared file to `destination`.
    public static func writeTruncated(_ name: DatasetName, file: String, bytes: Int, to destination: URL)
        throws
    {
        let data = try Data(contentsOf: sharedDirectory(name).appendingPathComponent(file))
        try data.prefix(bytes).write(to: destination)
    }
}
