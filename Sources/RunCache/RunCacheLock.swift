import Files
import Foundation
import Synchronization

/// How processes share one run cache (`data/runs`), whether on one machine or, for a cluster, on several
/// hosts that mount it:
///
/// - `.lock`: every build holds a shared `flock` on it while it runs; `clean` takes it exclusively and
///   refuses while any build holds it, so it never removes what a build is writing.
/// - `.claims/<key>`: whoever trains a run first creates its claim (JSON: pid, host, process start time),
///   atomically (`link`, which fails when the claim exists, also over NFS), and removes it when done. A
///   run claimed by a live process is waited for and then read from the cache. A claim whose process is
///   gone is stale and taken over: on the same host that is known from the pid and its start time; a
///   claim from another host is stale once its holder stopped refreshing it (``heartbeat(_:)``) for
///   ``foreignClaimLifetime`` seconds.
/// - `.claims.lock`: an exclusive `flock` held for a moment around every claim change and every removal of
///   temporary entries, so that two processes never both take over one stale claim.
public final class RunCacheLock: Sendable {
    public let root: URL
    /// A claim from another host not refreshed for this long is stale.
    public static let foreignClaimLifetime: TimeInterval = 600
    /// How often a holder refreshes its claims.
    public static let heartbeatInterval: TimeInterval = 30

    private let descriptor: Int32
    /// Whether the lock file was closed; released once, from whichever thread asks first.
    private let released = Mutex(false)

    private init(root: URL, descriptor: Int32) {
        self.root = root
        self.descriptor = descriptor
    }

    deinit { release() }

    /// The lock of a build: shared with other builds; waits while `clean` runs.
    public static func forBuild(_ root: URL) throws -> RunCacheLock {
        let lock = try RunCacheLock(root: root, descriptor: openLockFile(root, ".lock"))
        guard flockRetrying(lock.descriptor, LOCK_SH) == 0 else {
            throw RunCacheError.busy(root.path, "cannot lock it: \(String(cString: strerror(errno)))")
        }
        return lock
    }

    /// The lock of `clean`: exclusive; refuses at once while a build holds the cache.
    public static func forClean(_ root: URL) throws -> RunCacheLock {
        let lock = try RunCacheLock(root: root, descriptor: openLockFile(root, ".lock"))
        guard flockRetrying(lock.descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw RunCacheError.busy(
                root.path,
                errno == EWOULDBLOCK
                    ? "a build is using it; clean removes nothing while a build runs, try again when it has finished"
                    : "cannot lock it: \(String(cString: strerror(errno)))")
        }
        return lock
    }

    public func release() {
        let first = released.withLock { released in
            defer { released = true }
            return !released
        }
        if first { close(descriptor) }  // also releases the flock
    }

    // MARK: Claims

    /// A run this process trains; only its holder publishes the run's entry or touches its progress.
    public struct Claim: Sendable {
        public let key: String
        let holder: ProcessIdentity
    }

    public enum ClaimResult: Sendable {
        case claimed(Claim)
        /// Trained by another live process (or one on another host not known to be gone).
        case busy(ProcessIdentity)
    }

    struct ClaimFile: Codable {
        var holder: ProcessIdentity
        var claimedAt: Double
        enum CodingKeys: String, CodingKey {
            case holder
            case claimedAt = "claimed_at"
        }
    }

    var claimsDirectory: URL { root.appendingPathComponent(".claims") }
    func claimURL(_ key: String) -> URL { claimsDirectory.appendingPathComponent(key) }

