import Datasets
import Foundation

/// The dataset catalogue of a project: the built-in datasets and those its report.yaml declares, with
/// the verification and description caches in its `data/`.
public enum ProjectDatasets {
    public static func catalog(root: URL, settings: ProjectSettings) -> DatasetCatalog {
        DatasetCatalog(declarations: settings.datasets, cacheDirectory: root.appendingPathComponent("data"))
    }

    /// The catalogue of the project around `directory` (report.yaml searched upwards); the built-in
    /// datasets only when there is no report.yaml.
    public static func catalog(near directory: URL) throws -> DatasetCatalog {
        guard let root = ProjectSettings.findRoot(from: directory) else { return .builtinOnly }
        return catalog(root: root, settings: try ProjectSettings.load(root: root))
    }
}
