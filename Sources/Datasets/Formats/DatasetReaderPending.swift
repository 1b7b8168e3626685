// Replaced by the format readers (branch `formats`) when they land.
public enum DatasetReader {
    public static func read(_ request: ReadRequest) throws -> LabelledData {
        guard request.format == .idx, let images = request.source.files.first,
            let labels = request.source.labels
        else {
            throw DatasetError.unreadable(
                path: request.source.files.first?.path ?? "",
                reason: "format \(request.format) is not read yet")
        }
        let set = try IDX.readImageSet(images: images.path, labels: labels.path)
        return LabelledData(set: set, classNames: nil)
    }
}
