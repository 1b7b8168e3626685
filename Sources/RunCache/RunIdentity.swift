import Foundation

/// What a cache entry is, for machines: `identity.json`, beside `config.yaml` (the same facts for people).
/// Indexes read this record instead of parsing the YAML; entries written before it existed have only
/// `config.yaml`, which ``read(in:)`` still reads.
public struct RunIdentity: Codable, Equatable, Sendable {
    public static let fileName = "identity.json"

    public var key: String
    /// The key of the run whose final weights this one starts from (`init`).
    public var initKey: String?
    /// The canonical configuration, as the key covers it.
    public var config: [String: String]

    enum CodingKeys: String, CodingKey {
        case key, config
        case initKey = "init_key"
    }

    public init(key: String, initKey: String?, config: [String: String]) {
        self.key = key
        self.initKey = initKey
        self.config = config
    }

    /// The record as written: sorted keys, so equal identities are equal bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// The identity of the entry in `directory`: its `identity.json`, else (an entry from before it
    /// existed) its `config.yaml`; nil when neither can be read.
    public static func read(in directory: URL) -> RunIdentity? {
        if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(fileName).path) {
            return try? JSONDecoder().decode(RunIdentity.self, from: data)
        }
        guard
            let data = FileManager.default.contents(
                atPath: directory.appendingPathComponent("config.yaml").path)
        else { return nil }
        return fromLegacyYAML(String(decoding: data, as: UTF8.self))
    }

    /// `# run <key>[, initialised from <key>]` followed by `name: value` lines, as `config.yaml` has
    /// always been written (values never hold a line break).
    static func fromLegacyYAML(_ text: String) -> RunIdentity? {
        var lines = text.split(separator: "\n")
        guard let header = lines.first, header.hasPrefix("# run ") else { return nil }
        lines.removeFirst()
        let parts = header.dropFirst("# run ".count).components(separatedBy: ", initialised from ")
        var config: [String: String] = [:]
        for line in lines {
            guard let colon = line.range(of: ": ") else { continue }
            config[String(line[..<colon.lowerBound])] = String(line[colon.upperBound...])
        }
        return RunIdentity(key: parts[0], initKey: parts.count > 1 ? parts[1] : nil, config: config)
    }
}
