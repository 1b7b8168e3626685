import Datasets
import Foundation

/// Loads each dataset split once per build and shares it between runs (thread-safe). A dataset is only
/// located (and verified, or downloaded) when a run actually needs training.
final class DatasetCache: @unchecked Sendable {
    private let locator: DataLocator
    private let lock = NSLock()
    private var loaded: [String: ImageSet] = [:]
    private var failures: [String: Error] = [:]

    private let observer: BuildObserver

    init(locator: DataLocator, observer: BuildObserver) {
        self.locator = locator
        self.observer = observer
    }

    func load(_ name: DatasetName, split: Split) throws -> ImageSet {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(name.rawValue)/\(split)"
        if let set = loaded[key] { return set }
        if let error = failures[key] { throw error }
        do {
            let set = try locator.load(name, split: split, progress: { [observer] in observer.download($0) })
            loaded[key] = set
            return set
        } catch {
            failures[key] = error
            throw error
        }
    }
}
