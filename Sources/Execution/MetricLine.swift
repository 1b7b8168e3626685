import Engine

/// One line a command appends to `$REPORT_METRICS`: a flat JSON object of an `epoch` (a whole number
/// from 0) and metrics (numbers or `null`), like `{"epoch": 3, "loss": 0.41, "val_acc": 0.84}`. Python's
/// `json.dumps` writes a non-finite float as `NaN`, `Infinity` or `-Infinity`, which JSON does not have;
/// those are read too, so that a diverging run is recognised rather than refused.
enum MetricLine {
    /// The epoch a line holds, and which of its metrics were not finite.
    struct Parsed {
        var epoch: EpochMetrics
        var nonFinite: [String]
    }

    struct Problem: Error, Equatable {
        var message: String
    }

    static func parse(_ line: String) -> Result<Parsed, Problem> {
        var scanner = Scanner(Array(line.utf8))
        do {
            let pairs = try scanner.object()
            var epoch: Int?
            var metrics = EpochMetrics(epoch: 0)
            var nonFinite: [String] = []
            var seen = Set<String>()
            for (name, value) in pairs {
                guard seen.insert(name).inserted else { throw Problem(message: "has '\(name)' twice") }
                if name == "epoch" {
                    guard let value, value.isFinite, value == value.rounded(), value >= 0, value < 1e9 else {
                        throw Problem(message: "has an 'epoch' that is not a whole number from 0")
                    }
                    epoch = Int(value)
                    continue
                }
                guard let value else { continue }
                guard value.isFinite else {
                    nonFinite.append(name)
                    continue
                }
                switch name {
                case "loss": metrics.loss = value
                case "acc": metrics.acc = value
                case "val_loss": metrics.valLoss = value
                case "val_acc": metrics.valAcc = value
                case "train_s": metrics.trainSeconds = value
                case "eval_s": metrics.evalSeconds = value
                default: metrics.extra[name] = value
                }
            }
            guard let epoch else { throw Problem(message: "has no 'epoch'") }
            metrics.epoch = epoch
            return .success(Parsed(epoch: metrics, nonFinite: nonFinite))
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(Problem(message: "\(error)"))
        }
    }

    /// A reader of exactly the JSON a metric line may hold.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else {
                throw Problem(message: "is not a JSON object of metrics (expected \(what))")
            }
            index += 1
        }

        mutating func object() throws -> [(String, Double?)] {
            try expect(UInt8(ascii: "{"), "'{'")
            var pairs: [(String, Double?)] = []
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    let name = try string()
                    try expect(UInt8(ascii: ":"), "':'")
                    pairs.append((name, try number(for: name)))
                    skipSpace()
                    guard index < bytes.count else { throw Problem(message: "ends before its '}'") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "}"), "',' or '}'")
                    break
                }
            }
            skipSpace()
            guard index == bytes.count else { throw Problem(message: "has text after its '}'") }
            return pairs
        }

        mutating func string() throws -> String {
            try expect(UInt8(ascii: "\""), "a quoted metric name")
            var out: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                guard bytes[index] != UInt8(ascii: "\\") else {
                    throw Problem(
                        message: "has a metric name with an escape; use plain names like \"val_acc\"")
                }
                out.append(bytes[index])
                index += 1
            }
            guard index < bytes.count else { throw Problem(message: "has a metric name that is not closed") }
            index += 1
            let name = String(decoding: out, as: UTF8.self)
            guard !name.isEmpty, name.count <= 64 else {
                throw Problem(message: "has a metric name that is empty or longer than 64 bytes")
            }
            return name
        }

        /// A number, `null`, or one of Python's `NaN`, `Infinity`, `-Infinity`.
        mutating func number(for name: String) throws -> Double? {
            skipSpace()
            let start = index
            while index < bytes.count, !",} \t\r".utf8.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            switch text {
            case "null": return nil
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                let isJSONNumber =
                    !text.isEmpty && text.utf8.allSatisfy { "0123456789+-.eE".utf8.contains($0) }
                guard isJSONNumber, let value = Double(text) else {
                    throw Problem(
                        message:
                            "has '\(name)': \(text.isEmpty ? "nothing" : "'\(text.prefix(40))'"), not a number or null"
                    )
                }
                return value
            }
        }
    }
}
