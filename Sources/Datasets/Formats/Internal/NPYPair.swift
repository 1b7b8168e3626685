/// A pair of `.npy` arrays, images and labels (two files, or two entries of one `.npz`), turned into an
/// `ImageSet` in two steps so that nothing is allocated before every size is checked: `init` reads only
/// the headers; `decode` the data.
struct NPYPair {
    /// One array: its header, and where and what to call it in messages.
    struct Array {
        var header: NPYHeader
        var path: String
        /// e.g. "the image array" or "array 'x_train'".
        var subject: String
    }

    let images: Array
    let labels: Array
    let shape: ImageArrayShape
    let classes: Int?

    init(images: Array, labels: Array, request: ReadRequest) throws {
        self.images = images
        self.labels = labels
        classes = request.classes
        let header = images.header
        guard [.uint8, .float32, .float64].contains(header.type) else {
            throw DatasetError.corrupt(
                path: images.path,
                reason:
                    "\(images.subject) has dtype '\(header.descr)'; images must be uint8 ('|u1'), float32 ('<f4') "
                    + "or float64 ('<f8'): save x.astype(np.uint8) or x.astype(np.float32)")
        }
        shape = try ImageArrayShape.make(
            dimensions: header.shape, layout: request.layout, allowTable: true, written: header.writtenShape,
            subject: images.subject, path: images.path)
        guard shape.count > 0 else {
            throw DatasetError.corrupt(path: images.path, reason: "\(images.subject) holds no samples")
        }
        guard labels.header.type.isInteger else {
            throw DatasetError.corrupt(
                path: labels.path,
                reason:
                    "\(labels.subject) has dtype '\(labels.header.descr)'; labels must be integer class indices: "
                    + "save y.astype(np.int64)")
        }
        let labelShape = labels.header.shape
        guard labelShape.count == 1 || (labelShape.count == 2 && labelShape[1] == 1) else {
            throw DatasetError.corrupt(
                path: labels.path,
                reason:
                    "\(labels.subject) has shape \(labels.header.writtenShape); labels must have shape "
                    + "(samples,) or (samples, 1) (one-hot labels: save y.argmax(axis=1))")
        }
        guard labelShape[0] == shape.count else {
            throw DatasetError.corrupt(
                path: labels.path,
                reason:
                    "\(labels.subject) holds \(labelShape[0]) labels but \(images.subject) holds \(shape.count) samples"
            )
        }
        let decodedBytes = SizeCheck.sum(
            SizeCheck.product(header.shape + [header.type == .uint8 ? 1 : 4]),
            SizeCheck.product([shape.count, 4]))
        try SizeCheck.requireWithinLimit(
            decodedBytes, limit: request.maxBytes, path: images.path,
            what: "\(images.subject) \(header.writtenShape) and its labels")
    }

    /// The set, from the arrays' data (each at least `header.dataBytes` long).
    func decode(images imageData: UnsafeRawBufferPointer, labels labelData: UnsafeRawBufferPointer) throws
        -> ImageSet
    {
        let total = images.header.dataBytes / images.header.type.size
        let pixels: ImageSet.Pixels
        switch images.header.type {
        case .uint8:
            pixels = .bytes(
                shape.channelsFirst([UInt8](UnsafeRawBufferPointer(rebasing: imageData[0..<total]))))
        case .float32:
            pixels = .floats(shape.channelsFirst(Self.floats(imageData, count: total)))
        default:
            pixels = .floats(
                shape.channelsFirst(
                    (0..<total).map {
                        Float(
                            Double(
                                bitPattern: UInt64(
                                    littleEndian: imageData.loadUnaligned(
                                        fromByteOffset: $0 * 8, as: UInt64.self))))
                    }))
        }
        let labelValues = try Self.labels(labelData, array: labels, count: shape.count, classes: classes)
        return ImageSet(pixels: pixels, labels: labelValues, count: shape.count, shape: shape.sample)
    }

    /// Little-endian float32 values.
    private static func floats(_ data: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { output, initialized in
            #if _endian(little)
                UnsafeMutableRawBufferPointer(output).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: data[0..<(count * 4)]))
            #else
                for i in 0..<count {
                    output[i] = Float(
                        bitPattern: UInt32(
                            littleEndian: data.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                }
            #endif
            initialized = count
        }
    }

    /// The class indices, each checked against `0..<classes` as it is converted.
    private static func labels(_ data: UnsafeRawBufferPointer, array: Array, count: Int, classes: Int?) throws
        -> [Int32]
    {
        let type = array.header.type
        func value(_ i: Int) -> Int64 {
            let o = i * type.size
            switch type {
            case .uint8: return Int64(data[o])
            case .int8: return Int64(Int8(bitPattern: data[o]))
            case .uint16:
                return Int64(UInt16(littleEndian: data.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
            case .int16:
                return Int64(Int16(littleEndian: data.loadUnaligned(fromByteOffset: o, as: Int16.self)))
            case .uint32:
                return Int64(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
            case .int32:
                return Int64(Int32(littleEndian: data.loadUnaligned(fromByteOffset: o, as: Int32.self)))
            case .uint64:
                let v = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: o, as: UInt64.self))
                return Int64(clamping: v)
            case .int64, .float32, .float64:
                return Int64(littleEndian: data.loadUnaligned(fromByteOffset: o, as: Int64.self))
            }
        }
        let limit = Int64(min(classes ?? Int(Int32.max) + 1, Int(Int32.max) + 1))
        var result = [Int32]()
        result.reserveCapacity(count)
        for i in 0..<count {
            let v = value(i)
            guard v >= 0, v < limit else {
                throw LabelCheck.outOfRange(v, index: i, classes: classes, path: array.path)
            }
            result.append(Int32(v))
        }
        return result
    }
}
