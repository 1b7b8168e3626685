import Foundation

/// Reads one split of a declared dataset, in any of the `DatasetFormat`s, into memory. Every reader checks
/// what a file's header promises against the file before it allocates, keeps the decoded split under
/// `ReadRequest.maxBytes`, and throws a `DatasetError` that names the file (and the line, for CSV) and
/// says how to fix it; no input makes it trap.
public enum DatasetReader {
    public static func read(_ request: ReadRequest) throws -> LabelledData {
        let data: LabelledData
        switch request.format {
        case .idx: data = try IDXFormat.read(request)
        case .npy: data = try NPYFormat.read(request)
        case .npz: data = try NPZFormat.read(request)
        case .cifar10, .cifar100: data = try CIFARFormat.read(request)
        case .png: data = try PNGFolderFormat.read(request)
        case .csv: data = try CSVFormat.read(request)
        }
        try requireSamples(data, request)
        return data
    }

    /// `source.files[0]`, or an error when a declaration gives no file.
    static func firstFile(_ request: ReadRequest) throws -> URL {
        guard let first = request.source.files.first else {
            throw DatasetError.missing(path: "(no file given for this \(request.format.rawValue) split)")
        }
        return first
    }

    /// Every format's last check: a split holds samples, and their labels are class indices.
    private static func requireSamples(_ data: LabelledData, _ request: ReadRequest) throws {
        let path = request.source.files.first?.path ?? ""
        guard data.set.count > 0 else {
            throw DatasetError.corrupt(path: path, reason: "the split holds no samples")
        }
        try LabelCheck.validate(data.set.labels, classes: request.classes, path: path)
    }
}
