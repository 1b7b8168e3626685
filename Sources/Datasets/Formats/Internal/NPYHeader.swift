/// The header of a NumPy `.npy` array (format versions 1.0, 2.0 and 3.0,
/// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html): the magic string
/// `\x93NUMPY`, the version, the header's length (2 bytes in 1.0, 4 after), then a Python dict literal
/// with the element type (`descr`), `fortran_order` and `shape`. The data follows, C-ordered.
struct NPYHeader: Equatable {
    /// The element types a dataset array may have.
    enum ElementType: String, CaseIterable {
        case uint8 = "u1"
        case int8 = "i1"
        case uint16 = "u2"
        case int16 = "i2"
        case uint32 = "u4"
        case int32 = "i4"
        case uint64 = "u8"
        case int64 = "i8"
        case float32 = "f4"
        case float64 = "f8"

        var size: Int {
            switch self {
            case .uint8, .int8: return 1
            case .uint16, .int16: return 2
            case .uint32, .int32, .float32: return 4
            case .uint64, .int64, .float64: return 8
            }
        }

        var isInteger: Bool { self != .float32 && self != .float64 }
    }

    var type: ElementType
    /// The dtype as the file writes it, e.g. `<f4`, for messages.
    var descr: String
    var shape: [Int]
    /// Where the data starts: the length of the magic string, version, length field and dict.
    var dataOffset: Int
    /// The bytes of data the shape promises, multiplied with overflow checks.
    var dataBytes: Int

    /// `(50, 28, 28)`, as NumPy writes a shape.
    var writtenShape: String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    /// The bytes that hold the header's length in every version.
    static let preambleLength = 12
    /// NumPy itself refuses headers over 10,000 bytes unless told otherwise; anything longer is not an array
    /// of numbers.
    static let maximumHeaderLength = 1 << 20

    /// Where the data starts, from the first `preambleLength` bytes (or fewer, for a short file).
    static func dataOffset(preamble: UnsafeRawBufferPointer, path: String, subject: String) throws -> Int {
        guard preamble.count >= 10, Array(preamble.prefix(6)) == magic else {
            throw DatasetError.corrupt(
                path: path, reason: "\(subject) is not a NumPy .npy array (it does not start with \\x93NUMPY)"
            )
        }
        let major = preamble[6]
        let length: Int
        let fieldEnd: Int
        switch major {
        case 1:
            length = Int(preamble[8]) | Int(preamble[9]) << 8
            fieldEnd = 10
        case 2, 3:
            guard preamble.count >= 12 else {
                throw DatasetError.corrupt(path: path, reason: "\(subject) ends inside its .npy header")
            }
            length =
                Int(preamble[8]) | Int(preamble[9]) << 8 | Int(preamble[10]) << 16 | Int(preamble[11]) << 24
            fieldEnd = 12
        default:
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "\(subject) is in .npy format version \(major).\(preamble[7]), which this reader does not know "
                    + "(it reads 1.0, 2.0 and 3.0)")
        }
        guard length <= maximumHeaderLength else {
            throw DatasetError.corrupt(
                path: path,
                reason: "\(subject) has a .npy header of \(length) bytes; an array's is under 10,000")
        }
        return fieldEnd + length
    }

    /// Parses the header at the start of `bytes`, which must hold at least `dataOffset(preamble:)` bytes.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, subject: String) throws -> NPYHeader {
        let offset = try dataOffset(preamble: bytes, path: path, subject: subject)
        guard bytes.count >= offset else {
            throw DatasetError.corrupt(path: path, reason: "\(subject) ends inside its .npy header")
        }
        let fieldEnd = bytes[6] == 1 ? 10 : 12
        let body = UnsafeRawBufferPointer(rebasing: bytes[fieldEnd..<offset])
        // 1.0 and 2.0 headers are Latin-1, 3.0 headers UTF-8.
        let text =
            bytes[6] == 3
            ? String(decoding: body, as: UTF8.self)
            : String(String.UnicodeScalarView(body.map { Unicode.Scalar($0) }))
        func bad(_ reason: String) -> DatasetError {
            DatasetError.corrupt(path: path, reason: "\(subject) has a damaged .npy header: \(reason)")
        }
        let dict: PythonLiteral
        do {
            dict = try PythonLiteral.parse(text)
        } catch {
            throw bad(error.reason)
        }
        guard case .string(let descr)? = dict[key: "descr"] else {
            if dict[key: "descr"] != nil {
                throw DatasetError.corrupt(
                    path: path,
                    reason:
                        "\(subject) has a structured dtype (named fields); save a plain numeric array, e.g. "
                        + "np.save(path, x['field'])")
            }
            throw bad("no 'descr' (element type)")
        }
        guard case .boolean(let fortranOrder)? = dict[key: "fortran_order"] else {
            throw bad("no 'fortran_order' True or False")
        }
        guard case .sequence(let items)? = dict[key: "shape"] else { throw bad("no 'shape' tuple") }
        var shape: [Int] = []
        for item in items {
            guard case .integer(let dimension) = item, dimension >= 0 else {
                throw bad("the shape holds something other than sizes")
            }
            shape.append(dimension)
        }
        guard !fortranOrder else {
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "\(subject) is stored in Fortran (column-major) order; save it in C order: "
                    + "np.save(path, np.ascontiguousarray(x))")
        }
        let type = try elementType(descr, path: path, subject: subject)
        let header = NPYHeader(
            type: type, descr: descr, shape: shape, dataOffset: offset,
            dataBytes: SizeCheck.product(shape + [type.size]) ?? -1)
        guard header.dataBytes >= 0 else {
            throw DatasetError.corrupt(
                path: path,
                reason: "\(subject) claims shape \(header.writtenShape), more bytes than a file can hold")
        }
        return header
    }

    /// The element type a `descr` such as `<f4` or `|u1` names, or an error saying how to convert.
    private static func elementType(_ descr: String, path: String, subject: String) throws -> ElementType {
        let order = descr.first
        let code = String(descr.dropFirst())
        guard let order, "<>|=".contains(order), let type = ElementType(rawValue: code) else {
            let what: String
            switch descr.dropFirst().first ?? descr.first {
            case "O": what = "holds Python objects (dtype object)"
            case "U", "S": what = "holds strings (dtype '\(descr)')"
            case "b": what = "holds booleans (dtype '\(descr)')"
            case "c": what = "holds complex numbers (dtype '\(descr)')"
            default: what = "has dtype '\(descr)'"
            }
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "\(subject) \(what), which a dataset cannot; save numbers: uint8 or float32 images "
                    + "(x.astype(np.uint8) or x.astype(np.float32)), integer labels (y.astype(np.int64))")
        }
        // One-byte types have no byte order; '=' is the writer's own, little-endian on every machine this
        // runs on.
        if order == ">" && type.size > 1 {
            throw DatasetError.corrupt(
                path: path,
                reason:
                    "\(subject) is big-endian (dtype '\(descr)'); save it little-endian: "
                    + "np.save(path, x.astype(x.dtype.newbyteorder('<')))")
        }
        return type
    }
}
