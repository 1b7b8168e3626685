import CZlib
import Foundation

/// Decompresses gzip (or zlib) data with zlib's inflate. The only file that imports CZlib.
enum Gzip {
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Inflates a whole gzip stream. Throws `DatasetError.corrupt` on truncated or damaged input.
    static func decompress(_ data: Data, path: String) throws -> Data {
        let inflater = try Inflater(path: path)
        var output = Data()
        try data.withUnsafeBytes { input in
            try inflater.feed(input) { output.append(contentsOf: $0) }
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
        func feed(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) -> Void) throws {
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
                    buffer.withUnsafeBytes { output(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
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
