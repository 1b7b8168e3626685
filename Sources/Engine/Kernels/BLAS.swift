import CBLAS

/// The engine's only door to OpenBLAS. Row-major single-precision GEMM:
/// `C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C`, leading dimensions defaulting to packed rows.
enum BLAS {
    static func sgemm(
        _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda ?? (transposeA ? m : k)),
            b, blasint(ldb ?? (transposeB ? k : n)), beta, c, blasint(ldc ?? n))
    }

    /// Threads OpenBLAS uses for every following call in this process.
    static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(count)) }
    static var threads: Int { Int(openblas_get_num_threads()) }
}
