import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A command run through `/bin/sh -c` in a process group of its own, so that stopping it stops every
/// process it started (a training script's data-loader workers, a forked child), with its output
/// appended to a log file and SIGINT and SIGTERM at their default actions (a build ignores them).
final class ChildProcess: Sendable {
    let pid: pid_t

    /// Process groups of commands running now: a second Ctrl-C kills them before the build exits
    /// (``killAll()``), so that no command outlives the build that started it.
    static let running = Mutex<Set<pid_t>>([])

    private init(pid: pid_t) { self.pid = pid }

    /// Starts `command` in `directory` with `environment` (the whole environment), its standard output and
    /// error appended to `log`, its standard input empty.
    static func start(command: String, directory: String, environment: [String: String], log: String) throws
        -> ChildProcess
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // `cd` first (glibc's posix_spawn cannot), then the command in a shell of its own, same pid.
        let arguments = ["/bin/sh", "-c", "cd -- \"$1\" && exec /bin/sh -c \"$2\"", "sh", directory, command]
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        // Registered before the signal that could kill the build can find it missing.
        let code = running.withLock { groups -> Int32 in
            let code = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, &envp)
            if code == 0 { groups.insert(pid) }
            return code
        }
        guard code == 0 else {
            throw CommandRunError.cannotStart(String(cString: strerror(code)))
        }
        return ChildProcess(pid: pid)
    }

    /// How the shell ended, once it has: `exited(status)` or `signalled(number)`; nil while it runs.
    func poll() -> Termination? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return result < 0 ? .exited(127) : nil }
        // The shell is gone; whatever it left in its group goes too (a forked child, a worker).
        kill(-pid, SIGKILL)
        _ = Self.running.withLock { $0.remove(pid) }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Sends `signal` to every process of the command's group.
    func signalGroup(_ signal: Int32) { kill(-pid, signal) }

    /// Kills the processes on this machine whose environment names `metrics` as their `REPORT_METRICS`:
    /// a command a build started and could not stop because the build was killed (SIGKILL, a crash).
    /// Only a build that holds the run's claim calls this, so no live build's command is among them.
    /// Returns how many it killed.
    static func killLeftovers(writingTo metrics: String) -> Int {
        let needle = Array("REPORT_METRICS=\(metrics)".utf8)
        let own = getpid()
        var killed = 0
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for name in names {
            guard let pid = pid_t(name), pid != own,
                let environ = FileManager.default.contents(atPath: "/proc/\(name)/environ")
            else { continue }
            let found = environ.split(separator: 0, omittingEmptySubsequences: true).contains {
                $0.elementsEqual(needle)
            }
            if found, kill(pid, SIGKILL) == 0 { killed += 1 }
        }
        if killed > 0 { usleep(100_000) }  // Let them go before their files are reused.
        return killed
    }

    /// Kills the groups of every command still running (a second Ctrl-C, just before the build exits).
    public static func killAll() {
        running.withLock { groups in
            for group in groups { kill(-group, SIGKILL) }
        }
    }

    enum Termination: Equatable {
        case exited(Int32)
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let status): return "exited with status \(status)"
            case .signalled(let number):
                let name = [
                    SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGSEGV: "SIGSEGV",
                    SIGABRT: "SIGABRT", SIGBUS: "SIGBUS",
                ][number]
                return "was killed by signal \(number)\(name.map { " (\($0))" } ?? "")"
            }
        }
    }
}

/// Kills the process groups of every running command; for a second Ctrl-C, right before the build exits.
public func killRunningCommands() { ChildProcess.killAll() }

enum CommandRunError: Error, CustomStringConvertible {
    case cannotStart(String)
    /// A link or special file among a run's outputs (its path in `REPORT_RUN_DIR`).
    case unsupportedOutput(String)

    var description: String {
        switch self {
        case .cannotStart(let why): return "the command could not be started: \(why)"
        case .unsupportedOutput(let path):
            return
                "$REPORT_RUN_DIR/\(path) is a link or special file; a run keeps plain files and folders only (its epochs are kept: remove it, or copy what it points to, and build again)"
        }
    }
}
