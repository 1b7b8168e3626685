import Configuration

/// The keys each directive accepts, beyond the training keys of `SettingKey.all`.
enum DirectiveKeys {
    /// Keys of an experiment block that are not training settings.
    static let experimentOnly = ["id", "base", "init", "sweep", "cases", "seeds", "label", "echo"]
    public static var experiment: [String] { experimentOnly + SettingKey.names }
    public static var defaults: [String] { SettingKey.names + ["init", "seeds"] }
    /// Keys of an experiment that runs a command (`run:`), beside its free-form settings.
    static let command = ["run", "inputs", "environment", "timeout", "slurm"]
    /// Keys a layer of settings never hands to a command as settings.
    static let notSettings = Set(experimentOnly + command)
    /// Structural keys a layer does not read as settings.
    static let structural: Set<String> = ["id", "base", "sweep", "cases", "label", "echo"]
    public static let figure = [
        "id", "runs", "metrics", "x", "title", "caption", "labels", "smoothing", "log_y", "type", "metric",
        "baseline", "reference", "y", "focus", "epoch0", "split", "direct_labels", "band", "seeds",
    ]
    public static let table = ["runs", "columns", "caption", "seeds"]

    /// The id syntax: letters, digits, `-` and `_`; `report` is reserved for totals.
    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id != ReportTotals.id
            && id.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_"
            }
    }
}
