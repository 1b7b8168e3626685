import CDNNL

/// The engine's only door to a GEMM: oneDNN's `dnnl_sgemm` (libdnnl), row-major single precision,
/// `C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C`, leading dimensions defaulting to packed rows.
///
/// oneDNN picks its kernel by the processor's instruction set at run time (AVX-512 where there is one);
/// it replaced OpenBLAS, whose Debian build this machine pins to AVX2 kernels and which ran these shapes
/// at half the speed (README, "Measured"). Every call runs on the calling thread alone: the layers split
/// work across their own threads in fixed chunks, so results never depend on a thread count.
enum BLAS {
    static func sgemm(
        _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
    ) {
        // A thread that is not in an OpenMP team gets the process default (one per core) unless told.
        omp_set_num_threads(1)
        let status = dnnl_sgemm(
            transposeA ? 0x54 : 0x4E, transposeB ? 0x54 : 0x4E,  // "T" or "N"
            dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k), alpha, a, dnnl_dim_t(lda ?? (transposeA ? m : k)),
            b, dnnl_dim_t(ldb ?? (transposeB ? k : n)), beta, c, dnnl_dim_t(ldc ?? n))
        precondition(status == dnnl_success, "dnnl_sgemm rejected a \(m)×\(k) · \(k)×\(n) product")
    }
}
