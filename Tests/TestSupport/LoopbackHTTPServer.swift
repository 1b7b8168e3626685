import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny HTTP/1.1 file server on 127.0.0.1 and an ephemeral port, for tests that exercise
/// the real download code without a network. It serves `GET /<path>` from a root directory,
/// one thread per connection, and can inject faults for paths with a given prefix.
public final class LoopbackHTTPServer: @unchecked Sendable {
    /// A fault served instead of the file.
    public enum Fault: Sendable {
        /// Answer 404 Not Found.
        case notFound
        /// Serve only the first `bytes` bytes, announced as the whole file.
        case truncate(bytes: Int)
        /// Announce the whole file, send `bytes` bytes, then close the connection.
        case closeMidBody(afterBytes: Int)
    }

    public let root: URL
    public private(set) var port: UInt16 = 0
    private let faults: [(pathPrefix: String, fault: Fault)]
    private var listener: Int32 = -1
    private let lock = NSLock()
    private var requested: [String] = []

    /// Starts serving `root`. Faults apply to request paths starting with `pathPrefix`
    /// (e.g. `/broken/`); the first matching fault wins.
    public init(root: URL, faults: [(pathPrefix: String, fault: Fault)] = []) throws {
        self.root = root
        self.faults = faults
        try start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:<port>/` followed by `path`.
    public func url(_ path: String = "") -> URL {
        // A loopback address and a port number always make a valid URL.
        // swift-format-ignore: NeverForceUnwrap
        URL(string: "http://127.0.0.1:\(port)/\(path)")!
    }

    /// The paths requested so far, in order.
    public var requestedPaths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    /// Stops accepting connections.
    public func stop() {
        lock.lock()
        let socket = listener
        listener = -1
        lock.unlock()
        if socket >= 0 {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
    }

    private func start() throws {
        #if canImport(Glibc)
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw ServerError("socket() failed: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian  // 127.0.0.1 only
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic -> Bool in
                bind(socket, generic, length) == 0 && listen(socket, 16) == 0
                    && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw ServerError("cannot listen on 127.0.0.1: errno \(errno)")
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = socket
        let thread = Thread { [weak self] in self?.acceptLoop(socket) }
        thread.start()
    }

    private func acceptLoop(_ socket: Int32) {
        while true {
            let connection = accept(socket, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread { [weak self] in
                self?.serve(connection)
                close(connection)
            }.start()
        }
    }

    private func serve(_ connection: Int32) {
        guard let path = readRequestPath(connection) else { return }
        lock.lock()
        requested.append(path)
        lock.unlock()

        let fault = faults.first { path.hasPrefix($0.pathPrefix) }?.fault
        let relative = path.split(separator: "/").filter { $0 != "." && $0 != ".." }.joined(separator: "/")
        let file = root.appendingPathComponent(relative)
        var body: Data? = nil
        if case .notFound? = fault {} else { body = FileManager.default.contents(atPath: file.path) }
        guard let body else {
            send(
                connection,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found")
            return
        }
        var announced = body.count
        var sent = body.count
        switch fault {
        case .truncate(let bytes)?:
            announced = min(bytes, body.count)
            sent = announced
        case .closeMidBody(let bytes)?: sent = min(bytes, body.count)
        default: break
        }
        send(
            connection,
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: \(announced)\r\nConnection: close\r\n\r\n")
        body.prefix(sent).withUnsafeBytes { sendAll(connection, $0) }
    }

    /// Reads up to the end of the headers and returns the path of a GET request.
    private func readRequestPath(_ connection: Int32) -> String? {
        var request = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while request.count < 65536 {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            request += chunk[0..<count]
            if String(decoding: request, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        let firstLine = String(decoding: request, as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = firstLine.split(separator: " ")
        guard parts.count >= 2, parts[0] == "GET" else { return nil }
        return String(parts[1])
    }

    private func send(_ connection: Int32, _ text: String) {
        Array(text.utf8).withUnsafeBytes { sendAll(connection, $0) }
    }

    private func sendAll(_ connection: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
                let written = Glibc.send(connection, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            #else
                let written = Darwin.send(connection, base + offset, bytes.count - offset, 0)
            #endif
            if written <= 0 { return }
            offset += written
        }
    }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
