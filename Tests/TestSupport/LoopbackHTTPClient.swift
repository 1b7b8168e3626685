import Foundation

/// A raw-socket HTTP client for servers on 127.0.0.1: sends a request exactly as written (no client
/// normalises `/../` away) and returns the whole answer, for tests of `report preview`'s server.
public enum LoopbackHTTPClient {
    public struct ClientError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Sends `request` to 127.0.0.1:`port` and reads until the server closes, `marker` appears, or
    /// `timeout` seconds pass without data.
    public static func exchange(
        _ port: UInt16, _ request: String, readUntil marker: String? = nil, timeout: Double = 5
    )
        throws -> String
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw ClientError(description: "no socket: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw ClientError(description: "cannot connect to 127.0.0.1:\(port)") }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var answer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            answer += chunk[0..<count]
            if let marker, String(decoding: answer, as: UTF8.self).contains(marker) { break }
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
