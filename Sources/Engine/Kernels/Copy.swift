/// Short copies, fills and 8-wide loads and stores, inlined as vector moves: im2col moves rows of 8–32 floats, where a
/// `memcpy` call costs more than the copy.
///
/// A row of 4 floats or more ends with one vector move that overlaps the previous one (rewriting a few
/// floats with the same values) instead of a scalar tail: im2col's rows are 7, 13, 14, 24 or 27 floats long.
@inline(__always)
func copyFloats(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ count: Int) {
    let t = UnsafeMutableRawPointer(target)
    let s = UnsafeRawPointer(source)
    if count >= 8 {
        var i = 0
        while i + 8 <= count {
            t.storeBytes(
                of: s.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), toByteOffset: i * 4,
                as: SIMD8<Float>.self)
            i += 8
        }
        if i < count {
            let last = (count - 8) * 4
            t.storeBytes(
                of: s.loadUnaligned(fromByteOffset: last, as: SIMD8<Float>.self), toByteOffset: last,
                as: SIMD8<Float>.self)
        }
    } else if count >= 4 {
        t.storeBytes(of: s.loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
        let last = (count - 4) * 4
        t.storeBytes(
            of: s.loadUnaligned(fromByteOffset: last, as: SIMD4<Float>.self), toByteOffset: last,
            as: SIMD4<Float>.self)
    } else {
        for i in 0..<max(count, 0) { target[i] = source[i] }
    }
}

@inline(__always)
func addFloats(_ target: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, _ count: Int) {
    var i = 0
    let t = UnsafeMutableRawPointer(target)
    let s = UnsafeRawPointer(source)
    while i + 8 <= count {
        let sum =
            t.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            + s.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        t.storeBytes(of: sum, toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        target[i] += source[i]
        i += 1
    }
}

@inline(__always)
func zeroFloats(_ target: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    let t = UnsafeMutableRawPointer(target)
    while i + 8 <= count {
        t.storeBytes(of: SIMD8<Float>(), toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        target[i] = 0
        i += 1
    }
}

@inline(__always)
func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
}
