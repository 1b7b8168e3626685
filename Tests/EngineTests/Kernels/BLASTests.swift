import XCTest

@testable import Engine

/// `BLAS.sgemm` (oneDNN) against a Double triple loop, for every transpose, with alpha, beta and padded
/// leading dimensions, on shapes that are not multiples of any vector width. Float32 sums of up to 300
/// products of values in [−1, 1] stay within 1e-4 of the Double result.
final class BLASTests: XCTestCase {
    private func check(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float)
    {
        var random = Random(seed: UInt64(m * 131 + n * 17 + k))
        let lda = (transposeA ? m : k) + 3
        let ldb = (transposeB ? k : n) + 2
        let ldc = n + 5
        let a = (0..<((transposeA ? k : m) * lda)).map { _ in Float(random.uniform(-1, 1)) }
        let b = (0..<((transposeB ? n : k) * ldb)).map { _ in Float(random.uniform(-1, 1)) }
        var c = (0..<(m * ldc)).map { _ in Float(random.uniform(-1, 1)) }
        var expected = c.map(Double.init)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                expected[i * ldc + j] = Double(alpha) * sum + Double(beta) * expected[i * ldc + j]
            }
        }
        c.withUnsafeMutableBufferPointer { cp in
            BLAS.sgemm(
                cp.baseAddress!, a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                alpha: alpha, beta: beta, lda: lda, ldb: ldb, ldc: ldc)
        }
        for i in 0..<m {
            for j in 0..<n {
                XCTAssertEqual(
                    Double(c[i * ldc + j]), expected[i * ldc + j], accuracy: 1e-4,
                    "\(m)×\(n)×\(k) transposeA \(transposeA) transposeB \(transposeB) at (\(i), \(j))")
            }
            // Padding columns of C are never written.
            for j in n..<ldc where beta == 0 {
                XCTAssertEqual(Double(c[i * ldc + j]), expected[i * ldc + j])
            }
        }
    }

    func testEveryTransposeWithAlphaBetaAndLeadingDimensions() {
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            check(m: 13, n: 37, k: 29, transposeA: transposeA, transposeB: transposeB, alpha: 1, beta: 0)
            check(m: 70, n: 9, k: 300, transposeA: transposeA, transposeB: transposeB, alpha: 0.5, beta: 1)
            check(m: 1, n: 1, k: 1, transposeA: transposeA, transposeB: transposeB, alpha: 2, beta: -1)
        }
    }

    /// The same product from different threads at once gives the same bits as on one thread: each call
    /// runs alone on its caller, never in an OpenMP team that depends on the machine.
    func testConcurrentCallsGiveIdenticalBits() {
        let (m, n, k) = (64, 392, 288)
        var random = Random(seed: 7)
        let a = (0..<(m * k)).map { _ in Float(random.uniform(-1, 1)) }
        let b = (0..<(k * n)).map { _ in Float(random.uniform(-1, 1)) }
        var single = [Float](repeating: 0, count: m * n)
        single.withUnsafeMutableBufferPointer { BLAS.sgemm($0.baseAddress!, a, b, m: m, n: n, k: k) }
        let results = Buffer(count: 4 * m * n)
        let out = SharedPointer(results.pointer)
        Parallel.split(4, threads: 4) { range, _ in
            for t in range { BLAS.sgemm(out.base + t * m * n, a, b, m: m, n: n, k: k) }
        }
        for t in 0..<4 {
            for i in 0..<(m * n) where results[t * m * n + i] != single[i] {
                XCTFail("thread \(t) differs at \(i): \(results[t * m * n + i]) vs \(single[i])")
                return
            }
        }
    }
}
