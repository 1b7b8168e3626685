import Foundation
import TestSupport
import XCTest

@testable import Pipeline

/// `report preview`'s server: 127.0.0.1 only, the page and its figures and nothing else, and an event
/// stream that announces each rebuild.
final class PreviewServerTests: XCTestCase {
    /// Sends `request` as it is (no client normalises the path) and returns the whole answer.
    static func exchange(
        _ port: UInt16, _ request: String, readUntil marker: String? = nil, timeout: Double = 5
    ) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
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
        guard connected else { throw XCTSkip("cannot connect to 127.0.0.1:\(port)") }
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

    func testServesThePageAndItsFiguresAndNothingElse() throws {
        let directory = try TestPaths.temporaryDirectory("preview-test")
        defer { try? FileManager.default.removeItem(at: directory) }
        let figure = directory.appendingPathComponent("a.svg")
        try Data("<svg/>".utf8).write(to: figure)
        try Data("secret".utf8).write(to: directory.appendingPathComponent("secret.txt"))
        let server = try PreviewServer(port: 0)
        defer { server.stop() }
        server.publish(page: Data("<html><body><p>hello</p></body></html>".utf8), figures: [figure])

        let page = try Self.exchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(page.hasPrefix("HTTP/1.1 200 OK"), page)
        XCTAssertTrue(page.contains("<p>hello</p>" + PreviewServer.reloadScript + "</body>"), page)
        let svg = try Self.exchange(server.port, "GET /figures/a.svg HTTP/1.1\r\n\r\n")
        XCTAssertTrue(
            svg.hasPrefix("HTTP/1.1 200 OK") && svg.contains("image/svg+xml") && svg.hasSuffix("<svg/>"), svg)
        for target in [
            "/figures/../secret.txt", "/../secret.txt", "/figures/%2e%2e/secret.txt",
            directory.appendingPathComponent("secret.txt").path,
            "/secret.txt", "/figures/", "/figures/b.svg", "//etc/passwd", "/figures/a.svg/..", "*",
        ] {
            let answer = try Self.exchange(server.port, "GET \(target) HTTP/1.1\r\n\r\n")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 404 Not Found"), "\(target): \(answer)")
            XCTAssertFalse(answer.contains("secret"), target)
        }
        XCTAssertTrue(try Self.exchange(server.port, "POST / HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 405"))
        XCTAssertEqual(
            try Self.exchange(server.port, "nonsense\r\n\r\n"), "", "not HTTP: closed without an answer")
    }

    func testTheEventStreamAnnouncesEachPublish() throws {
        let server = try PreviewServer(port: 0)
        defer { server.stop() }
        let received = expectation(description: "reload event")
        let port = server.port
        Thread {
            let answer =
                (try? Self.exchange(port, "GET /events HTTP/1.1\r\n\r\n", readUntil: "data: reload")) ?? ""
            if answer.contains("text/event-stream") && answer.contains("data: reload") { received.fulfill() }
        }.start()
        usleep(500_000)
        server.publish(page: Data("<html><body>2</body></html>".utf8), figures: [])
        wait(for: [received], timeout: 5)
    }
}
