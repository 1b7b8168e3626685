import Crypto
import Files
import Foundation
import Suggestions

/// The datasets an experiment can name: the built-in ones and those the project declares. A declared
/// dataset is checked against its SHA-256 before anything else (a missing or wrong hash is an error that
/// prints the right one), read once to learn its shape, classes and per-channel statistics (cached in
/// `data/.datasets.json`, keyed by its content), and read again whenever a build trains on it.
public struct DatasetCatalog: Sendable {
    public let declarations: [DatasetID: DatasetDeclaration]
    let verification: VerificationCache
    let descriptionsFile: URL?

    /// - Parameters:
    ///   - declarations: the project's declared datasets.
    ///   - cacheDirectory: where `.verified.json` and `.datasets.json` live (the project's `data/`);
    ///     nil caches nothing.
    public init(declarations: [DatasetDeclaration], cacheDirectory: URL?) {
        var byID: [DatasetID: DatasetDeclaration] = [:]
        for d in declarations { byID[d.id] = d }
        self.declarations = byID
        verification = VerificationCache(file: cacheDirectory?.appendingPathComponent(".verified.json"))
        descriptionsFile = cacheDirectory?.appendingPathComponent(".datasets.json")
    }

    /// A catalogue of the built-in datasets only.
    public static let builtinOnly = DatasetCatalog(declarations: [], cacheDirectory: nil)

    /// Every name an experiment may use: built-in first, then declared, sorted.
    public var names: [String] {
        DatasetName.allCases.map(\.rawValue) + declarations.keys.sorted().map(\.rawValue)
    }

    // MARK: content

    /// The files a declaration names, each with the name it has in the manifest: `train/<file>`,
    /// `train-labels/<file>`, `train/<class>/<file>` for a PNG folder, and the same under `test`.
    public func files(of d: DatasetDeclaration) throws -> [(name: String, url: URL)] {
        var out: [(String, URL)] = []
        for (role, source) in [("train", d.train), ("test", d.test)] {
            guard let source else { continue }
            for file in source.files {
                if d.format == .png {
                    out += try Self.pngFiles(in: file).map { ("\(role)/\($0.relative)", $0.url) }
                } else {
                    try Self.requireFile(file)
                    out.append(("\(role)/\(file.lastPathComponent)", file))
                }
            }
            if let labels = source.labels {
                try Self.requireFile(labels)
                out.append(("\(role)-labels/\(labels.lastPathComponent)", labels))
            }
        }
        return out
    }

    /// Hex SHA-256 of `"<sha256>  <name>\n"` for each file of `files(of:)` (the `sha256sum` format), with
    /// each file's hash taken from the verification cache when the file is unchanged.
    public func manifestHash(of d: DatasetDeclaration) throws -> String {
        var entries: [(name: String, sha256: String)] = []
        var fresh: [(FileIdentity, ContentDigest)] = []
        let known = verification.snapshot()
        for (name, url) in try files(of: d) {
            guard let identity = FileIdentity(of: url) else { throw DatasetError.missing(path: url.path) }
            if let entry = known[identity.path], entry.identity == identity {
                entries.append((name, entry.digest.sha256))
                continue
            }
            let digest = try ContentHasher.digest(of: url)
            if let problem = digest.problem { throw DatasetError.corrupt(path: url.path, reason: problem) }
            fresh.append((identity, digest))
            entries.append((name, digest.sha256))
        }
        verification.record(fresh)
        return DatasetInfo.manifestHash(of: entries)
    }

    /// The declaration's hash checked against its files: the manifest hash, or an error that gives it.
    public func verifiedHash(of d: DatasetDeclaration) throws -> String {
        let actual = try manifestHash(of: d)
        guard let declared = d.sha256 else {
            throw DeclaredDatasetError.noHash(dataset: d.id, origin: d.origin, actual: actual)
        }
        guard declared.lowercased() == actual else {
            throw DeclaredDatasetError.wrongHash(
                dataset: d.id, origin: d.origin, declared: declared, actual: actual)
        }
        return actual
    }

    // MARK: description

    /// What planning needs: a built-in dataset's constants, or a declared one's description (its hash
    /// verified first; read in full the first time its content is seen, or always when `fresh`, which also
    /// replaces the cached description).
    public func describe(_ id: DatasetID, fresh: Bool = false) throws -> DatasetDescription {
        if let builtin = id.builtin { return .builtin(builtin) }
        guard let d = declarations[id] else {
            throw DeclaredDatasetError.unknown(dataset: id, known: names)
        }
        let manifest = try verifiedHash(of: d)
        let contentHash = SHA256.hash(data: Data("\(manifest)\n\(d.readingOptions)\n".utf8)).hexString
        if !fresh, let known = cachedDescriptions()[contentHash], known.id == id { return known }
        let (train, test, classNames, classes) = try read(d)
        let description = DatasetDescription(
            id: id, shape: train.shape, classes: classes, classNames: classNames, trainCount: train.count,
            testCount: test.count, contentHash: contentHash, statistics: train.channelStatistics())
        remember(description)
        return description
    }

