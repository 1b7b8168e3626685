import Foundation

/// The training engine's release build targets Haswell's instruction set on x86-64 (`Package.swift`):
/// AVX2 and FMA. On an older processor its first vector instruction would kill the process with
/// SIGILL and no word of why; this check says so first, and how to get a build that runs there.
enum ProcessorCheck {
    /// The instruction-set extensions that the engine needs and /proc/cpuinfo's `flags` line lacks;
    /// empty where they are all present or the check does not apply.
    static func missingExtensions(cpuinfo: String) -> [String] {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        return ["avx2", "fma"].filter { !flags.contains($0) }
    }

    /// Exits with status 2 and a message when this is a release build for x86-64 Linux on a processor
    /// without AVX2 and FMA.
    static func requireEngineExtensions() {
        #if arch(x86_64) && os(Linux) && !DEBUG
            guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return }
            let missing = missingExtensions(cpuinfo: cpuinfo)
            guard !missing.isEmpty else { return }
            let message = """
                error: this processor lacks \(missing.joined(separator: " and ").uppercased()), which this \
                build of report's training engine uses (x86-64 processors since 2013 have them)
                  Build for this machine with 'swift build' (a debug build, slower), or remove \
                "-target-cpu", "haswell" from Package.swift and rebuild with 'swift build -c release'.

                """
            FileHandle.standardError.write(Data(message.utf8))
            exit(Report.Status.usageOrEnvironmentError)
        #endif
    }
}
