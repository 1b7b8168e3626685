/// How an array file's dimensions map to samples of `channels × rows × cols` (IDX, `.npy`, `.npz`):
/// rank 2 is a table (samples × features), rank 3 one-channel images (samples × height × width),
/// rank 4 images with channels first or last, as `layout` says or as the sizes make plain.
struct ImageArrayShape: Equatable {
    var count: Int
    var sample: SampleShape
    /// The file stores samples × height × width × channels: values are reordered channels first.
    var channelsLast: Bool

    /// Channel counts that tell a rank-4 array's layout apart: grey, RGB, RGBA.
    private static let channelCounts: Set<Int> = [1, 3, 4]

    /// The shape of an array of `dimensions` (rank 2 only when `allowTable`); errors name `path` and call
    /// the array `subject` ("the image array") and its dimensions `written` ("(50, 28, 28)").
    static func make(
        dimensions: [Int], layout: ChannelLayout?, allowTable: Bool, written: String, subject: String,
        path: String
    ) throws -> ImageArrayShape {
        let shape: ImageArrayShape
        switch dimensions.count {
        case 2 where allowTable:
            shape = ImageArrayShape(
                count: dimensions[0], sample: SampleShape(features: dimensions[1]), channelsLast: false)
        case 3:
            shape = ImageArrayShape(
                count: dimensions[0],
                sample: SampleShape(channels: 1, rows: dimensions[1], cols: dimensions[2]),
                channelsLast: false)
        case 4:
            let channelsLast: Bool
            switch layout ?? inferredLayout(dimensions) {
            case .nchw?: channelsLast = false
            case .nhwc?: channelsLast = true
            case nil:
                throw DatasetError.corrupt(
                    path: path,
                    reason:
                        "cannot tell whether \(subject) \(written) is samples × channels × height × width or "
                        + "samples × height × width × channels: declare `layout: nchw` or `layout: nhwc`")
            }
            let (c, h, w) =
                channelsLast
                ? (dimensions[3], dimensions[1], dimensions[2])
                : (dimensions[1], dimensions[2], dimensions[3])
            shape = ImageArrayShape(
                count: dimensions[0], sample: SampleShape(channels: c, rows: h, cols: w),
                channelsLast: channelsLast)
        default:
            let expected =
                allowTable
                ? "2 (samples × features), 3 (samples × height × width) or 4 (with channels)"
                : "3 (samples × height × width) or 4 (with channels)"
            throw DatasetError.corrupt(
                path: path,
                reason: "\(subject) has \(dimensions.count) dimensions \(written); expected \(expected)")
        }
        guard dimensions.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw DatasetError.corrupt(path: path, reason: "\(subject) \(written) has no values per sample")
        }
        return shape
    }

    /// `.nhwc` when only the last dimension looks like a channel count, `.nchw` when only the second does.
    private static func inferredLayout(_ dimensions: [Int]) -> ChannelLayout? {
        let second = channelCounts.contains(dimensions[1])
        let last = channelCounts.contains(dimensions[3])
        if last && !second { return .nhwc }
        if second && !last { return .nchw }
        return nil
    }

    /// `values` in NCHW order: as they are, or reordered from NHWC.
    func channelsFirst<Element>(_ values: [Element]) -> [Element] {
        guard channelsLast, sample.channels > 1 else { return values }
        let c = sample.channels
        let plane = sample.rows * sample.cols
        let perSample = c * plane
        return [Element](unsafeUninitializedCapacity: values.count) { output, initialized in
            guard let out = output.baseAddress else { return }
            values.withUnsafeBufferPointer { input in
                for n in 0..<values.count / perSample {
                    let base = n * perSample
                    for p in 0..<plane {
                        for k in 0..<c {
                            (out + base + k * plane + p).initialize(to: input[base + p * c + k])
                        }
                    }
                }
            }
            initialized = values.count
        }
    }
}
