import Foundation
import TestSupport
import XCTest

@testable import Preview

/// `report preview`'s server: 127.0.0.1 only, the page and its figures and nothing else, and an event
/// stream that announces each rebuild.
final class PreviewServerTests: XCTestCase {
    func testServesThePageAndItsFiguresAndNothingElse() throws {
        let directory = try TestPaths.temporaryDirectory("preview-test")
        defer { try? FileManager.default.removeItem(at: directory) }
        let figure = directory.appendingPathComponent("a.svg")
        try Data("<svg/>".utf8).write(to: figure)
        try Data("secret".utf8).write(to: directory.appendingPathComponent("secret.txt"))
        let server = try PreviewServer(port: 0)
        defer { server.stop() }
        server.publish(page: Data("<html><body><p>hello</p></body></html>".utf8), figures: [figure])

        let page = try LoopbackHTTPClient.exchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(page.hasPrefix("HTTP/1.1 200 OK"), page)
        XCTAssertTrue(page.contains("<p>hello</p>" + PreviewServer.reloadScript + "</body>"), page)
        let svg = try LoopbackHTTPClient.exchange(server.port, "GET /figures/a.svg HTTP/1.1\r\n\r\n")
        XCTAssertTrue(
            svg.hasPrefix("HTTP/1.1 200 OK") && svg.contains("image/svg+xml") && svg.hasSuffix("<svg/>"), svg)
        for target in [
            "/figures/../secret.txt", "/../secret.txt", "/figures/%2e%2e/secret.txt",
            directory.appendingPathComponent("secret.txt").path,
            "/secret.txt", "/figures/", "/figures/b.svg", "//etc/passwd", "/figures/a.svg/..", "*",
        ] {
            let answer = try LoopbackHTTPClient.exchange(server.port, "GET \(target) HTTP/1.1\r\n\r\n")
            XCTAssertTrue(answer.hasPrefix("HTTP/1.1 404 Not Found"), "\(target): \(answer)")
            XCTAssertFalse(answer.contains("secret"), target)
        }
        XCTAssertTrue(
            try LoopbackHTTPClient.exchange(server.port, "POST / HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 405"))
        XCTAssertEqual(
            try LoopbackHTTPClient.exchange(server.port, "nonsense\r\n\r\n"), "",
            "not HTTP: closed without an answer")
    }

    func testTheEventStreamAnnouncesEachPublish() throws {
        let server = try PreviewServer(port: 0)
        defer { server.stop() }
        let received = expectation(description: "reload event")
        let port = server.port
        Thread {
            let answer =
                (try? LoopbackHTTPClient.exchange(
                    port, "GET /events HTTP/1.1\r\n\r\n", readUntil: "data: reload")) ?? ""
            if answer.contains("text/event-stream") && answer.contains("data: reload") { received.fulfill() }
        }.start()
        usleep(500_000)
        server.publish(page: Data("<html><body>2</body></html>".utf8), figures: [])
        wait(for: [received], timeout: 5)
    }
}
