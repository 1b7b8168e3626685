import Datasets
import Foundation
import Synchronization

/// Loads each dataset split once per build and shares it between runs (thread-safe). A dataset is only
/// located (and verified, or downloaded) when a run actually needs training.
public final class DatasetCache: Sendable {
    private let locator: DataLocator
    private let catalog: DatasetCatalog
    /// Loaded splits and failed loads by "dataset/split". The lock is held while a split loads, so
    /// runs that need the same split wait for the one load instead of repeating it.
    private let state = Mutex((loaded: [String: ImageSet](), failures: [String: any Error]()))

    private let observer: BuildObserver

    public init(locator: DataLocator, catalog: DatasetCatalog = .builtinOnly, observer: BuildObserver) {
        self.locator = locator
        self.catalog = catalog
        self.observer = observer
    }

    public func load(_ name: DatasetID, split: Split) throws -> ImageSet {
        try state.withLock { state in
            let key = "\(name.rawValue)/\(split)"
            if let set = state.loaded[key] { return set }
            if let error = state.failures[key] { throw error }
            do {
                let set = try catalog.load(
                    name, split: split, locator: locator, progress: { [observer] in observer.download($0) })
                state.loaded[key] = set
                return set
            } catch {
                state.failures[key] = error
                throw error
            }
        }
    }
}