    /// Claims `key` for this process, taking over a stale claim.
    public func claim(_ key: String) throws -> ClaimResult {
        try exclusively {
            let me = ProcessIdentity.current
            try FileManager.default.createDirectory(at: claimsDirectory, withIntermediateDirectories: true)
            for _ in 0..<2 {
                let file = ClaimFile(holder: me, claimedAt: Date().timeIntervalSince1970)
                let temporary = claimsDirectory.appendingPathComponent(
                    ".\(key)\(FileWriter.temporaryTag)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
                try JSONEncoder().encode(file).write(to: temporary)
                defer { unlink(temporary.path) }
                if link(temporary.path, claimURL(key).path) == 0 {
                    return .claimed(Claim(key: key, holder: me))
                }
                guard errno == EEXIST else {
                    throw FileWriteError.io(claimURL(key).path, String(cString: strerror(errno)))
                }
                if let holder = liveHolder(key) {
                    return holder == me ? .claimed(Claim(key: key, holder: me)) : .busy(holder)
                }
                unlink(claimURL(key).path)  // stale: its process is gone
            }
            throw FileWriteError.io(claimURL(key).path, "the claim keeps changing")
        }
    }

    /// Gives a claim up (only if it is still this process's).
    public func release(_ claim: Claim) {
        try? exclusively {
            if Self.read(claimURL(claim.key))?.holder == claim.holder { unlink(claimURL(claim.key).path) }
        }
    }

    /// Tells other hosts the claim's holder is still alive.
    public func heartbeat(_ claim: Claim) {
        _ = utimes(claimURL(claim.key).path, nil)
    }

    /// Who holds a live claim on `key` in the cache at `root`, without taking any lock (for `status`).
    public static func holder(of key: String, in root: URL) -> ProcessIdentity? {
        liveHolder(of: root.appendingPathComponent(".claims").appendingPathComponent(key))
    }

    /// Who holds a live claim on `key`, or nil when there is none or it is stale.
    public func liveHolder(_ key: String) -> ProcessIdentity? { Self.liveHolder(of: claimURL(key)) }

    public static func liveHolder(of url: URL) -> ProcessIdentity? {
        // Claims are linked into place whole, so one that cannot be read was damaged: stale.
        guard let file = Self.read(url) else { return nil }
        switch file.holder.isAlive {
        case true?: return file.holder
        case false?: return nil
        case nil: return (Self.age(url) ?? .infinity) < Self.foreignClaimLifetime ? file.holder : nil
        }
    }

    /// Removes what interrupted builds left: temporary entries of runs nobody holds, writer temporaries of
    /// dead processes. Entries of runs with a live claim are another build's work in progress.
    public func removeLeftovers(_ store: RunStore) {
        try? exclusively {
            for url in store.temporaryEntries() {
                guard let key = RunStore.key(ofTemporary: url.lastPathComponent), liveHolder(key) == nil
                else { continue }
                try? FileManager.default.removeItem(at: url)
            }
            FileWriter.removeStrayTemporaries(in: store.root)
            FileWriter.removeStrayTemporaries(in: claimsDirectory)
            for key in store.progressKeys() {
                FileWriter.removeStrayTemporaries(in: store.progressDirectory(key))
            }
        }
    }

    /// Runs `body` holding `.claims.lock` exclusively.
    public func exclusively<T>(_ body: () throws -> T) throws -> T {
        let fd = try Self.openLockFile(root, ".claims.lock")
        defer { close(fd) }
        guard Self.flockRetrying(fd, LOCK_EX) == 0 else {
            throw RunCacheError.busy(
                root.path, "cannot lock .claims.lock: \(String(cString: strerror(errno)))")
        }
        return try body()
    }

    static func read(_ url: URL) -> ClaimFile? {
        FileManager.default.contents(atPath: url.path).flatMap {
            try? JSONDecoder().decode(ClaimFile.self, from: $0)
        }
    }

    static func age(_ url: URL) -> TimeInterval? {
        guard
            let date = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate]
                as? Date
        else { return nil }
        return Date().timeIntervalSince(date)
    }

    static func openLockFile(_ root: URL, _ name: String) throws -> Int32 {
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw FileWriteError.io(root.path, FileWriter.reason(error))
        }
        let path = root.appendingPathComponent(name).path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError.io(path, String(cString: strerror(errno))) }
        return fd
    }

    static func flockRetrying(_ fd: Int32, _ operation: Int32) -> Int32 {
        while true {
            let result = flock(fd, operation)
            if result == 0 || errno != EINTR { return result }
        }
    }
}
