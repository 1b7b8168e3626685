import Foundation

/// IDX files (the MNIST family) of any size: an image file (`source.files[0]`) of rank 3 (samples ×
/// height × width) or 4 (with channels, as `layout` says or the sizes make plain) and a label file
/// (`source.labels`) of rank 1, gzip-compressed or raw.
enum IDXFormat {
    static func read(_ request: ReadRequest) throws -> LabelledData {
        let imageURL = try DatasetReader.firstFile(request)
        guard let labelURL = request.source.labels else {
            throw DatasetError.corrupt(
                path: imageURL.path,
                reason: "an idx split needs a label file beside the image file, and none is given")
        }
        let images = try IDX.read(path: imageURL.path, limit: request.maxBytes)
        let written = "(" + images.dimensions.map(String.init).joined(separator: "×") + ")"
        let shape = try ImageArrayShape.make(
            dimensions: images.dimensions, layout: request.layout, allowTable: false, written: written,
            subject: "the image file", path: imageURL.path)
        let labels = try IDX.read(path: labelURL.path, limit: request.maxBytes)
        guard labels.dimensions.count == 1 else {
            throw DatasetError.corrupt(
                path: labelURL.path,
                reason: "expected a 1-dimensional label file, found \(labels.dimensions.count) dimensions")
        }
        guard labels.dimensions[0] == shape.count else {
            throw DatasetError.corrupt(
                path: labelURL.path, reason: "\(labels.dimensions[0]) labels for \(shape.count) images")
        }
        try SizeCheck.requireWithinLimit(
            SizeCheck.sum(images.bytes.count, SizeCheck.product([shape.count, 4])), limit: request.maxBytes,
            path: imageURL.path, what: "the images \(written) and their labels")
        let values = labels.bytes.map(Int32.init)
        try LabelCheck.validate(values, classes: request.classes, path: labelURL.path)
        let set = ImageSet(
            pixels: .bytes(shape.channelsFirst(images.bytes)), labels: values, count: shape.count,
            shape: shape.sample)
        return LabelledData(set: set, classNames: nil)
    }
}
