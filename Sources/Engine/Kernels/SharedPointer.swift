/// A pointer that the threads of one `Parallel.split` use at once: the pattern of SE-0302's
/// `UnsafeTransfer`, one small named escape from Swift's data-race checking.
///
/// Invariant, promised by every kernel that makes one: while the split runs, each thread writes only
/// the disjoint share of the pointee that `Parallel.split` gave it (or scratch memory indexed by its
/// own thread number), and reads only memory that no thread of the same split writes.
struct SharedPointer<Pointee>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Pointee>

    init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
}
