import Datasets
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Draws download progress on standard error: a live bar redrawn in place on a terminal,
/// and one plain line per file event otherwise (CI logs stay readable).
public final class DownloadProgressPrinter: Sendable {
    private let isTerminal: Bool
    private let write: @Sendable (String) -> Void
    /// When the bar was last drawn, and whether the cursor sits at the end of an unfinished bar line.
    private let state = Mutex((lastDraw: Date.distantPast, lineIsOpen: false))

    /// - Parameters:
    ///   - isTerminal: whether to draw a live bar; defaults to whether stderr is a terminal.
    ///   - write: where text goes; defaults to standard error.
    public init(
        isTerminal: Bool = isatty(STDERR_FILENO) != 0,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.isTerminal = isTerminal
        self.write = write
    }

    /// Pass this to `DataLocator`'s `progress:` parameters.
    public func callAsFunction(_ progress: DownloadProgress) {
        state.withLock { state in
            func closeLine() {
                if state.lineIsOpen { write("\r\u{1B}[K") }
                state.lineIsOpen = false
            }
            switch progress.phase {
            case .started:
                if !isTerminal { write("fetching \(progress.url.absoluteString)\n") }
            case .receiving:
                guard isTerminal, Date().timeIntervalSince(state.lastDraw) >= 0.1 || progress.fraction == 1
                else { return }
                state.lastDraw = Date()
                write("\r\u{1B}[K" + Self.bar(progress))
                state.lineIsOpen = true
            case .verifying:
                if isTerminal { write("\r\u{1B}[K" + Self.bar(progress) + " verifying") }
                state.lineIsOpen = isTerminal
            case .finished:
                closeLine()
                write("\(progress.file): verified\n")
            case .failed(let reason):
                closeLine()
                write("\(progress.url.absoluteString): \(reason)\n")
            }
        }
    }

    /// `train-images-idx3-ubyte.gz [#########-----------]  45%  4.4/9.9 MB`
    static func bar(_ progress: DownloadProgress, width: Int = 24) -> String {
        guard let fraction = progress.fraction, let expected = progress.expectedBytes else {
            return "\(progress.file) \(size(progress.receivedBytes))"
        }
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(format: "%3d%%", Int((fraction * 100).rounded(.down)))
        return
            "\(progress.file) [\(bar)] \(percent)  \(size(progress.receivedBytes, unitOf: expected))/\(size(expected))"
    }

    /// Bytes in kB below a megabyte, else MB, with one decimal.
    static func size(_ bytes: Int64, unitOf reference: Int64? = nil) -> String {
        let (divisor, unit) = (reference ?? bytes) < 1_000_000 ? (1_000.0, "kB") : (1_000_000.0, "MB")
        let number = String(format: "%.1f", Double(bytes) / divisor)
        return reference == nil ? "\(number) \(unit)" : number
    }
}
