import Crypto
import Foundation
import Planning
import RunCache
import Synchronization

/// What a command run's cache key needs beyond the document: the content of its declared inputs
/// (every file a pattern matches, by path and SHA-256) and the output of its `environment` command.
/// Each pattern is expanded and each environment command run once per build, however many runs share
/// it. A pattern that matches nothing, and an environment command that fails, are errors before anything
/// trains.
public final class CommandFingerprinter: Sendable {
    public let projectRoot: URL
    /// False for `report check`, which runs no command: the environment is then left out.
    public let runsEnvironment: Bool
    private let memo = Mutex<[String: Result<String, CommandFingerprintError>]>([:])

    /// Seconds an environment command may take.
    public static let environmentTimeout = 120.0

    public init(projectRoot: URL, runsEnvironment: Bool = true) {
        self.projectRoot = projectRoot
        self.runsEnvironment = runsEnvironment
    }

    /// The closure `Plan.make` takes.
    public var fingerprint: Plan.Fingerprint { { [self] in self.fingerprint(of: $0) } }

    public func fingerprint(of command: CommandSpec) -> Result<CommandFingerprint, CommandFingerprintError> {
        var text = ""
        var inputs: [String: String] = [:]
        for pattern in command.inputs {
            switch remembered("input:" + pattern, { self.hashInputs(pattern) }) {
            case .success(let lines):
                text += "input \(pattern)\n\(lines)"
                for line in lines.split(separator: "\n") {
                    guard let space = line.lastIndex(of: " ") else { continue }
                    inputs[String(line[..<space])] = String(line[line.index(after: space)...])
                }
            case .failure(let error): return .failure(error)
            }
        }
        var fingerprint = CommandFingerprint(digest: Self.digest(text), inputs: inputs)
        if let environment = command.environment, runsEnvironment {
            switch remembered("environment:" + environment, { self.ask(environment) }) {
            case .success(let digest): fingerprint.environment = digest
            case .failure(let error): fingerprint.environmentProblem = error.message
            }
        }
        return .success(fingerprint)
    }

    private func remembered(
        _ key: String, _ make: () -> Result<String, CommandFingerprintError>
    ) -> Result<String, CommandFingerprintError> {
        if let known = memo.withLock({ $0[key] }) { return known }
        let made = make()
        memo.withLock { $0[key] = made }
        return made
    }

    /// `path sha256` lines of the files a pattern matches, sorted by path.
    func hashInputs(_ pattern: String) -> Result<String, CommandFingerprintError> {
        let paths: [String]
        do {
            paths = try Self.expand(pattern, in: projectRoot)
        } catch {
            return .failure(CommandFingerprintError(.inputs, "input '\(pattern)': \(error)"))
        }
        guard !paths.isEmpty else {
            let what = pattern.contains(where: { "*?[".contains($0) }) ? "matches no file" : "does not exist"
            return .failure(
                CommandFingerprintError(
                    .inputs,
                    "input '\(pattern)' \(what) (paths are relative to the project root, \(projectRoot.path))"
                ))
        }
        var lines = ""
        for path in paths {
            let url =
                path.hasPrefix("/") ? URL(fileURLWithPath: path) : projectRoot.appendingPathComponent(path)
            guard let handle = FileHandle(forReadingAtPath: url.path) else {
                return .failure(CommandFingerprintError(.inputs, "input '\(path)' cannot be read"))
            }
            defer { try? handle.close() }
            var hasher = SHA256()
            while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
            lines += "\(path) \(hasher.finalize().map { String(format: "%02x", $0) }.joined())\n"
        }
        return .success(lines)
    }

    /// The regular files a pattern names (`glob(3)`: `*`, `?`, `[…]`; a folder stands for every file under
    /// it), as written relative to the project root, sorted.
    static func expand(_ pattern: String, in root: URL) throws -> [String] {
        let absolute = pattern.hasPrefix("/") ? pattern : root.appendingPathComponent(pattern).path
        var matches = glob_t()
        defer { globfree(&matches) }
        let code = glob(absolute, 0, nil, &matches)
        guard code == 0 else { return [] }
        var found: [String] = []
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for index in 0..<Int(matches.gl_pathc) {
            guard let pointer = matches.gl_pathv[index] else { continue }
            let path = String(cString: pointer)
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                let folder = URL(fileURLWithPath: path)
                for file in try RunStore.regularFiles(under: folder) {
                    found.append(folder.appendingPathComponent(file).path)
                }
            } else if info.st_mode & S_IFMT == S_IFREG {
                found.append(path)
            }
        }
        return Array(Set(found.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }))
            .sorted()
    }

    /// Runs an environment command from the project root; its output's digest, or why it failed.
    func ask(_ environment: String) -> Result<String, CommandFingerprintError> {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "report-environment-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log")
        defer { unlink(log.path) }
        do {
            let process = try ChildProcess.start(
                command: environment, directory: projectRoot.path,
                environment: ProcessInfo.processInfo.environment, log: log.path)
            let started = Date()
            var termination: ChildProcess.Termination?
            while termination == nil {
                termination = process.poll()
                if termination == nil, Date().timeIntervalSince(started) > Self.environmentTimeout {
                    process.signalGroup(SIGKILL)
                }
                if termination == nil { usleep(20_000) }
            }
            let output = FileManager.default.contents(atPath: log.path) ?? Data()
            guard termination == .exited(0) else {
                let text = String(decoding: output.suffix(2_000), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let last = text.split(separator: "\n").suffix(3).joined(separator: "\n    ")
                // swift-format-ignore: NeverForceUnwrap
                return .failure(
                    CommandFingerprintError(
                        .environment,
                        "the environment command '\(environment)' \(termination!.description)\(last.isEmpty ? "" : ":\n    \(last)")\nnothing was trained; install what it needs (for PyTorch: python3 -m venv .venv && .venv/bin/pip install torch numpy, then put .venv/bin first in PATH)"
                    ))
            }
            return .success(Self.digest(String(decoding: output, as: UTF8.self)))
        } catch {
            return .failure(
                CommandFingerprintError(.environment, "the environment command '\(environment)': \(error)"))
        }
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
