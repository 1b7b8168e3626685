import Document
import Foundation

/// An experiment that trains by running the author's own command (`run:`) instead of the engine:
///
/// ```yaml
/// id: q3-torch
/// run: python3 train.py --lr {lr} --epochs {epochs} --seed {seed}
/// inputs: [train.py, models/*.py]
/// lr: 0.01
/// epochs: 10
/// ```
///
/// Its other keys are free-form settings: each `{key}` in the command is replaced by the setting's
/// value, shell-quoted, and all of them are handed over as JSON too (`REPORT_SETTINGS`). See
/// `CommandTrainer` (Execution) for what the command receives and must write.
public struct CommandSpec: Sendable, Equatable {
    /// The command as written, placeholders and all.
    public var template: String
    /// The resolved settings in the order of their keys' names (seed included when the run has one).
    public var settings: [Setting]
    /// Files and glob patterns (relative to the project root) whose content the run depends on.
    public var inputs: [String]
    /// A command whose output names the software the runs use (`python3 -c "import torch; print(torch.__version__)"`),
    /// run once per build; its output enters the key.
    public var environment: String?
    /// Seconds a run may take before it is stopped and fails.
    public var timeout: Double?
    /// What a Slurm task of this experiment asks for, over `report.yaml`'s `slurm:` block
    /// (`slurm: {gres: "gpu:1", cpus_per_task: 4, memory: 16G, time: "2:00:00"}`); not part of the key.
    public var slurm: SlurmResources?
    /// Where `inputs` and `environment` are written, for errors found while hashing them.
    public var inputsLocation: SourceLocation?
    public var environmentLocation: SourceLocation?
    public var file: String = ""

