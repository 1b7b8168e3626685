import Foundation

/// The work behind `report data fetch` and `report data verify`. It lives in the library so
/// tests can run it; the command-line layer only parses arguments and prints.
public enum DataCommands {
    /// Makes sure each dataset has a verified copy, downloading into the project's `data/`
    /// where none is found. Writes one line per dataset saying where its copy is.
    /// Tries every dataset, then throws `DataCommandsError` if any failed.
    public static func fetch(
        _ names: [DatasetName], locator: DataLocator,
        progress: ((DownloadProgress) -> Void)? = nil,
        output: (String) -> Void
    ) throws {
        var failures: [String] = []
        for name in names.isEmpty ? DatasetName.allCases : names {
            do {
                let copy = try locator.resolve(name, progress: progress)
                for skipped in copy.skipped { output("warning: skipped \(skipped)") }
                output(
                    "\(name.rawValue): verified copy in \(copy.directory.path) (\(copy.source)), content \(copy.contentHash)"
                )
            } catch {
                failures.append("\(name.rawValue): \(error)")
            }
        }
        if !failures.isEmpty { throw DataCommandsError(failures: failures) }
    }

    /// Verifies every copy of each dataset that the search finds, not only the one a build
    /// would use, so a corrupt copy anywhere is reported.
    /// - Parameters:
    ///   - names: the datasets to verify; empty means all of them.
    ///   - locator: where copies are looked for.
    ///   - rehash: hash every file again, ignoring the verification cache.
    ///   - output: receives one line per dataset and per copy.
    /// - Returns: true when every dataset has a valid copy and no copy present is corrupt.
    public static func verify(
        _ names: [DatasetName], locator: DataLocator, rehash: Bool = false,
        output: (String) -> Void
    ) -> Bool {
        var allGood = true
        for name in names.isEmpty ? DatasetName.allCases : names {
            let reports = locator.survey(name, rehash: rehash)
            output("\(name.rawValue) (\(name.displayName)), content \(DatasetInfo.info(name).contentHash):")
            var used = false
            for report in reports {
                switch report.outcome {
                case .valid:
                    output("  ok      \(report.place)\(used ? "" : "  <- used")")
                    used = true
                case .absent(let reason):
                    output("  absent  \(report.place): \(reason)")
                case .incomplete:
                    output("  partial \(report.place): \(report.problem ?? "")")
                case .invalid:
                    output("  FAILED  \(report.place): \(report.problem ?? "")")
                    allGood = false
                }
            }
            if !used {
                output(
                    "  no valid copy; a build would download one into \(locator.projectDataDirectory.path)/\(DatasetInfo.info(name).directoryName)."
                )
                output(
                    DatasetError.fixes(for: name).split(separator: "\n").map { "  " + $0 }.joined(
                        separator: "\n"))
                allGood = false
            }
        }
        return allGood
    }
}

extension DataCommands {
    /// Verifies declared datasets: each one's files against its declared SHA-256, then reads it in full
    /// and checks it (shapes, labels, classes). Prints one block per dataset.
    /// - Returns: true when every one is usable.
    public static func verifyDeclared(_ ids: [DatasetID], catalog: DatasetCatalog, output: (String) -> Void)
        -> Bool
    {
        var allGood = true
        for id in ids {
            guard let declaration = catalog.declarations[id] else { continue }
            output("\(id) (declared at \(declaration.origin), \(declaration.format.rawValue)):")
            do {
                let files = try catalog.files(of: declaration)
                let hash = try catalog.verifiedHash(of: declaration)
                output("  ok      \(files.count) file\(files.count == 1 ? "" : "s"), content \(hash)")
                // Read again, not taken from data/.datasets.json: verifying means looking at the files.
                let d = try catalog.describe(id, fresh: true)
                let names = d.classNames.map {
                    ": " + $0.prefix(12).joined(separator: ", ") + ($0.count > 12 ? ", …" : "")
                }
                output(
                    "  ok      \(d.trainCount) training and \(d.testCount) test samples of \(d.shape), \(d.classes) classes\(names ?? "")"
                )
            } catch {
                output("  FAILED  \(error)")
                allGood = false
            }
        }
        return allGood
    }
}
