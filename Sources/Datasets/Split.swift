/// Which half of a dataset: the 60,000 training images or the 10,000 test images.
public enum Split: String, CaseIterable, Sendable {
    case train
    case test
}
