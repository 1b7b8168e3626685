import Foundation

/// The checkpoint file: every parameter and batch-norm statistic of a network.
///
/// Layout (little-endian):
/// - 8 bytes magic `RPTCKPT\n`
/// - UInt32 format version (1)
/// - UInt32 header length H, then H bytes of UTF-8 JSON: `{"layers": [...], "tensors": [{"name", "shape"}]}`
/// - the tensors' Float32 values, in header order
/// - UInt32 CRC-32 of everything before it
public enum Checkpoint {
    static let magic = Array("RPTCKPT\n".utf8)
    static let version: UInt32 = 1

    struct Header: Codable {
        var layers: [String]
        var tensors: [Tensor]
        struct Tensor: Codable {
            var name: String
            var shape: [Int]
        }
    }

    /// The checkpoint file's bytes for `network` (written by the caller's file writer).
    public static func encode(_ network: Network) throws -> Data {
        let state = network.state
        let header = Header(
            layers: network.specs.map(\.description),
            tensors: state.map { .init(name: $0.name, shape: $0.shape) })
        let json = try sortedEncoder().encode(header)
        var bytes = magic
        append(version, to: &bytes)
        append(UInt32(json.count), to: &bytes)
        bytes += json
        for tensor in state {
            for i in 0..<tensor.buffer.count { append(tensor.buffer[i].bitPattern, to: &bytes) }
        }
        append(CRC32.checksum(bytes), to: &bytes)
        return Data(bytes)
    }

    /// Whether every value of the network's state is finite (weights loaded from a diverged or
    /// tampered checkpoint may not be).
    public static func firstNonFinite(in network: Network) -> String? {
        for tensor in network.state {
            for i in 0..<tensor.buffer.count where !tensor.buffer[i].isFinite { return tensor.name }
        }
        return nil
    }

    /// Checks that the file is a whole checkpoint (magic bytes and checksum), whatever model it holds.
    public static func verify(_ url: URL) throws {
        _ = try verifiedBytes(url.path)
    }

    private static func verifiedBytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.unreadable(path)
        }
        return try verifiedBytes(data, path: path)
    }

    private static func verifiedBytes(_ data: Data, path: String) throws -> [UInt8] {
        let bytes = [UInt8](data)
        guard bytes.count >= 20, Array(bytes[0..<8]) == magic else {
            throw CheckpointError.corrupt(path, "not a report checkpoint (bad magic bytes)")
        }
        let stored = read(bytes, at: bytes.count - 4)
        guard CRC32.checksum(bytes[0..<(bytes.count - 4)]) == stored else {
            throw CheckpointError.corrupt(path, "checksum mismatch: the file is damaged or truncated")
        }
        return bytes
    }

    /// Loads weights into `network`, which must have the same layers and shapes.
    public static func load(_ url: URL, into network: Network) throws {
        try load(bytes: try verifiedBytes(url.path), path: url.path, into: network)
    }

    /// Loads weights from a checkpoint's bytes already read (`path` names them in errors).
    public static func load(_ data: Data, path: String, into network: Network) throws {
        try load(bytes: try verifiedBytes(data, path: path), path: path, into: network)
    }

    private static func load(bytes: [UInt8], path: String, into network: Network) throws {
        let fileVersion = read(bytes, at: 8)
        guard fileVersion == version else {
            throw CheckpointError.corrupt(
                path, "format version \(fileVersion); this report reads version \(version)")
        }
        let headerLength = Int(read(bytes, at: 12))
        guard 16 + headerLength <= bytes.count - 4,
            let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        else { throw CheckpointError.corrupt(path, "unreadable header") }
        let state = network.state
        let expected = state.map { Header.Tensor(name: $0.name, shape: $0.shape) }
        guard header.tensors.map(\.name) == expected.map(\.name),
            header.tensors.map(\.shape) == expected.map(\.shape)
        else {
            throw CheckpointError.mismatch(
                path, saved: header.layers, expected: network.specs.map(\.description))
        }
        var offset = 16 + headerLength
        let total = state.reduce(0) { $0 + $1.buffer.count }
        guard offset + 4 * total == bytes.count - 4 else {
            throw CheckpointError.corrupt(path, "tensor data has the wrong size")
        }
        for tensor in state {
            for i in 0..<tensor.buffer.count {
                tensor.buffer[i] = Float(bitPattern: read(bytes, at: offset))
                offset += 4
            }
        }
    }

    /// Sorted keys: the same network always gives the same bytes (an encoder's key order is not fixed).
    static func sortedEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    static func read(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(
            bytes[offset + 3]) << 24
    }
}

public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case unreadable(String)
    case corrupt(String, String)
    case mismatch(String, saved: [String], expected: [String])

    public var description: String {
        switch self {
        case .unreadable(let path): return "\(path): cannot read the checkpoint"
        case .corrupt(let path, let why): return "\(path): corrupt checkpoint: \(why)"
        case .mismatch(let path, let saved, let expected):
            return
                "\(path): the checkpoint holds a different model.\n  saved:    \(saved.joined(separator: " → "))\n  expected: \(expected.joined(separator: " → "))"
        }
    }
}

/// CRC-32 (IEEE 802.3, as zlib and PNG use).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
