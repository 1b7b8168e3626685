import Files
import Foundation

/// Where a command's files are: the project root (the directory of `report.yaml`, found upwards from
/// the document, else from the current directory; without one, the current directory), its settings,
/// and the build options with every path placed relative to the root, never the current directory.
/// Paths given on the command line are relative to the current directory, as a shell user expects.
public struct Project {
    public let root: URL
    public let settings: ProjectSettings
    /// Whether `report.yaml` was found (else the root is the current directory).
    public let hasSettingsFile: Bool

    /// The name a document that writes `README.md` has; any other document writes `<name>.out.md`.
    public static let defaultDocumentName = "answers.md"

    /// What the command line said; nil means "not given".
    public struct CommandLine {
        public var document: String?
        public var runs: String?
        public var figures: String?
        public var output: String?
        public var dataDirectory: String?
        public var jobs: Int?
        public init() {}
    }

    public init(root: URL, settings: ProjectSettings, hasSettingsFile: Bool) {
        self.root = root.standardizedFileURL
        self.settings = settings
        self.hasSettingsFile = hasSettingsFile
    }

    /// Finds the project of `document` (or of `cwd` when no document is given) and reads its settings.
    public static func locate(cwd: URL, document: String?) throws -> Project {
        let start = document.map { absolute($0, from: cwd).deletingLastPathComponent() } ?? cwd
        if let root = ProjectSettings.findRoot(from: start) {
            let display = relativeFile(from: cwd, to: root.appendingPathComponent(ProjectSettings.fileName))
            return Project(
                root: root, settings: try ProjectSettings.load(root: root, displayPath: display),
                hasSettingsFile: true)
        }
        return Project(root: cwd, settings: ProjectSettings(), hasSettingsFile: false)
    }

    /// `report/answers.md` → `report/README.md`; `report/draft.md` → `report/draft.out.md`.
    public static func defaultOutput(for document: String) -> String {
        let ns = document as NSString
        let name = ns.lastPathComponent
        let directory = ns.deletingLastPathComponent
        let output =
            name == defaultDocumentName ? "README.md" : (name as NSString).deletingPathExtension + ".out.md"
        return directory.isEmpty ? output : directory + "/" + output
    }

    /// The project's main document (`report.yaml`'s `document`, else `report/answers.md`) draws into
    /// `figures/`; any other document into its own folder, so that no two documents overwrite each
    /// other's figures: `figures/draft/` for `report/draft.md` beside the main document, else one named
    /// by its path (`figures/notes-week1/` for `notes/week1.md`).
    public static func figures(base: String, document: String, main: String) -> String {
        guard document != main else { return base }
        let ns = document as NSString
        let name = (ns.lastPathComponent as NSString).deletingPathExtension
        let folder = ns.deletingLastPathComponent
        if folder == (main as NSString).deletingLastPathComponent { return base + "/" + name }
        let path = (folder.isEmpty ? name : folder + "/" + name).split(separator: "/").filter {
            $0 != ".." && $0 != "."
        }
        return base + "/" + path.joined(separator: "-")
    }

    /// Every document of the project `clean` must keep runs for: `documents:` in `report.yaml`, else
    /// each `*.md` beside `document` that has directives and is not an output of report.
    public func documents(besides document: String) -> [String] {
        if let listed = settings.documents { return listed }
        let folder = (document as NSString).deletingLastPathComponent
        let directory =
            folder.hasPrefix("/") ? URL(fileURLWithPath: folder) : root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".md") }.sorted().compactMap { name -> String? in
            let url = directory.appendingPathComponent(name)
            guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
            defer { try? handle.close() }
            guard let head = try? handle.read(upToCount: 4 << 20) else { return nil }
            let text = String(decoding: head, as: UTF8.self)
            if text.hasPrefix(FileWriter.generatedMarker) { return nil }
            let hasDirectives = ["```experiment", "```figure", "```table", "~~~experiment"].contains {
                text.contains($0)
            }
            guard hasDirectives else { return nil }
            return folder.isEmpty ? name : folder + "/" + name
        }
    }

    /// Relative to the root when inside it, else absolute.
    public func inProject(_ url: URL) -> String {
        let path = url.standardizedFileURL.path
        let prefix = root.path == "/" ? "/" : root.path + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    public static func absolute(_ path: String, from base: URL) -> URL {
        (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path))
            .standardizedFileURL
    }

    /// A file's path as seen from `cwd`: `answers.md`, `report/answers.md` or `../report/answers.md`.
    public static func relativeFile(from cwd: URL, to file: URL) -> String {
        let directory = relativePath(from: cwd, to: file.deletingLastPathComponent())
        return directory + file.lastPathComponent
    }

    /// The path from directory `from` to directory `to`; it ends with "/" unless empty.
    public static func relativePath(from: URL, to: URL) -> String {
        let a = from.standardizedFileURL.pathComponents
        let b = to.standardizedFileURL.pathComponents
        var common = 0
        while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
        let parts = Array(repeating: "..", count: a.count - common) + b[common...]
        return parts.isEmpty ? "" : parts.joined(separator: "/") + "/"
    }
}
