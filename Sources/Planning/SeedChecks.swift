import Document

/// What an inline value asks of seeds that its run cannot give, found before anything trains:
/// a standard deviation or a `pm` format for a run without (enough) seeds.
enum SeedChecks {
    public static func problems(
        _ reference: ValueReference, unit: String, lookup: RunLookup, format: ValueFormat?,
        formatSpec: FormatSpec?, file: String
    )
        -> [Diagnostic]
    {
        let count = lookup.runIDs(ofUnit: unit).count
        let (value, statistic) = RunValue.statistic(of: reference.path)
        let what =
            lookup.isSeeded(unit)
            ? "'\(unit)' has one seed" : "'\(unit)' is one run, without seeds"
        var found: [Diagnostic] = []
        if statistic == .std && count < 2 {
            found.append(
                Diagnostic.error(
                    "\(what); a standard deviation needs at least two (give its experiment 'seeds: [1, 2, 3]')",
                    file: file, at: reference.pathLocation, length: reference.pathText.count))
        }
        if format?.style == .pm, let spec = formatSpec {
            let message: String?
            if statistic != nil {
                message =
                    "'pm' prints a mean ± its standard deviation; use it on '\(value.joined(separator: "."))', not on '.\(statistic?.rawValue ?? "")'"
            } else if !RunValue.isMeasured(value, open: lookup.isCommand(unit)) {
                message = "'pm' prints a measured value over seeds; '\(reference.pathText)' is not one"
            } else if count < 2 {
                message =
                    "\(what); 'pm' prints mean ± standard deviation over seeds (give its experiment 'seeds: [1, 2, 3]', or use \(RunValue.kind(ofMetric: value.last ?? "") == .fraction ? "percent" : "fixed")(n))"
            } else {
                message = nil
            }
            if let message {
                found.append(
                    Diagnostic.error(
                        message, file: file, at: spec.location, length: spec.name.count))
            }
        }
        return found
    }
}