    public struct Setting: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
    }

    public init(template: String, settings: [Setting] = [], inputs: [String] = []) {
        self.template = template
        self.settings = settings
        self.inputs = inputs
    }

    /// The value of one setting.
    public func value(of key: String) -> JSONValue? { settings.first { $0.key == key }?.value }

    /// The settings as text, in key order: what the cache entry records and `echo` prints.
    public var canonicalEntries: [(key: String, value: String)] {
        settings.map { ($0.key, $0.value.text) }
    }

    /// What a run's cache entry records as its configuration: the settings, and the command as `run`.
    public var recordedConfig: [String: String] {
        var entries = Dictionary(canonicalEntries) { first, _ in first }
        entries["run"] = template
        return entries
    }

    /// The seed, when the run has a whole-number `seed` setting.
    public var seed: Int? {
        if case .number(let n)? = value(of: "seed"), n == n.rounded(), abs(n) < 1e15 { return Int(n) }
        return nil
    }

    /// The epochs the run is asked for, when it has a whole-number `epochs` setting (for progress only).
    public var epochs: Int? {
        if case .number(let n)? = value(of: "epochs"), n == n.rounded(), n >= 0, n < 1e9 { return Int(n) }
        return nil
    }

    /// The settings as one JSON object, keys sorted: `REPORT_SETTINGS`, and part of the cache key.
    public var settingsJSON: String {
        JSONValue.object(settings.map { ($0.key, $0.value) }).json
    }

    /// The command line the shell runs: every placeholder replaced by its setting, shell-quoted.
    public var commandLine: String {
        var out = ""
        for piece in Self.pieces(of: template) {
            switch piece {
            case .text(let text): out += text
            case .placeholder(let key, _):
                out += value(of: key).map { Self.shellQuoted($0.text) } ?? "{\(key)}"
            }
        }
        return out
    }

    // MARK: Placeholders

    /// A part of a command template: literal text, or `{key}` (with its offset in characters).
    public enum Piece: Equatable {
        case text(String)
        case placeholder(String, offset: Int)
    }

    /// Splits a template at its placeholders: `{name}` where the name is letters, digits, `_` and `-`,
    /// starting with a letter or `_`. `${NAME}` is the shell's and stays as written, as does any other brace.
    public static func pieces(of template: String) -> [Piece] {
        var pieces: [Piece] = []
        var text = ""
        let characters = Array(template)
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if c == "{", index == 0 || characters[index - 1] != "$",
                let close = characters[(index + 1)...].firstIndex(of: "}")
            {
                let name = String(characters[(index + 1)..<close])
                if isPlaceholderName(name) {
                    if !text.isEmpty { pieces.append(.text(text)) }
                    text = ""
                    pieces.append(.placeholder(name, offset: index))
                    index = close + 1
                    continue
                }
            }
            text.append(c)
            index += 1
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }

    /// The names the template uses, in order, each once.
    public static func placeholders(in template: String) -> [(name: String, offset: Int)] {
        var seen = Set<String>()
        return pieces(of: template).compactMap {
            guard case .placeholder(let name, let offset) = $0, seen.insert(name).inserted else { return nil }
            return (name, offset)
        }
    }

    static func isPlaceholderName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic,
            first.isASCII
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
    }

    /// `0.01` stays `0.01`; anything the shell could read differently is single-quoted.
    public static func shellQuoted(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy {
            $0.isASCII
                && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
                    || "._+-=/:,@%".unicodeScalars.contains($0))
        }
        if safe && !text.isEmpty { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// The resources one Slurm task asks for, where an experiment sets them.
public struct SlurmResources: Codable, Sendable, Equatable, Hashable {
    public var gres: String?
    public var cpusPerTask: Int?
    public var memory: String?
    public var time: String?

    public static let keys = ["gres", "cpus_per_task", "memory", "time"]

    public init(gres: String? = nil, cpusPerTask: Int? = nil, memory: String? = nil, time: String? = nil) {
        self.gres = gres
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.time = time
    }

    enum CodingKeys: String, CodingKey {
        case gres, memory, time
        case cpusPerTask = "cpus_per_task"
    }
}

/// A setting's value as JSON holds it: what a command's script reads from `REPORT_SETTINGS`.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    /// A number as written (`1e-3`, `0.010`): kept as text so the command gets what the author wrote.
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.json == b.json }

    /// JSON text, object keys sorted, numbers in their shortest exact form.
    public var json: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return Self.numberText(n)
        case .string(let s): return Self.quoted(s)
        case .array(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .object(let pairs):
            return "{"
                + pairs.sorted { $0.0 < $1.0 }.map { Self.quoted($0.0) + ":" + $0.1.json }.joined(
                    separator: ",")
                + "}"
        }
    }

    /// The value as a command line gets it: a string bare, anything else as JSON.
    public var text: String {
        switch self {
        case .string(let s): return s
        default: return json
        }
    }

    static func numberText(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded() && abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// What a command run's key covers beyond the document, and its parts for `--explain`.
public struct CommandFingerprint: Sendable, Equatable {
    /// The digest the key hashes.
    public var digest: String
    /// Each input file (relative to the project root) → the SHA-256 of its content.
    public var inputs: [String: String]
    /// The SHA-256 of the environment command's output, when the experiment declares one and it ran.
    /// It is not part of the key: a cached run trained under another output is trained again, and one
    /// whose environment cannot be asked here (a reader without PyTorch) is used as it is.
    public var environment: String?
    /// Why the environment command could not be asked, when it failed: nothing of the experiment may
    /// train then.
    public var environmentProblem: String?

    public init(
        digest: String, inputs: [String: String] = [:], environment: String? = nil,
        environmentProblem: String? = nil
    ) {
        self.digest = digest
        self.inputs = inputs
        self.environment = environment
        self.environmentProblem = environmentProblem
    }
}

/// Why a command run's key cannot be made: an input that is not there, an environment command that fails.
public struct CommandFingerprintError: Error, Equatable, Sendable {
    public enum Part: Sendable { case inputs, environment }
    public var part: Part
    public var message: String

    public init(_ part: Part, _ message: String) {
        self.part = part
        self.message = message
    }
}
