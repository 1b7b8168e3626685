import Foundation

/// NumPy `.npy` files: an image array (`source.files[0]`) and a label array (`source.labels`), as
/// `np.save` writes them.
enum NPYFormat {
    static func read(_ request: ReadRequest) throws -> LabelledData {
        let imageURL = try DatasetReader.firstFile(request)
        guard let labelURL = request.source.labels else {
            throw DatasetError.corrupt(
                path: imageURL.path,
                reason: "an npy split needs a label file beside the image file, and none is given")
        }
        let imageData = try MappedFile.read(imageURL)
        let labelData = try MappedFile.read(labelURL)
        let set = try imageData.withUnsafeBytes { imageBytes in
            try labelData.withUnsafeBytes { labelBytes in
                let images = try array(imageBytes, path: imageURL.path, subject: "the image array")
                let labels = try array(labelBytes, path: labelURL.path, subject: "the label array")
                let pair = try NPYPair(images: images, labels: labels, request: request)
                return try pair.decode(
                    images: UnsafeRawBufferPointer(rebasing: imageBytes[images.header.dataOffset...]),
                    labels: UnsafeRawBufferPointer(rebasing: labelBytes[labels.header.dataOffset...]))
            }
        }
        return LabelledData(set: set, classNames: nil)
    }

    /// The header of the array that is a whole file, checked against the file's length.
    private static func array(_ bytes: UnsafeRawBufferPointer, path: String, subject: String) throws
        -> NPYPair.Array
    {
        let header = try NPYHeader.parse(bytes, path: path, subject: subject)
        let held = bytes.count - header.dataOffset
        guard held >= header.dataBytes else {
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "the .npy header promises \(header.dataBytes) bytes of data (shape \(header.writtenShape), "
                    + "dtype '\(header.descr)') but the file holds \(held): it is truncated")
        }
        return NPYPair.Array(header: header, path: path, subject: subject)
    }
}
