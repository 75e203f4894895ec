import ControlClient
import ControlProtocol
import DashboardViews
import Hummingbird
import MarketCalendar

extension Dashboard {
    /// The runs of the last days, newest first, read page by page (`cursor` / `next_cursor`: the
    /// daemon bounds each answer) until a page ends before `since`, or `limit` runs were read.
    /// `complete` is false when the limit cut it short.
    func runs(task: String? = nil, since: Instant, limit: Int = 20_000) async throws(ControlClientError) -> (runs: [RunInfo], complete: Bool) {
        var runs: [RunInfo] = []
        var cursor: Int64? = nil
        let zone = ZoneRules.newYork
        repeat {
            let page = try await gateway.call(.history(task: task, limit: min(ProtocolLimits.maxListLimit, limit - runs.count), cursor: cursor),
                                              as: HistoryResult.self)
            runs += page.runs.filter { run in (HistoryScan.instant(of: run, zone: zone) ?? since) >= since }
            cursor = page.nextCursor
            // Runs are stored in the order they started (or were due): a page that reaches back
            // before `since` is the last one needed.
            if let oldest = page.runs.last, let at = HistoryScan.instant(of: oldest, zone: zone), at < since { return (runs, true) }
        } while cursor != nil && runs.count < limit
        return (runs, cursor == nil)
    }

    /// The History page: one page of runs from `cursor` on. Filtered by task in the daemon; by
    /// outcome, trigger and dates here, reading pages until a screenful matched or
    /// `HistoryScan.maxScanned` runs were read (the page then says how far it looked).
    func historyPage(_ filter: HistoryPage.Filter, cursor: Int64?, time: TimeText) async throws(ControlClientError) -> HistoryPage.Slice {
        guard filter.needsScan else {
            let page = try await gateway.call(.history(task: filter.task, limit: HistoryPage.pageSize, cursor: cursor), as: HistoryResult.self)
            return HistoryPage.Slice(runs: page.runs, next: page.nextCursor, scanned: page.runs.count)
        }
        let zone = time.zone
        let start = filter.from.map(zone.startOfDay)
        var slice = HistoryPage.Slice(runs: [], next: cursor, scanned: 0)
        repeat {
            let page = try await gateway.call(.history(task: filter.task, limit: HistoryScan.pageSize, cursor: slice.next), as: HistoryResult.self)
            slice.runs += page.runs.filter { filter.matches($0, time: time) }
            slice.scanned += page.runs.count
            slice.next = page.nextCursor
            // Older pages hold older runs: once one reaches back before `from`, nothing further matches.
            if let start, let oldest = page.runs.last, let at = HistoryScan.instant(of: oldest, zone: zone), at < start { slice.next = nil }
        } while slice.next != nil && slice.runs.count < HistoryPage.pageSize && slice.scanned < HistoryScan.maxScanned
        return slice
    }
}

/// How the History page reads the daemon's history when it filters itself.
enum HistoryScan {
    /// Runs per request while scanning.
    static let pageSize = 200
    /// At most this many runs read for one page of results.
    static let maxScanned = 5_000

    /// When a run started, else when it was due, else when it ended.
    static func instant(of run: RunInfo, zone: ZoneRules) -> Instant? {
        (run.startedAt ?? run.scheduledAt ?? run.finishedAt).flatMap { InstantParser.parse($0, zone: zone) }
    }
}