    /// One split of a dataset, read into memory (a declared one's hash is verified first).
    public func load(
        _ id: DatasetID, split: Split, locator: DataLocator, progress: ((DownloadProgress) -> Void)?
    )
        throws -> ImageSet
    {
        if let builtin = id.builtin { return try locator.load(builtin, split: split, progress: progress) }
        guard let d = declarations[id] else {
            throw DeclaredDatasetError.unknown(dataset: id, known: names)
        }
        _ = try verifiedHash(of: d)
        let (train, test, _, _) = try read(d)
        return split == .train ? train : test
    }

    /// Both splits, checked against each other, and the classes.
    func read(_ d: DatasetDeclaration) throws -> (
        train: ImageSet, test: ImageSet, names: [String]?, classes: Int
    ) {
        let request = { (source: SplitSource, names: [String]?) in
            ReadRequest(
                format: d.format, source: source, classNames: names, classes: d.classes, layout: d.layout)
        }
        let trainData = try DatasetReader.read(request(d.train, d.classNames))
        let names = d.classNames ?? trainData.classNames
        var train = trainData.set
        try Self.requireFinite(train, d.train, d)
        var test: ImageSet
        if let source = d.test {
            let testData = try DatasetReader.read(request(source, names))
            test = testData.set
            try Self.requireFinite(test, source, d)
            guard test.shape == train.shape else {
                throw DeclaredDatasetError.invalid(
                    dataset: d.id, origin: d.origin,
                    reason: "its test samples are \(test.shape) but its training samples are \(train.shape)")
            }
            guard Self.isBytes(test) == Self.isBytes(train) else {
                throw DeclaredDatasetError.invalid(
                    dataset: d.id, origin: d.origin,
                    reason:
                        "its training samples are \(Self.isBytes(train) ? "bytes (0–255, scaled by 1/255)" : "floats (used as they are)") but its test samples are \(Self.isBytes(test) ? "bytes" : "floats"): store both splits with the same type"
                )
            }
            if let a = trainData.featureNames, let b = testData.featureNames, a != b {
                throw DeclaredDatasetError.invalid(
                    dataset: d.id, origin: d.origin,
                    reason:
                        "the test table's feature columns (\(b.prefix(6).joined(separator: ", "))\(b.count > 6 ? ", …" : "")) are not the training table's (\(a.prefix(6).joined(separator: ", "))\(a.count > 6 ? ", …" : "")), in the same order"
                )
            }
        } else {
            guard let fraction = d.testFraction else {
                throw DeclaredDatasetError.invalid(
                    dataset: d.id, origin: d.origin,
                    reason:
                        "it has no test split: give 'test:' files or 'test_fraction:' of the training data")
            }
            (train, test) = Self.holdOut(fraction, of: train)
            guard train.count > 0, test.count > 0 else {
                throw DeclaredDatasetError.invalid(
                    dataset: d.id, origin: d.origin,
                    reason:
                        "test_fraction \(fraction) of \(trainData.set.count) samples leaves \(train.count) to train on and \(test.count) to test"
                )
            }
        }
        let largest = Int((train.labels + test.labels).max() ?? 0)
        let classes = d.classes ?? max(names?.count ?? 0, largest + 1)
        if let names, names.count != classes {
            throw DeclaredDatasetError.invalid(
                dataset: d.id, origin: d.origin,
                reason: "it has \(names.count) class names for \(classes) classes")
        }
        guard classes <= 100_000 else {
            throw DeclaredDatasetError.invalid(
                dataset: d.id, origin: d.origin,
                reason: "a label is \(largest): at most 100,000 classes are supported")
        }
        guard classes >= 2 else {
            throw DeclaredDatasetError.invalid(
                dataset: d.id, origin: d.origin,
                reason: "it has \(classes) class; a classifier needs at least 2")
        }
        guard largest < classes else {
            throw DeclaredDatasetError.invalid(
                dataset: d.id, origin: d.origin, reason: "a label is \(largest), outside 0...\(classes - 1)")
        }
        return (train, test, names, classes)
    }

    static func isBytes(_ set: ImageSet) -> Bool {
        if case .bytes = set.pixels { return true }
        return false
    }

    /// Float samples must be finite: a NaN or an infinity would make every loss NaN.
    static func requireFinite(_ set: ImageSet, _ source: SplitSource, _ d: DatasetDeclaration) throws {
        guard case .floats(let values) = set.pixels, let i = values.firstIndex(where: { !$0.isFinite }) else {
            return
        }
        throw DeclaredDatasetError.invalid(
            dataset: d.id, origin: d.origin,
            reason:
                "\(source.files.first?.path ?? ""): sample \(i / max(1, set.pixelsPerImage)) holds \(values[i]); every value must be a finite number"
        )
    }

