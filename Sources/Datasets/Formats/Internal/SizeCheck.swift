/// Sizes computed from what a file's header promises, multiplied with overflow checks, and the check of
/// a split's decoded size against `ReadRequest.maxBytes`: both before anything is allocated.
enum SizeCheck {
    /// The product of `factors`, or nil when it overflows.
    static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            guard factor >= 0 else { return nil }
            let (product, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            result = product
        }
        return result
    }

    /// The sum of `terms`, or nil when one is nil or the sum overflows.
    static func sum(_ terms: Int?...) -> Int? {
        var result = 0
        for term in terms {
            guard let term else { return nil }
            let (sum, overflow) = result.addingReportingOverflow(term)
            guard !overflow else { return nil }
            result = sum
        }
        return result
    }

    /// Throws when `bytes` (nil: more than an `Int` holds) is more than `limit`; `what` names what takes them,
    /// e.g. "50000 images of 3×32×32 bytes and their labels".
    static func requireWithinLimit(_ bytes: Int?, limit: Int, path: String, what: String) throws {
        if let bytes, bytes <= limit { return }
        let size = bytes.map { "\($0) bytes (\(human($0)))" } ?? "more bytes than this machine can address"
        throw DatasetError.corrupt(
            path: path,
            reason:
                "read into memory, \(what) would take \(size), more than the limit of \(limit) bytes "
                + "(\(human(limit))) for one split: use a smaller subset of the data, or raise the limit")
    }

    /// `1.5 GiB`, `12.0 MiB`, `300 bytes`.
    static func human(_ bytes: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        guard value >= 1024 else { return "\(bytes) bytes" }
        var unit = -1
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = (value * 10).rounded()
        return "\(Int(tenths) / 10).\(Int(tenths) % 10) \(units[unit])"
    }
}
