/// Writes a table directive as a GitHub-flavoured Markdown table.
struct TableRenderer {
    let runs: [String: RunSpec]
    let records: [String: RunRecord]
    let failures: [String: String]

    func markdown(_ table: TableSpec) -> String {
        var lines = ["| " + table.columns.map { escape($0.header) }.joined(separator: " | ") + " |"]
        lines.append(
            "|"
                + table.columns.map { column in
                    let numeric =
                        !([
                            "label", "id", "optimizer", "model", "dataset", "machine", "schedule",
                            "normalize", "augment", "key",
                        ].contains(column.path.joined(separator: ".")))
                    return numeric ? " ---: " : " --- "
                }.joined(separator: "|") + "|")
        for id in table.runIDs {
            guard let run = runs[id] else { continue }
            let cells = table.columns.map { column -> String in
                guard let record = records[id] else {
                    return column.path == ["label"]
                        ? escape(run.label) : (failures[id] != nil ? "failed" : "—")
                }
                return escape(
                    ValueFormat.render(
                        RunValue.of(column.path, run: run, record: record), format: column.format))
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
