/// Errors about dataset files, each naming the file and what was expected.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path): return "\(path): file not found"
        case .corrupt(let path, let reason): return "\(path): \(reason)"
        }
    }
}
