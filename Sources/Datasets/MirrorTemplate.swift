import Foundation

/// Mirror URLs may name the dataset's directory with the placeholder `{dataset}`, so one
/// `--mirror http://host/{dataset}/` serves both datasets from a tree laid out like
/// `shared/data` (`mnist/`, `fashion-mnist/`).
enum MirrorTemplate {
    static let placeholders = ["{dataset}", "%7Bdataset%7D", "%7bdataset%7d"]

    /// The mirror with the placeholder replaced by the dataset's directory name, ending in `/`.
    static func expand(_ mirror: URL, for info: DatasetInfo) -> URL {
        var text = mirror.absoluteString
        for placeholder in placeholders {
            text = text.replacingOccurrences(of: placeholder, with: info.directoryName)
        }
        if !text.hasSuffix("/") { text += "/" }
        return URL(string: text) ?? mirror
    }
}
