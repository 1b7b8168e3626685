/// The check every reader makes of its labels: class indices are at least 0 and, when the number of
/// classes is known, below it.
enum LabelCheck {
    /// Throws for the first label outside `0..<classes` (or below 0 when `classes` is nil), naming the
    /// file and the sample's index in it.
    static func validate(_ labels: [Int32], classes: Int?, path: String, noun: String = "sample") throws {
        if let classes {
            if let index = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
                throw outOfRange(Int64(labels[index]), index: index, classes: classes, path: path, noun: noun)
            }
        } else if let index = labels.firstIndex(where: { $0 < 0 }) {
            throw outOfRange(Int64(labels[index]), index: index, classes: nil, path: path, noun: noun)
        }
    }

    /// The error for `value`, the label of the `index`th sample of `path`; `limit` says where `classes`
    /// comes from, when not from the declaration.
    static func outOfRange(
        _ value: Int64, index: Int, classes: Int?, path: String, noun: String = "sample", limit: String? = nil
    ) -> DatasetError {
        let range: String
        if let classes {
            range = "outside 0..<\(classes) (\(limit ?? "the \(classes) classes declared"))"
        } else if value < 0 {
            range = "but a class index is at least 0"
        } else {
            range = "more than a class index can be"
        }
        return DatasetError.corrupt(path: path, reason: "\(noun) \(index) has label \(value), \(range)")
    }
}
