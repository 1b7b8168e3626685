import CZlib
import Foundation

/// zlib at the edge: gzip (or zlib) streams for the downloaded files, raw deflate and CRC-32 for zip
/// archives (`.npz`). The only file that imports CZlib.
enum Gzip {
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Inflates a whole gzip stream. Throws `DatasetError.corrupt` on truncated or damaged input, and
    /// when the content would be longer than `limit` bytes (stopping there, so a small file that
    /// inflates to gigabytes costs no more than the limit).
    static func decompress(_ data: Data, path: String, limit: Int = .max) throws -> Data {
        let inflater = try Inflater(path: path)
        var output = Data()
        try data.withUnsafeBytes { input in
            try inflater.feed(input) { chunk in
                guard chunk.count <= limit - output.count else {
                    throw DatasetError.corrupt(
                        path: path,
                        reason: "decompressed, the file is larger than the limit of \(limit) bytes")
                }
                output.append(contentsOf: chunk)
            }
        }
        try inflater.finish()
        return output
    }

    /// Streaming inflate: feed compressed chunks as they are read, receive decompressed
    /// chunks, then call `finish()` to learn whether the stream was complete.
    /// Concatenated gzip members are inflated one after another, as `gunzip` does.
    final class Inflater {
        private var stream = z_stream()
        private var buffer = [UInt8](repeating: 0, count: 1 << 18)
        private var ended = false
        private let path: String

        init(path: String) throws {
            self.path = path
            // 15 window bits + 32: detect gzip or zlib headers automatically.
            guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
            else {
                throw DatasetError.corrupt(path: path, reason: "zlib could not start inflating")
            }
        }

        deinit { inflateEnd(&stream) }

        /// Inflates `input`, passing each decompressed chunk to `output`.
        func feed(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
            guard let base = input.bindMemory(to: Bytef.self).baseAddress, !input.isEmpty else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(input.count)
            let capacity = buffer.count
            while true {
                if ended {
                    guard stream.avail_in > 0 else { return }
                    // Another gzip member follows the one that just ended.
                    guard inflateReset(&stream) == Z_OK else {
                        throw DatasetError.corrupt(path: path, reason: "zlib could not restart inflating")
                    }
                    ended = false
                }
                var status: Int32 = Z_OK
                var produced = 0
                buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(capacity)
                    status = inflate(&stream, Z_NO_FLUSH)
                    produced = capacity - Int(stream.avail_out)
                }
                // Z_BUF_ERROR only means "no progress possible": zlib needs more input.
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw DatasetError.corrupt(
                        path: path, reason: "gzip data is damaged (zlib status \(status))")
                }
                if produced > 0 {
                    try buffer.withUnsafeBytes {
                        try output(UnsafeRawBufferPointer(rebasing: $0[0..<produced]))
                    }
                }
                if status == Z_STREAM_END {
                    ended = true
                } else if status == Z_BUF_ERROR || (stream.avail_in == 0 && produced < capacity) {
                    // All input consumed and zlib holds no pending output.
                    return
                }
            }
        }

        /// Throws unless the last gzip member ended properly (a truncated file does not).
        func finish() throws {
            guard ended else {
                throw DatasetError.corrupt(
                    path: path, reason: "gzip stream ends early (the file is truncated)")
            }
        }
    }
}

// MARK: Zip archives: raw deflate and CRC-32

extension Gzip {
    /// The CRC-32 of `bytes` (zip's and gzip's checksum), continuing from `crc` (0 to start).
    static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var crc = uLong(crc)
        var rest = bytes
        while let base = rest.baseAddress, !rest.isEmpty {
            let length = min(rest.count, Int(UInt32.max))
            crc = CZlib.crc32(crc, base.assumingMemoryBound(to: Bytef.self), uInt(length))
            rest = UnsafeRawBufferPointer(rebasing: rest[length...])
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The wrappers a deflate stream can have.
    enum Wrapper {
        /// None, as zip entries store it.
        case raw
        /// zlib's, as PNG's image data has it.
        case zlib
        /// gzip's, as `.gz` files have it.
        case gzip
    }

    /// Compresses `data` with deflate. For writing test fixtures; the tool itself only reads.
    static func deflate(_ data: Data, wrapper: Wrapper) throws -> Data {
        var stream = z_stream()
        let windowBits: Int32
        switch wrapper {
        case .raw: windowBits = -15
        case .zlib: windowBits = 15
        case .gzip: windowBits = 15 + 16
        }
        guard
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else {
            throw DatasetError.corrupt(path: "(deflate)", reason: "zlib could not start deflating")
        }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
        let status = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else {
            throw DatasetError.corrupt(path: "(deflate)", reason: "zlib could not deflate (status \(status))")
        }
        return Data(output.prefix(Int(stream.total_out)))
    }

    /// Inflates one raw deflate stream (a zip entry's) from an input buffer into output buffers handed
    /// over one at a time, so that a reader can inflate a header, check what it promises, and only then
    /// allocate room for the rest. `input` must stay valid while the inflater is used.
    final class RawInflater {
        private var stream = z_stream()
        private let input: UnsafeRawBufferPointer
        private var consumed = 0
        private var ended = false
        private let path: String

        init(input: UnsafeRawBufferPointer, path: String) throws {
            self.input = input
            self.path = path
            // Negative window bits: a raw stream, with no zlib or gzip header.
            guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw DatasetError.corrupt(path: path, reason: "zlib could not start inflating")
            }
        }

        deinit { inflateEnd(&stream) }

        /// Fills the whole of `output`, or throws when the stream is damaged or ends first.
        func fill(_ output: UnsafeMutableRawBufferPointer) throws {
            let produced = try inflate(into: output)
            guard produced == output.count else {
                throw DatasetError.corrupt(
                    path: path, reason: "compressed data ends after fewer bytes than its declared size")
            }
        }

        /// Throws unless the stream ends exactly where the output filled so far ends.
        func finish() throws {
            var probe: UInt8 = 0
            let extra = try withUnsafeMutableBytes(of: &probe) { try inflate(into: $0) }
            guard extra == 0, ended else {
                throw DatasetError.corrupt(
                    path: path, reason: "compressed data holds more bytes than its declared size")
            }
        }

        /// Inflates into `output` until it is full or the stream ends; returns the bytes written.
        private func inflate(into output: UnsafeMutableRawBufferPointer) throws -> Int {
            var produced = 0
            while produced < output.count, !ended, let outBase = output.baseAddress {
                let inputLeft = input.count - consumed
                let offered = min(inputLeft, Int(UInt32.max))
                let room = min(output.count - produced, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(
                    mutating: input.baseAddress.map { ($0 + consumed).assumingMemoryBound(to: Bytef.self) })
                stream.avail_in = uInt(offered)
                stream.next_out = (outBase + produced).assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(room)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                let read = offered - Int(stream.avail_in)
                let written = room - Int(stream.avail_out)
                consumed += read
                produced += written
                switch status {
                case Z_STREAM_END:
                    ended = true
                case Z_OK:
                    continue
                case Z_BUF_ERROR where read == 0 && written == 0:
                    throw DatasetError.corrupt(
                        path: path, reason: "compressed data is truncated (the deflate stream does not end)")
                case Z_BUF_ERROR:
                    continue
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DatasetError.corrupt(path: path, reason: "compressed data is damaged (\(message))")
                }
            }
            return produced
        }
    }
}
