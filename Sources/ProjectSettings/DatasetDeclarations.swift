import Datasets
import Document
import Foundation
import Suggestions
@preconcurrency import Yams

/// The `datasets:` section of report.yaml: each entry declares a dataset by name.
///
/// ```yaml
/// datasets:
///   digits:
///     format: csv
///     train: data/digits/train.csv
///     test_fraction: 0.2
///     sha256: 3f1c…
///   cifar10:
///     format: cifar10
///     train: [data/cifar-10-batches-bin/data_batch_1.bin, data/cifar-10-batches-bin/data_batch_2.bin]
///     test: data/cifar-10-batches-bin/test_batch.bin
/// ```
enum DatasetDeclarations {
    static let keys = [
        "format", "train", "test", "test_fraction", "classes", "class_names", "label_column", "layout",
        "sha256",
    ]

    /// Parses the section; every problem is a positioned error in `diagnostics`.
    static func parse(
        _ node: Node, root: URL, file: String, diagnostics: inout DiagnosticList,
        location: (Node) -> SourceLocation, length: (Node) -> Int
    ) -> [DatasetDeclaration] {
        guard let entries = node.mapping else {
            diagnostics.error(
                "'datasets' must map a dataset name to its declaration (format:, train:, test:, sha256:)",
                at: location(node))
            return []
        }
        var out: [DatasetDeclaration] = []
        for (nameNode, body) in entries {
            let name = nameNode.scalar?.string ?? ""
            guard DatasetID.isValidDeclaredName(name) else {
                let reason =
                    DatasetName(userInput: name) != nil
                    ? "is a built-in dataset's name"
                    : "must start with a letter and hold only letters, digits, _ and -"
                diagnostics.error(
                    "dataset name '\(name)' \(reason)", at: location(nameNode), length: length(nameNode))
                continue
            }
            let origin = "\(file):\(location(nameNode).line):\(location(nameNode).column)"
            guard let fields = body.mapping else {
                diagnostics.error(
                    "dataset '\(name)' must be a mapping (format:, train:, test: or test_fraction:, sha256:)",
                    at: location(body))
                continue
            }
            var errors = 0
            func error(_ message: String, _ at: Node) {
                errors += 1
                diagnostics.error("dataset '\(name)': \(message)", at: location(at), length: length(at))
            }
            var format: DatasetFormat?
            var train: (Node, Node)?
            var test: (Node, Node)?
            var declaration = DatasetDeclaration(
                id: DatasetID(name), format: .idx, train: SplitSource(files: []), origin: origin)
            var labelColumn: String?
            var fractionGiven = false
            for (keyNode, value) in fields {
                let key = keyNode.scalar?.string ?? ""
                switch key {
                case "format":
                    let text = value.scalar?.string ?? ""
                    format = DatasetFormat(rawValue: text)
                    if format == nil {
                        let names = DatasetFormat.allCases.map(\.rawValue)
                        error(
                            "unknown format '\(text)'\(didYouMean(text, among: names)); expected one of \(names.joined(separator: ", "))",
                            value)
                    }
                case "train": train = (keyNode, value)
                case "test": test = (keyNode, value)
                case "test_fraction":
                    fractionGiven = true
                    if let v = value.float, v > 0, v < 1 {
                        declaration.testFraction = v
                    } else {
                        error("'test_fraction' must be a number between 0 and 1 (exclusive), e.g. 0.2", value)
                    }
                case "classes":
                    if let v = value.int, (2...100_000).contains(v) {
                        declaration.classes = v
                    } else {
                        error("'classes' must be a whole number from 2 to 100000", value)
                    }
                case "class_names":
                    let names = value.sequence?.compactMap { $0.scalar?.string } ?? []
                    if names.count >= 2, names.count == value.sequence?.count, Set(names).count == names.count
                    {
                        declaration.classNames = names
                    } else {
                        error("'class_names' must be a list of at least two distinct names", value)
                    }
                case "label_column":
                    if let text = value.scalar?.string, !text.isEmpty {
                        labelColumn = text
                    } else {
                        error("'label_column' must be a column name or a 0-based column number", value)
                    }
                case "layout":
                    let text = value.scalar?.string ?? ""
                    if let layout = ChannelLayout(rawValue: text) {
                        declaration.layout = layout
                    } else {
                        error("'layout' must be nchw or nhwc", value)
                    }
                case "sha256":
                    let text = value.scalar?.string ?? ""
                    if text.count == 64, text.allSatisfy(\.isHexDigit) {
                        declaration.sha256 = text.lowercased()
                    } else {
                        error("'sha256' must be 64 hexadecimal digits", value)
                    }
                default:
                    error(
                        "unknown key '\(key)'\(didYouMean(key, among: keys)); a dataset has \(keys.joined(separator: ", "))",
                        keyNode)
                }
            }
            guard let format else {
                if fields["format"] == nil {
                    error(
                        "no 'format:' (one of \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")))",
                        nameNode)
                }
                continue
            }
            declaration.format = format
            guard let train else {
                error("no 'train:' (the training files)", nameNode)
                continue
            }
            func source(_ pair: (Node, Node), role: String) -> SplitSource? {
                let (keyNode, node) = pair
                func url(_ n: Node) -> URL? {
                    guard let text = n.scalar?.string, !text.isEmpty, !text.contains("\0"),
                        !text.contains("\n")
                    else {
                        error("'\(role)' must name files (paths relative to the project)", n)
                        return nil
                    }
                    return Project.absolute(text, from: root)
                }
                var s = SplitSource(files: [], labelColumn: labelColumn)
                if node.scalar != nil {
                    s.files = url(node).map { [$0] } ?? []
                } else if let items = node.sequence, !items.isEmpty {
                    s.files = items.compactMap(url)
                    if s.files.count != items.count { return nil }
                } else if let map = node.mapping {
                    let arrayNames = format == .npz
                    for (k, v) in map {
                        switch (k.scalar?.string ?? "", arrayNames) {
                        case ("images", false): s.files = url(v).map { [$0] } ?? []
                        case ("labels", false): s.labels = url(v)
                        case ("file", true): s.files = url(v).map { [$0] } ?? []
                        case ("images", true): s.imagesArray = v.scalar?.string
                        case ("labels", true): s.labelsArray = v.scalar?.string
                        default:
                            error(
                                arrayNames
                                    ? "'\(role)' of an npz dataset takes file:, images: and labels: (the array names)"
                                    : "'\(role)' takes images: and labels: (file paths)", k)
                        }
                    }
                } else {
                    error("'\(role)' must be a path, a list of paths or {images:, labels:}", node)
                    return nil
                }
                guard !s.files.isEmpty else {
                    error("'\(role)' names no \(format == .npz ? "file:" : "images:")", keyNode)
                    return nil
                }
                if [.idx, .npy].contains(format), s.labels == nil {
                    error("'\(role)' of format \(format.rawValue) needs {images: FILE, labels: FILE}", node)
                    return nil
                }
                return s
            }
            guard let trainSource = source(train, role: "train") else { continue }
            declaration.train = trainSource
            if let test {
                guard let testSource = source(test, role: "test") else { continue }
                declaration.test = testSource
                if declaration.testFraction != nil {
                    error("give either 'test:' or 'test_fraction:', not both", test.0)
                }
            } else if !fractionGiven {
                error(
                    "no test split: give 'test:' files or 'test_fraction:' (e.g. 0.2) of the training data",
                    nameNode)
            }
            if errors == 0 { out.append(declaration) }
        }
        return out
    }
}
