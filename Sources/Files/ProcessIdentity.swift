import Foundation

/// Who holds something on disk: a process id, the host it runs on, and the process's start time (so that
/// a reused process id is not mistaken for the original holder).
public struct ProcessIdentity: Codable, Equatable, Sendable {
    public var pid: Int32
    public var host: String
    /// The process's start time as the kernel counts it (`/proc/<pid>/stat` field 22); nil where unknown.
    public var started: UInt64?

    enum CodingKeys: String, CodingKey {
        case pid, host
        case started = "process_start"
    }

    public init(pid: Int32, host: String, started: UInt64?) {
        self.pid = pid
        self.host = host
        self.started = started
    }

    /// This process.
    public static var current: ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, host: hostName, started: startTime(of: pid))
    }

    public static var hostName: String { ProcessInfo.processInfo.hostName }

    /// Whether the process is alive; nil when it runs on another host, where this cannot be known.
    public var isAlive: Bool? {
        guard host == Self.hostName else { return nil }
        guard Self.isAlive(pid: pid) else { return false }
        if let started, let now = Self.startTime(of: pid), now != started { return false }
        return true
    }

    public var description: String { "process \(pid) on \(host)" }

    public static func isAlive(pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    public static func startTime(of pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may contain spaces): state is field 3, starttime field 22.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
