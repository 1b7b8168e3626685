/// A fixed-size, 64-byte-aligned block of floats owned by one layer and reused across batches.
public final class Buffer {
    public let count: Int
    public let pointer: UnsafeMutablePointer<Float>

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    public subscript(index: Int) -> Float {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    public func copy(from values: [Float]) {
        precondition(values.count == count, "copying \(values.count) values into a buffer of \(count)")
        // Force unwrap: these buffers are never empty, so their base address is never nil.
        // swift-format-ignore: NeverForceUnwrap
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }
}

/// A buffer that grows on demand: layers keep one per output so a new batch size reallocates once.
struct Workspace {
    private(set) var buffer: Buffer?

    mutating func get(_ count: Int) -> Buffer {
        if let buffer, buffer.count == count { return buffer }
        let fresh = Buffer(count: count)
        buffer = fresh
        return fresh
    }
}