    /// A fixed draw of `fraction` of the samples as the test split (the same for every run and machine:
    /// a SplitMix64 shuffle from a constant seed); both parts keep the file's order.
    static func holdOut(_ fraction: Double, of set: ImageSet) -> (train: ImageSet, test: ImageSet) {
        var order = Array(0..<set.count)
        var state: UInt64 = 0x5EED_DA7A
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            order.swapAt(i, Int(z % UInt64(i + 1)))
        }
        let testCount = Int((Double(set.count) * fraction).rounded())
        let test = order.prefix(testCount).sorted()
        let train = order.dropFirst(testCount).sorted()
        return (set.subset(train), set.subset(test))
    }

    // MARK: description cache

    private struct Descriptions: Codable {
        /// 2: a constant channel's deviation is 1 however rounding leaves its variance.
        var version = 2
        var entries: [String: DatasetDescription] = [:]
    }

    private func cachedDescriptions() -> [String: DatasetDescription] {
        guard let descriptionsFile, let data = try? Data(contentsOf: descriptionsFile),
            let contents = try? JSONDecoder().decode(Descriptions.self, from: data), contents.version == 2
        else { return [:] }
        return contents.entries
    }

    /// Merges one description into the cache (which only saves time: a failed write is ignored).
    private func remember(_ description: DatasetDescription) {
        guard let descriptionsFile else { return }
        var contents = Descriptions()
        contents.entries = cachedDescriptions()
        contents.entries[description.contentHash] = description
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(contents) else { return }
        try? FileWriter().write(data, to: descriptionsFile)
    }

    // MARK: files

    static func requireFile(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DatasetError.missing(path: url.path)
        }
        if isDirectory.boolValue {
            throw DatasetError.unreadable(path: url.path, reason: "is a directory; this format reads files")
        }
        let type = try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType
        guard type == .typeRegular || type == .typeSymbolicLink else {
            throw DatasetError.unreadable(
                path: url.path, reason: "is not a regular file (a device or a pipe)")
        }
        if type == .typeSymbolicLink {
            let target = url.resolvingSymlinksInPath()
            let targetType =
                try? FileManager.default.attributesOfItem(atPath: target.path)[.type] as? FileAttributeType
            guard targetType == .typeRegular else {
                throw DatasetError.unreadable(path: url.path, reason: "does not lead to a regular file")
            }
        }
    }

    /// The PNG files of a class-folder tree, sorted, with their paths relative to `root`.
    static func pngFiles(in root: URL) throws -> [(relative: String, url: URL)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw DatasetError.missing(path: root.path)
        }
        guard isDirectory.boolValue else {
            throw DatasetError.unreadable(path: root.path, reason: "is not a folder of class folders")
        }
        var out: [(String, URL)] = []
        let fm = FileManager.default
        for cls in try fm.contentsOfDirectory(atPath: root.path).sorted() where !cls.hasPrefix(".") {
            let folder = root.appendingPathComponent(cls)
            guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            for file in try fm.contentsOfDirectory(atPath: folder.path).sorted() where !file.hasPrefix(".") {
                let url = folder.appendingPathComponent(file)
                guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
                else {
                    throw DatasetError.unreadable(
                        path: url.path,
                        reason:
                            "is not an image file: a class folder holds PNG files only (no subfolders or broken links)"
                    )
                }
                try requireFile(url)
                out.append(("\(cls)/\(file)", url))
            }
        }
        return out
    }
}

/// A declared dataset that cannot be used, with what to do about it.
public enum DeclaredDatasetError: Error, CustomStringConvertible, Equatable {
    case unknown(dataset: DatasetID, known: [String])
    case noHash(dataset: DatasetID, origin: String, actual: String)
    case wrongHash(dataset: DatasetID, origin: String, declared: String, actual: String)
    case invalid(dataset: DatasetID, origin: String, reason: String)

    public var description: String {
        switch self {
        case .unknown(let dataset, let known):
            return
                "unknown dataset '\(dataset)'\(didYouMean(dataset.rawValue, among: known)); known datasets are \(known.joined(separator: ", ")) (declare others under 'datasets:' in report.yaml)"
        case .noHash(let dataset, let origin, let actual):
            return
                "\(origin): dataset '\(dataset)' declares no sha256; its files' content is \(actual): add 'sha256: \(actual)' to its declaration"
        case .wrongHash(let dataset, let origin, let declared, let actual):
            return
                "\(origin): dataset '\(dataset)' declares sha256 \(declared), but its files' content is \(actual): the files changed since it was declared. If that is intended, set 'sha256: \(actual)' (runs on the old content stay cached under their own keys)"
        case .invalid(let dataset, let origin, let reason):
            return "\(origin): dataset '\(dataset)' cannot be used: \(reason)"
        }
    }
}
