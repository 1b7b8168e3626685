import Datasets
import Document
import Foundation
import XCTest

@testable import ProjectSettings

/// `datasets:` in report.yaml: declarations with paths resolved against the project, and positioned errors.
final class DatasetDeclarationTests: XCTestCase {
    let root = URL(fileURLWithPath: "/project")

    func testEachFormatsSplitsAreDeclaredAsTheyAreWritten() throws {
        let settings = try ProjectSettings.parse(
            """
            datasets:
              cifar:
                format: cifar10
                train: [data/c/data_batch_1.bin, data/c/data_batch_2.bin]
                test: data/c/test_batch.bin
                sha256: \(String(repeating: "A", count: 64))
              kmnist:
                format: idx
                train: {images: data/k/train-images.gz, labels: data/k/train-labels.gz}
                test_fraction: 0.1
                classes: 10
              keras:
                format: npz
                train: {file: data/mnist.npz, images: x_train, labels: y_train}
                test: {file: data/mnist.npz, images: x_test, labels: y_test}
              digits:
                format: csv
                train: data/digits.csv
                test_fraction: 0.2
                label_column: target
                class_names: [zero, one]
            """, projectRoot: root)
        let byName = Dictionary(uniqueKeysWithValues: settings.datasets.map { ($0.id.rawValue, $0) })
        XCTAssertEqual(byName.keys.sorted(), ["cifar", "digits", "keras", "kmnist"])
        XCTAssertEqual(
            byName["cifar"]?.train.files.map(\.path),
            ["/project/data/c/data_batch_1.bin", "/project/data/c/data_batch_2.bin"])
        XCTAssertEqual(byName["cifar"]?.sha256, String(repeating: "a", count: 64))
        XCTAssertEqual(byName["cifar"]?.origin, "report.yaml:2:3")
        XCTAssertEqual(byName["kmnist"]?.train.labels?.path, "/project/data/k/train-labels.gz")
        XCTAssertEqual(byName["kmnist"]?.testFraction, 0.1)
        XCTAssertEqual(byName["keras"]?.test?.imagesArray, "x_test")
        XCTAssertEqual(byName["keras"]?.test?.files.map(\.path), ["/project/data/mnist.npz"])
        XCTAssertEqual(byName["digits"]?.train.labelColumn, "target")
        XCTAssertEqual(byName["digits"]?.classNames, ["zero", "one"])
    }

    func testMistakesArePositionedErrors() {
        XCTAssertThrowsError(
            try ProjectSettings.parse(
                """
                datasets:
                  mnist:
                    format: idx
                  cifar:
                    format: cifar11
                    train: a.bin
                    test: b.bin
                  k:
                    format: idx
                    train: k.idx
                    test_fraction: 1.5
                  c:
                    format: csv
                    train: c.csv
                    sha256: abc
                    shuffle: true
                """, projectRoot: root)
        ) { error in
            guard let error = error as? DiagnosticError else { return XCTFail("\(error)") }
            XCTAssertEqual(
                error.diagnostics.map { "\($0.location): \($0.message)" },
                [
                    "2:3: dataset name 'mnist' is a built-in dataset's name",
                    "5:13: dataset 'cifar': unknown format 'cifar11' (did you mean 'cifar10'?); expected one of idx, npy, npz, cifar10, cifar100, png, csv",
                    "10:12: dataset 'k': 'train' of format idx needs {images: FILE, labels: FILE}",
                    "11:20: dataset 'k': 'test_fraction' must be a number between 0 and 1 (exclusive), e.g. 0.2",
                    "12:3: dataset 'c': no test split: give 'test:' files or 'test_fraction:' (e.g. 0.2) of the training data",
                    "15:13: dataset 'c': 'sha256' must be 64 hexadecimal digits",
                    "16:5: dataset 'c': unknown key 'shuffle'; a dataset has format, train, test, test_fraction, classes, class_names, label_column, layout, sha256",
                ])
        }
    }
}
