import Foundation

/// A folder (`source.files[0]`) holding one subfolder of `.png` images per class, as image classification
/// datasets are often shipped: classes are the sorted subfolder names (or `request.classNames`), images
/// are read in name order. The set has one channel when every image is grey, else three (grey images
/// are copied into all three).
enum PNGFolderFormat {
    static func read(_ request: ReadRequest) throws -> LabelledData {
        let root = try DatasetReader.firstFile(request)
        let folders = try entries(of: root)
        for url in folders where !isDirectory(url) {
            throw DatasetError.corrupt(
                path: url.path,
                reason: "the png format wants only class subfolders in \(root.path); move this file out of it"
            )
        }
        let derivedNames = folders.map(\.lastPathComponent)
        let classNames = request.classNames ?? derivedNames
        var classIndex: [String: Int] = [:]
        for (index, name) in classNames.enumerated() where classIndex[name] == nil {
            classIndex[name] = index
        }

        var images: [(url: URL, label: Int32)] = []
        for folder in folders {
            guard let label = classIndex[folder.lastPathComponent] else {
                throw DatasetError.corrupt(
                    path: folder.path,
                    reason:
                        "class folder '\(folder.lastPathComponent)' is not one of the classes "
                        + classNames.map { "'\($0)'" }.joined(separator: ", "))
            }
            let files = try entries(of: folder)
            for file in files where file.pathExtension.lowercased() != "png" || isDirectory(file) {
                throw DatasetError.corrupt(
                    path: file.path,
                    reason:
                        "not a .png file; the png format reads only .png files from class folders: convert it to PNG "
                        + "or move it out")
            }
            guard !files.isEmpty else {
                throw DatasetError.corrupt(path: folder.path, reason: "class folder has no .png files")
            }
            images += files.map { ($0, Int32(label)) }
        }
        guard !images.isEmpty else {
            throw DatasetError.corrupt(path: root.path, reason: "the folder has no class subfolders")
        }
        let set = try decode(images, maxBytes: request.maxBytes)
        try LabelCheck.validate(set.labels, classes: request.classes, path: root.path)
        return LabelledData(set: set, classNames: classNames)
    }

    /// The images, in order, as one set: all must have the first one's size.
    private static func decode(_ images: [(url: URL, label: Int32)], maxBytes: Int) throws -> ImageSet {
        var pixels: [UInt8] = []
        var channels = 1
        var first: (url: URL, width: Int, height: Int)?
        for (index, item) in images.enumerated() {
            let image = try PNGCodec.decode(path: item.url.path, maxBytes: maxBytes)
            if let first {
                guard image.width == first.width, image.height == first.height else {
                    throw DatasetError.corrupt(
                        path: item.url.path,
                        reason:
                            "the image is \(image.width)×\(image.height) pixels but the first, "
                            + "\(first.url.path), is \(first.width)×\(first.height); all images must have one size "
                            + "(resize them first)")
                }
            } else {
                first = (item.url, image.width, image.height)
            }
            let plane = image.width * image.height
            let setChannels = max(channels, image.channels)
            try SizeCheck.requireWithinLimit(
                SizeCheck.product([index + 1, setChannels * plane + 4]), limit: maxBytes, path: item.url.path,
                what: "the first \(index + 1) images of \(setChannels)×\(image.height)×\(image.width)")
            if image.channels == 3 && channels == 1 {
                // The first colour image: every grey image so far becomes RGB.
                channels = 3
                pixels = pixels.withUnsafeBufferPointer { grey in
                    var rgb = [UInt8]()
                    rgb.reserveCapacity(grey.count * 3)
                    for sample in 0..<index {
                        let slice = grey[(sample * plane)..<((sample + 1) * plane)]
                        for _ in 0..<3 { rgb.append(contentsOf: slice) }
                    }
                    return rgb
                }
            }
            if image.channels == channels {
                pixels += image.pixels
            } else {
                for _ in 0..<3 { pixels += image.pixels }
            }
        }
        // No images: the split is empty, which DatasetReader reports.
        guard let first else { return ImageSet(pixels: .bytes([]), labels: [], count: 0, shape: .mnist) }
        return ImageSet(
            pixels: .bytes(pixels), labels: images.map(\.label), count: images.count,
            shape: SampleShape(channels: channels, rows: first.height, cols: first.width))
    }

    /// The entries of a folder that are not hidden, sorted by name.
    private static func entries(of folder: URL) throws -> [URL] {
        guard isDirectory(folder) else {
            if FileManager.default.fileExists(atPath: folder.path) {
                throw DatasetError.corrupt(
                    path: folder.path, reason: "the png format wants a folder of class subfolders, not a file"
                )
            }
            throw DatasetError.missing(path: folder.path)
        }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { !$0.hasPrefix(".") }.sorted()
                .map { folder.appendingPathComponent($0) }
        } catch {
            throw DatasetError.unreadable(path: folder.path, reason: error.localizedDescription)
        }
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }
}
