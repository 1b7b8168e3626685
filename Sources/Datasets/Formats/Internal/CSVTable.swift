/// A CSV file's samples as they are read: features as floats, and labels as the distinct label cells
/// they are (few, however many rows), resolved to class indices at the end.
struct CSVTable {
    let width: Int
    let labelIndex: Int
    /// The header row's cells, when the file has one.
    let header: [String]?
    let path: String
    /// `ReadRequest.maxBytes`.
    let limit: Int

    private(set) var features: [Float] = []
    private(set) var count = 0
    /// Per sample, the index of its label in `distinct`.
    private var labelIDs: [Int32] = []
    private var distinct: [String] = []
    private var ids: [String: Int32] = [:]
    /// Where each distinct label first appears, and in which sample.
    private var firstSeen: [(location: String, sample: Int)] = []

    init(width: Int, labelIndex: Int, header: [String]?, path: String, limit: Int) {
        self.width = width
        self.labelIndex = labelIndex
        self.header = header
        self.path = path
        self.limit = limit
    }

    mutating func add(_ row: CSVRow) throws {
        guard row.count == width else {
            throw DatasetError.corrupt(
                path: row.location(path, cell: min(row.count, width)),
                reason:
                    "a row of \(row.count) cells, but the \(header == nil ? "first row" : "header") has \(width)"
            )
        }
        try SizeCheck.requireWithinLimit(
            SizeCheck.product([count + 1, width, 4]), limit: limit, path: path,
            what: "\(count + 1) rows of \(width - 1) features and a label")
        for index in 0..<width where index != labelIndex {
            let text = row.cell(index)
            guard let value = Float(text), value.isFinite else {
                let column = header.map { " (column '\($0[index])')" } ?? ""
                let problem =
                    text.isEmpty
                    ? "an empty cell where a number should be"
                    : Float(text) == nil
                        ? "'\(text)' is not a number" : "'\(text)' is not a finite float32 number"
                throw DatasetError.corrupt(path: row.location(path, cell: index), reason: problem + column)
            }
            features.append(value)
        }
        let label = row.cell(labelIndex)
        guard !label.isEmpty else {
            throw DatasetError.corrupt(
                path: row.location(path, cell: labelIndex), reason: "an empty label cell")
        }
        if let id = ids[label] {
            labelIDs.append(id)
        } else {
            let id = Int32(distinct.count)
            ids[label] = id
            distinct.append(label)
            firstSeen.append((row.location(path, cell: labelIndex), count))
            labelIDs.append(id)
        }
        count += 1
    }

    /// Every sample's class index, and the class names when the labels are names: integers are indices
    /// themselves; names index `classNames`, or the sorted distinct names when that is nil.
    func classLabels(classNames: [String]?, classes: Int?) throws -> (labels: [Int32], classNames: [String]?)
    {
        let integers = distinct.map { Int($0) }
        var index: [Int32]
        var names: [String]?
        if integers.allSatisfy({ $0 != nil }) {
            index = integers.map { Int32(clamping: $0 ?? 0) }
            for (id, value) in integers.enumerated() {
                let value = value ?? 0
                let bound = min(classes ?? Int(Int32.max) + 1, Int(Int32.max) + 1)
                guard value >= 0, value < bound else {
                    let range =
                        classes.map { "outside 0..<\($0) (the \($0) classes declared)" }
                        ?? (value < 0 ? "but a class index is at least 0" : "more than a class index can be")
                    throw DatasetError.corrupt(
                        path: firstSeen[id].location,
                        reason: "sample \(firstSeen[id].sample) has label \(value), \(range)")
                }
            }
        } else {
            let known = classNames ?? distinct.sorted()
            var position: [String: Int32] = [:]
            for (i, name) in known.enumerated() where position[name] == nil { position[name] = Int32(i) }
            index = []
            for (id, name) in distinct.enumerated() {
                guard let i = position[name] else {
                    throw DatasetError.corrupt(
                        path: firstSeen[id].location,
                        reason:
                            "label '\(name)' is not one of the classes "
                            + known.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
                            + (known.count > 20 ? ", …" : ""))
                }
                if let classes, Int(i) >= classes {
                    throw DatasetError.corrupt(
                        path: firstSeen[id].location,
                        reason:
                            "label '\(name)' is class \(i) of the sorted names \(known.map { "'\($0)'" }.joined(separator: ", ")), "
                            + "outside the \(classes) classes declared")
                }
                index.append(i)
            }
            names = known
        }
        return (labelIDs.map { index[Int($0)] }, names)
    }
}
