/// A list of tick values with the number of decimals their labels need.
struct TickScale: Equatable {
    /// The tick values, ascending. The first and last are the axis limits.
    var values: [Double]
    /// Decimal places that show every tick exactly (0 for whole numbers).
    var decimals: Int

    /// The lowest tick, the axis lower limit.
    var lower: Double { values.first ?? 0 }
    /// The highest tick, the axis upper limit.
    var upper: Double { values.last ?? 1 }
}
