/// A point symbol drawn along a curve, the second visual cue after colour.
///
/// Markers tell series apart once a report has more labels than the palette has colours;
/// line dashes are not used for that, because a dashed line already means "validation".
public enum Marker: String, CaseIterable, Sendable {
    /// No symbol: the series is told apart by colour alone.
    case none
    case circle
    case square
    case triangle
    case diamond
}
