import Foundation

/// The training engine's release build targets Haswell's instruction set on x86-64 (`Package.swift`):
/// AVX2 and FMA, and the bit-manipulation and other extensions that came with them, which the compiler
/// also uses in ordinary integer code. On a processor without them (older x86 processors, and low-end
/// ones for some years after; virtual machines that hide some flags) the engine's first such
/// instruction would kill the process with SIGILL and no word of why; this check says so first, and how
/// to get a build that runs there. (`swift test` gets no such check: it dies of SIGILL.)
enum ProcessorCheck {
    /// What `-target-cpu haswell` lets the compiler use, as /proc/cpuinfo names it (`abm` is LZCNT).
    static let required = ["sse4_2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2", "abm", "movbe", "f16c"]

    /// The instruction-set extensions that the engine needs and /proc/cpuinfo's `flags` line lacks;
    /// empty where they are all present or the check does not apply.
    static func missingExtensions(cpuinfo: String) -> [String] {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        return required.filter { !flags.contains($0) }
    }

    /// Exits with status 2 and a message when this is a release build for x86-64 Linux on a processor
    /// without them.
    static func requireEngineExtensions() {
        #if arch(x86_64) && os(Linux) && !DEBUG
            guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return }
            let missing = missingExtensions(cpuinfo: cpuinfo)
            guard !missing.isEmpty else { return }
            let message = """
                error: this processor lacks \(missing.joined(separator: ", ")), which this build of \
                report's training engine uses (the instruction set of Intel's Haswell, 2013)
                  Build for this machine with 'swift build' (a debug build, slower), or set \
                engineProcessor to [] in Package.swift and rebuild with 'swift build -c release'.

                """
            FileHandle.standardError.write(Data(message.utf8))
            exit(Report.Status.usageOrEnvironmentError)
        #endif
    }
}
