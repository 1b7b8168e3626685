/// Failures of the run cache itself: it is locked by something else, or an entry cannot be read.
public enum RunCacheError: Error, CustomStringConvertible {
    case busy(String, String)
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .busy(let path, let why): return "\(path): \(why)"
        case .unreadable(let path, let why):
            return "cannot read cached results \(path): \(why); delete the entry to retrain it"
        }
    }
}
