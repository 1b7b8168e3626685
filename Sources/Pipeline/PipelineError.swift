import Document
import Suggestions

/// Failures of the build itself (not of the document, which reports diagnostics).
public enum PipelineError: Error, CustomStringConvertible {
    case unreadableDocument(String, String)
    case unknownRun(String, [String])
    /// A dataset the runs to train need cannot be found or downloaded; nothing was trained or written.
    case datasetUnavailable(String, String)
    /// A run to train needs an environment its `environment` command says is not here.
    case environmentUnavailable(String)
    /// `report preview` of a document outside the project would run a command.
    case commandsNotRun(String, String)
    /// `clean` needs every document of the project to be valid to know which runs they use.
    case otherDocumentInvalid(String)
    /// The build was stopped (SIGINT, SIGTERM); one line per run that did not finish.
    case interrupted(finished: [String], unfinished: [String])

    public var description: String {
        switch self {
        case .unreadableDocument(let path, let why): return "cannot read \(path): \(why)"
        case .unknownRun(let id, let known):
            let hint = didYouMean(id, among: known)
            return "unknown run '\(id)'\(hint)"
        case .environmentUnavailable(let why): return why
        case .commandsNotRun(let document, let run):
            return
                "\(document) is outside the project, and \(run) runs a command: preview runs commands only for documents inside the project; run report build \(document) to train it"
        case .datasetUnavailable(let name, let why):
            return
                "cannot start the build: dataset \(name) is not available (nothing was trained or written)\n\(why)"
        case .otherDocumentInvalid(let path):
            return
                "\(path) has errors (above), so clean cannot tell which runs it uses; fix it, or list the documents in report.yaml's documents:"
        case .interrupted(let finished, let unfinished):
            var text = "interrupted; every finished epoch is kept and the next build resumes from it"
            if !finished.isEmpty { text += "\n  finished: " + finished.joined(separator: ", ") }
            for line in unfinished { text += "\n  not finished: " + line }
            return text
        }
    }
}
