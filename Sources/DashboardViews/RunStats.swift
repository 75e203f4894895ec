import ControlProtocol
import MarketCalendar

/// Figures over a set of runs: success rate, duration and lateness percentiles, runs per day.
/// Pure: runs in, numbers out.
public struct RunStats: Sendable, Equatable {
    /// Runs that ended (success, failed, fatal, timeout, abandoned).
    public let finished: Int
    public let succeeded: Int
    public let durationP50MS: Int64?
    public let durationP95MS: Int64?
    /// Seconds from the slot to the start, scheduled runs only.
    public let latenessP50: Int64?
    public let latenessP99: Int64?
    /// Runs started per ET day, oldest first.
    public let perDay: [(date: LocalDate, count: Int)]
    /// CPU time of a run (user + system), median, of the runs that report it.
    public let cpuP50MS: Int64?
    /// The largest peak resident memory of those runs.
    public let maxRSSBytes: Int64?

    public static func == (a: RunStats, b: RunStats) -> Bool {
        a.finished == b.finished && a.succeeded == b.succeeded && a.durationP50MS == b.durationP50MS && a.durationP95MS == b.durationP95MS
            && a.latenessP50 == b.latenessP50 && a.latenessP99 == b.latenessP99 && a.perDay.map(\.date) == b.perDay.map(\.date)
            && a.perDay.map(\.count) == b.perDay.map(\.count) && a.cpuP50MS == b.cpuP50MS && a.maxRSSBytes == b.maxRSSBytes
    }

    /// Success rate in 0...1, nil without finished runs.
    public var successRate: Double? { finished == 0 ? nil : Double(succeeded) / Double(finished) }

    /// The runs that started at or after `since` (all when nil).
    public init(_ runs: [RunInfo], since: Instant? = nil, zone: ZoneRules = .newYork) {
        let parsed: [(run: RunInfo, start: Instant?)] = runs.map { ($0, $0.startedAt.flatMap { InstantParser.parse($0, zone: zone) }) }
        let window = parsed.filter { entry in
            guard let since else { return true }
            guard let start = entry.start ?? entry.run.scheduledAt.flatMap({ InstantParser.parse($0, zone: zone) }) else { return false }
            return start >= since
        }
        let ended = window.filter { [.success, .failed, .fatal, .timeout, .abandoned].contains($0.run.outcome) }
        finished = ended.count
        succeeded = ended.filter { $0.run.outcome == .success }.count
        let durations = window.compactMap { $0.run.durationMS }.sorted()
        durationP50MS = RunStats.percentile(durations, 50)
        durationP95MS = RunStats.percentile(durations, 95)
        let lateness: [Int64] = window.compactMap { entry in
            guard entry.run.trigger == .schedule, let start = entry.start,
                  let slot = entry.run.scheduledAt.flatMap({ InstantParser.parse($0, zone: zone) }) else { return nil }
            return max(0, start - slot)
        }.sorted()
        latenessP50 = RunStats.percentile(lateness, 50)
        latenessP99 = RunStats.percentile(lateness, 99)
        cpuP50MS = RunStats.percentile(window.compactMap { $0.run.cpuMS }.sorted(), 50)
        maxRSSBytes = window.compactMap { $0.run.maxRSSBytes }.max()
        var days: [LocalDate: Int] = [:]
        for entry in window { if let start = entry.start { days[zone.local(start).date, default: 0] += 1 } }
        perDay = days.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Nearest-rank percentile of sorted values.
    public static func percentile(_ sorted: [Int64], _ p: Int) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = max(1, Int((Double(p) / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(sorted.count, rank) - 1]
    }

    /// `97.5%`.
    public static func percent(_ rate: Double?) -> String {
        guard let rate else { return "–" }
        let tenths = Int((rate * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
