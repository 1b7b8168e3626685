import Foundation

extension RunStore {
    /// Publishes a finished entry unless another process (a Slurm job of another build, say) published
    /// the same key first; then this one's copy is discarded, since equal keys mean equal results.
    /// Returns whether this entry was the one kept. `rename(2)` refuses to replace a non-empty
    /// directory, so two processes finishing at once cannot both win.
    public func commitEntryUnlessPresent(_ temporary: URL, key: String) throws -> Bool {
        let manager = FileManager.default
        // Published means renamed into place whole, so a metrics.json under the key is another process's
        // entry (a damaged one is the next build's to find and retrain).
        let published = {
            manager.fileExists(atPath: self.directory(key).appendingPathComponent("metrics.json").path)
        }
        if published() {
            try? manager.removeItem(at: temporary)
            return false
        }
        if rename(temporary.path, directory(key).path) == 0 {
            try? manager.removeItem(at: failureLog(key))
            return true
        }
        let code = errno
        if published() {
            try? manager.removeItem(at: temporary)
            return false
        }
        guard code == ENOTEMPTY || code == EEXIST else {
            throw CocoaError(
                .fileWriteUnknown,
                userInfo: [
                    NSFilePathErrorKey: directory(key).path,
                    NSLocalizedDescriptionKey: String(cString: strerror(code)),
                ])
        }
        // An incomplete directory under the key (not one of ours): replace it as a local build does.
        try commitEntry(temporary, key: key)
        return true
    }
}
