import Foundation

/// A CSV table (`source.files[0]`): a row per sample of numeric feature cells and a label cell, with an
/// optional header row (a first row whose feature cells are not all numbers). The label column is
/// `source.labelColumn` (a header name, or a 0-based index in digits), else a column named `label`, else
/// the last. Labels that are all integers are class indices; any other labels are class names, mapped
/// through `request.classNames` or, without them, the sorted distinct names.
enum CSVFormat {
    static func read(_ request: ReadRequest) throws -> LabelledData {
        let url = try DatasetReader.firstFile(request)
        let path = url.path
        var rows = DataRows(scanner: try CSVScanner(url: url, maxRowBytes: request.maxBytes), path: path)
        guard let first = try rows.next() else {
            throw DatasetError.corrupt(
                path: path, reason: "the file is empty: a CSV split needs a row per sample")
        }
        let labelIndex = try labelColumn(first, request.source.labelColumn, path: path)
        let width = first.count
        guard width >= 2 else {
            throw DatasetError.corrupt(
                path: first.location(path, cell: 0),
                reason: "the table has one column; it needs features and a label")
        }
        // A label column named in the declaration needs a header; otherwise a first row whose features are
        // all numbers is data.
        let featureCells = (0..<width).filter { $0 != labelIndex }
        let labelNamed = request.source.labelColumn.map { !isIndex($0) } ?? false
        let firstIsData = !labelNamed && featureCells.allSatisfy { Float(first.cell($0)) != nil }
        let header = firstIsData ? nil : (0..<width).map(first.cell)

        var table = CSVTable(
            width: width, labelIndex: labelIndex, header: header, path: path, limit: request.maxBytes)
        if header == nil { try table.add(first) }
        while let row = try rows.next() { try table.add(row) }
        guard table.count > 0 else {
            throw DatasetError.corrupt(path: path, reason: "the file has a header row but no rows of data")
        }
        let (labels, classNames) = try table.classLabels(
            classNames: request.classNames, classes: request.classes)
        let set = ImageSet(
            pixels: .floats(table.features), labels: labels, count: table.count,
            shape: SampleShape(features: width - 1))
        var data = LabelledData(set: set, classNames: classNames)
        data.featureNames = header.map { names in featureCells.map { names[$0] } }
        return data
    }

    private static func isIndex(_ column: String) -> Bool {
        !column.isEmpty && column.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }

    /// The label column's index, from the declaration and the first row.
    private static func labelColumn(_ first: CSVRow, _ declared: String?, path: String) throws -> Int {
        let names = (0..<first.count).map(first.cell)
        guard let declared else { return names.firstIndex(of: "label") ?? first.count - 1 }
        if isIndex(declared) {
            guard let index = Int(declared), index < first.count else {
                throw DatasetError.corrupt(
                    path: first.location(path, cell: 0),
                    reason:
                        "label column \(declared) is past the table's last column (it has \(first.count), from 0)"
                )
            }
            return index
        }
        guard let index = names.firstIndex(of: declared) else {
            throw DatasetError.corrupt(
                path: first.location(path, cell: 0),
                reason:
                    "no column is named '\(declared)' (the label column); the first row's cells are "
                    + names.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
                    + (names.count > 20 ? ", …" : ""))
        }
        return index
    }
}

/// The rows that are not blank lines; a blank line is allowed only at the end of the file.
private struct DataRows {
    var scanner: CSVScanner
    let path: String

    mutating func next() throws -> CSVRow? {
        var blank: CSVRow?
        while let row = try scanner.nextRow() {
            if row.isBlank {
                blank = blank ?? row
                continue
            }
            if let blank {
                throw DatasetError.corrupt(
                    path: blank.location(path, cell: 0),
                    reason: "a blank line before a row (only blank lines at the end of the file are ignored)")
            }
            return row
        }
        return nil
    }
}
