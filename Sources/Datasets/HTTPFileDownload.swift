import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Downloads one URL into one file with URLSession, blocking the caller, reporting bytes as
/// they arrive. Fails on any HTTP status but 200, on a transport error, and when the
/// connection closes before the announced length arrived.
final class HTTPFileDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// Why a download failed, in words for a person.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let destination: FileHandle
    private let onBytes: (Int64, Int64?) -> Void
    private let finished = DispatchSemaphore(value: 0)
    // Touched only on the session's serial delegate queue until `finished` is signalled.
    private var failure: Failure?
    private var received: Int64 = 0
    private var expected: Int64?

    private init(destination: FileHandle, onBytes: @escaping (Int64, Int64?) -> Void) {
        self.destination = destination
        self.onBytes = onBytes
    }

    /// Downloads `url` into a new file at `destination` (which must not exist).
    /// - Parameters:
    ///   - url: what to download.
    ///   - destination: the new file.
    ///   - idleTimeout: seconds without any data before giving up.
    ///   - onBytes: called with bytes received so far and the announced total, if any.
    /// - Throws: a failure naming what went wrong (the file cannot be created, the server answers an
    ///   error, the connection stays idle too long).
    static func download(
        from url: URL, to destination: URL, idleTimeout: TimeInterval,
        onBytes: @escaping (Int64, Int64?) -> Void
    ) throws {
        guard FileManager.default.createFile(atPath: destination.path, contents: nil) else {
            throw Failure(description: "cannot create \(destination.path) (is the directory writable?)")
        }
        let handle = try FileHandle(forWritingTo: destination)
        defer { try? handle.close() }

        let download = HTTPFileDownload(destination: handle, onBytes: onBytes)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: queue)
        session.dataTask(with: url).resume()
        download.finished.wait()
        session.finishTasksAndInvalidate()
        if let failure = download.failure { throw failure }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        if let http = response as? HTTPURLResponse, http.statusCode != 200 {
            let reason = HTTPURLResponse.localizedString(forStatusCode: http.statusCode)
            failure = Failure(description: "the server answered HTTP \(http.statusCode) (\(reason))")
            completionHandler(.cancel)
            return
        }
        expected = response.expectedContentLength > 0 ? response.expectedContentLength : nil
        onBytes(0, expected)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard failure == nil else { return }
        do {
            try destination.write(contentsOf: data)
        } catch {
            failure = Failure(description: "cannot write the download: \(error.localizedDescription)")
            dataTask.cancel()
            return
        }
        received += Int64(data.count)
        onBytes(received, expected)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if failure == nil, let error {
            let when = received > 0 ? " after \(received) bytes" : ""
            failure = Failure(description: "the download failed\(when): \(error.localizedDescription)")
        }
        if failure == nil, let expected, received != expected {
            failure = Failure(description: "the connection closed after \(received) of \(expected) bytes")
        }
        finished.signal()
    }
}
