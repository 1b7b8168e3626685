/// Consecutive bars of a `BarChart` that belong together, such as the seed runs of one sweep
/// member: drawn side by side in the group's colour, each under its own short name (its seed),
/// with the group's label once under them all.
public struct BarGroup: Sendable, Equatable {
    /// The group's name, e.g. the member's label; it decides the colour, as in line charts.
    public var label: String
    /// How many bars, from where the previous group ends, belong to it.
    public var count: Int

    /// Creates a group of the next `count` bars.
    public init(label: String, count: Int) {
        self.label = label
        self.count = count
    }
}
