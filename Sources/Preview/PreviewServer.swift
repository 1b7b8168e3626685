import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The HTTP server behind `report preview`: bound to 127.0.0.1 only, it serves the built page at `/`,
/// the figures the build drew at `/figures/<name>.svg`, and server-sent events at `/events` that tell
/// the page to reload after each rebuild. Every other request, `../` and absolute paths included, is
/// answered 404: only exact names from the published list are ever read from disk.
public final class PreviewServer: Sendable {
    struct Content {
        var page = Data("<!DOCTYPE html><p>building…</p>".utf8)
        var figures: [String: URL] = [:]
        var version = 0
    }

    public let port: UInt16
    private let listener: Int32
    private let content = Mutex(Content())
    private let connections = Mutex(0)
    private let stopped = Atomic<Bool>(false)
    /// Broadcast after each publish and on stop: event streams wait on it instead of polling.
    private let changed = NSCondition()
    /// At most this many connections at once (each event stream holds one).
    static let maximumConnections = 64

    /// The script added to the page as served (not to the file): reload when a rebuild is announced.
    static let reloadScript =
        "<script>new EventSource('/events').onmessage = () => location.reload();</script>"

    /// Listens on 127.0.0.1:`port` (0: any free port; `port` then says which).
    public init(port: UInt16 = 0) throws {
        #if canImport(Glibc)
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else {
            throw PreviewError("cannot create a socket: \(String(cString: strerror(errno)))")
        }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian  // 127.0.0.1 only
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic -> Bool in
                bind(socket, generic, length) == 0 && listen(socket, 16) == 0
                    && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw PreviewError("cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        self.port = UInt16(bigEndian: address.sin_port)
        listener = socket
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Replaces what is served and tells every open page to reload.
    public func publish(page: Data, figures: [URL]) {
        content.withLock { content in
            content.page = page
            content.figures = Dictionary(
                figures.map { ("/figures/" + $0.lastPathComponent, $0) }, uniquingKeysWith: { a, _ in a })
            content.version += 1
        }
        wakeEventStreams()
    }

    private func wakeEventStreams() {
        changed.lock()
        changed.broadcast()
        changed.unlock()
    }

    public func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        wakeEventStreams()
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            #if canImport(Darwin)
                var yes: Int32 = 1
                setsockopt(connection, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
            #endif
            let admitted = connections.withLock { count -> Bool in
                guard count < Self.maximumConnections else { return false }
                count += 1
                return true
            }
            guard admitted else {
                close(connection)
                continue
            }
            Thread { [self] in
                serve(connection)
                close(connection)
                connections.withLock { $0 -= 1 }
            }.start()
        }
    }

    /// The answer to one request target: what `/`, `/events` and the published figures map to.
    enum Route: Equatable {
        case page, events
        case figure(URL)
        case notFound
    }

    func route(_ target: String) -> Route {
        let path = String(target.prefix { $0 != "?" && $0 != "#" })
        switch path {
        case "/", "/index.html": return .page
        case "/events": return .events
        default: return content.withLock { $0.figures[path] }.map(Route.figure) ?? .notFound
        }
    }

    private func serve(_ connection: Int32) {
        guard let (method, target) = Self.readRequest(connection) else { return }
        guard method == "GET" || method == "HEAD" else {
            send(
                connection, status: "405 Method Not Allowed", type: "text/plain",
                body: Data("GET only\n".utf8), head: false)
            return
        }
        let head = method == "HEAD"
        switch route(target) {
        case .page:
            var page = content.withLock { $0.page }
            if let end = page.range(of: Data("</body>".utf8), options: .backwards) {
                page.replaceSubrange(end.lowerBound..<end.lowerBound, with: Data(Self.reloadScript.utf8))
            } else {
                page.append(Data(Self.reloadScript.utf8))
            }
            send(connection, status: "200 OK", type: "text/html; charset=utf-8", body: page, head: head)
        case .figure(let url):
            if let data = FileManager.default.contents(atPath: url.path) {
                send(connection, status: "200 OK", type: "image/svg+xml", body: data, head: head)
            } else {
                send(
                    connection, status: "404 Not Found", type: "text/plain", body: Data("not found\n".utf8),
                    head: head)
            }
        case .notFound:
            send(
                connection, status: "404 Not Found", type: "text/plain", body: Data("not found\n".utf8),
                head: head)
        case .events:
            streamEvents(connection)
        }
    }

    /// Holds the connection open and sends `data: reload` after each publish; a comment after 15 quiet
    /// seconds finds out when the browser has gone.
    private func streamEvents(_ connection: Int32) {
        guard
            write(
                connection,
                Data(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n: connected\n\n"
                        .utf8))
        else { return }
        var seen = content.withLock { $0.version }
        while !stopped.load(ordering: .sequentiallyConsistent) {
            // Sleeps until a publish or stop wakes it, or 15 s pass. The version is read with `changed`
            // held, so a publish between the read and the wait still wakes this stream.
            let deadline = Date().addingTimeInterval(15)
            changed.lock()
            var version = content.withLock { $0.version }
            while version == seen && !stopped.load(ordering: .sequentiallyConsistent) && Date() < deadline {
                _ = changed.wait(until: deadline)
                version = content.withLock { $0.version }
            }
            changed.unlock()
            if stopped.load(ordering: .sequentiallyConsistent) { return }
            if version != seen {
                seen = version
                guard write(connection, Data("data: reload\n\n".utf8)) else { return }
            } else {
                guard write(connection, Data(": ping\n\n".utf8)) else { return }
            }
        }
    }

    private func send(_ connection: Int32, status: String, type: String, body: Data, head: Bool) {
        let header =
            "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\n"
            + "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
        guard write(connection, Data(header.utf8)), !head else { return }
        _ = write(connection, body)
    }

    /// Writes all of `data`; false once the peer is gone.
    private func write(_ connection: Int32, _ data: Data) -> Bool {
        #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
        #else
            let flags: Int32 = 0
        #endif
        return data.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let sent = Foundation.send(connection, base + offset, buffer.count - offset, flags)
                if sent < 0 && errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    /// The method and target of a request, read up to the end of its headers (at most 16 KiB).
    static func readRequest(_ connection: Int32) -> (String, String)? {
        var request = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while request.count < 16_384 {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            request += chunk[0..<count]
            if request.count >= 4,
                String(decoding: request.suffix(count + 3), as: UTF8.self).contains("\r\n\r\n")
            {
                break
            }
        }
        let firstLine =
            String(decoding: request, as: UTF8.self).split(separator: "\r\n", maxSplits: 1).first ?? ""
        let parts = firstLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}

public struct PreviewError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
