/// A point in time: whole seconds since 1970-01-01T00:00:00Z.
///
/// Schedules are defined to the second, and whole seconds make instants exact keys
/// (the daemon's "each slot runs once" rule depends on equality).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public static func < (a: Instant, b: Instant) -> Bool { a.seconds < b.seconds }

    /// The earliest and latest instants: arithmetic stops there instead of trapping, so that a
    /// duration too large to add means "never" rather than a crash.
    public static let distantPast = Instant(seconds: .min)
    public static let distantFuture = Instant(seconds: .max)

    /// `self + delta` seconds, saturating at `distantPast` and `distantFuture`.
    public func adding(seconds delta: Int64) -> Instant {
        let (sum, overflow) = seconds.addingReportingOverflow(delta)
        guard overflow else { return Instant(seconds: sum) }
        return delta > 0 ? .distantFuture : .distantPast
    }

    public static func + (a: Instant, seconds: Int64) -> Instant { a.adding(seconds: seconds) }

    /// `a - seconds`, saturating like `adding(seconds:)`.
    public static func - (a: Instant, seconds: Int64) -> Instant {
        let (difference, overflow) = a.seconds.subtractingReportingOverflow(seconds)
        guard overflow else { return Instant(seconds: difference) }
        return seconds > 0 ? .distantPast : .distantFuture
    }

    /// Seconds from `b` to `a`, saturating at `Int64.min` and `Int64.max`.
    public static func - (a: Instant, b: Instant) -> Int64 {
        let (difference, overflow) = a.seconds.subtractingReportingOverflow(b.seconds)
        guard overflow else { return difference }
        return a.seconds > b.seconds ? .max : .min
    }

    /// UTC ISO-8601, `2026-11-27T14:30:00Z`: the storage form.
    public var utcISO8601: String {
        let days = Int(floorDiv(seconds, 86_400))
        let secs = Int(seconds - Int64(days) * 86_400)
        return LocalDate(dayNumber: days).description + "T" + TimeOfDay(seconds: secs).hhmmss + "Z"
    }

    public var description: String { utcISO8601 }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
