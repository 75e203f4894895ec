/// UTC-offset history of one time zone as a sorted transition table, with RFC 5545
/// local-time resolution.
///
/// The table is read once, from the system's TZif file (`ZoneRules+System.swift`) or from
/// Foundation's bundled zone data (`ZoneRules+Bundled.swift`), and then used alone: lookups are
/// a binary search (fast, `Sendable`, no locale state), and the gap and overlap rules are ours,
/// not whatever a platform calendar happens to do. It covers 1883 (railway time) to 2300.
public struct ZoneRules: Sendable {
    public let identifier: String
    /// Transition instants (UTC seconds), ascending.
    let transitions: [Int64]
    /// `offsets[i]` is the offset (seconds east of UTC) in force from `transitions[i]` on.
    let offsets: [Int]
    /// Offset in force before the first transition.
    let initialOffset: Int

    /// Where the table came from: the system's TZif file or the bundled data, and its version.
    public let origin: ZoneDataOrigin

    init(identifier: String, transitions: [Int64], offsets: [Int], initialOffset: Int, origin: ZoneDataOrigin) {
        self.identifier = identifier
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
        self.origin = origin
    }

    /// America/New_York, loaded once per process: from the system's zone files (`$TZDIR`, else
    /// /usr/share/zoneinfo), or from the bundled data when they are missing or unreadable.
    public static let newYork: ZoneRules = {
        do { return try load(identifier: "America/New_York") } catch {
            fatalError("\(error)")
        }
    }()

    /// The offset (seconds east of UTC) in force at `instant`.
    public func offset(at instant: Instant) -> Int {
        // Index of the last transition at or before the instant.
        var low = 0, high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid] <= instant.seconds { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? initialOffset : offsets[low - 1]
    }

    /// The instant at which the local wall clock shows `time` on `date`, per RFC 5545:
    /// a time inside a gap is read with the offset before the gap, and a time that
    /// occurs twice means its first occurrence.
    public func instant(date: LocalDate, time: TimeOfDay) -> Instant {
        instant(localSeconds: Int64(date.dayNumber) * 86_400 + Int64(time.seconds))
    }

    /// Local midnight that starts `date` (New York never changes offset at midnight,
    /// but the rule above would resolve it if a zone did).
    public func startOfDay(_ date: LocalDate) -> Instant {
        instant(localSeconds: Int64(date.dayNumber) * 86_400)
    }

    /// Resolves a local wall time given as seconds since 1970-01-01T00:00 local.
    public func instant(localSeconds local: Int64) -> Instant {
        // Last transition whose earlier local reading is at or before `local`.
        var low = 0, high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid] + Int64(min(before(mid), offsets[mid])) <= local { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return Instant(seconds: local - Int64(initialOffset)) }
        let i = low - 1
        let b = before(i), a = offsets[i]
        if local < transitions[i] + Int64(max(b, a)) {
            return Instant(seconds: local - Int64(b))  // in the gap or the repeated hour
        }
        return Instant(seconds: local - Int64(a))
    }

    @inline(__always)
    private func before(_ i: Int) -> Int { i == 0 ? initialOffset : offsets[i - 1] }

    /// The local date and time of day at `instant`, and the offset used.
    public func local(_ instant: Instant) -> (date: LocalDate, time: TimeOfDay, offset: Int) {
        let off = offset(at: instant)
        let local = instant.seconds + Int64(off)
        let days = floorDiv(local, 86_400)
        return (LocalDate(dayNumber: Int(days)), TimeOfDay(seconds: Int(local - days * 86_400)), off)
    }

    /// ISO-8601 with the local offset: `2026-11-27T09:30:00-05:00`.
    public func iso8601(_ instant: Instant) -> String {
        let (date, time, offset) = local(instant)
        return date.description + "T" + time.hhmmss + ZoneRules.offsetString(offset)
    }

    /// `-05:00`, `+00:00`.
    public static func offsetString(_ offset: Int) -> String {
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        return sign + pad(magnitude / 3600, 2) + ":" + pad(magnitude / 60 % 60, 2)
    }

    /// Every transition as (instant, offset before, offset after), for tests and docs.
    public var allTransitions: [(instant: Instant, before: Int, after: Int)] {
        transitions.indices.map { (Instant(seconds: transitions[$0]), before($0), offsets[$0]) }
    }
}
