import ControlProtocol
import MarketCalendar

/// Page 4, History: every run, filtered by task, outcome, trigger and date range, paged; and a
/// run's own page with its whole stored output.
public enum HistoryPage {
    public static let pageSize = 50

    /// The filters of the page, from its query string.
    public struct Filter: Sendable, Equatable {
        public var task: String?
        public var outcome: RunOutcome?
        public var trigger: RunTrigger?
        public var from: LocalDate?
        public var to: LocalDate?
        public init(task: String? = nil, outcome: RunOutcome? = nil, trigger: RunTrigger? = nil, from: LocalDate? = nil, to: LocalDate? = nil) {
            self.task = task
            self.outcome = outcome
            self.trigger = trigger
            self.from = from
            self.to = to
        }

        /// From query fields; unknown values are ignored (and named in `problems`).
        public init(query: [String: String], problems: inout [String]) {
            func value(_ key: String) -> String? { query[key].flatMap { $0.isEmpty ? nil : $0 } }
            task = value("task")
            outcome = value("outcome").flatMap { RunOutcome(rawValue: $0) }
            trigger = value("trigger").flatMap { RunTrigger(rawValue: $0) }
            from = value("from").flatMap { LocalDate(parsing: $0) }
            to = value("to").flatMap { LocalDate(parsing: $0) }
            if let v = value("outcome"), outcome == nil { problems.append("outcome '\(v)' is not one of \(RunOutcome.allCases.map(\.rawValue).joined(separator: ", "))") }
            if let v = value("trigger"), trigger == nil { problems.append("trigger '\(v)' is not one of \(RunTrigger.allCases.map(\.rawValue).joined(separator: ", "))") }
            if let v = value("from"), from == nil { problems.append("from '\(v)' is not a date YYYY-MM-DD") }
            if let v = value("to"), to == nil { problems.append("to '\(v)' is not a date YYYY-MM-DD") }
        }

        /// True when the filter has more than the task, which the daemon's `history` filters on.
        public var needsScan: Bool { outcome != nil || trigger != nil || from != nil || to != nil }

        public func matches(_ run: RunInfo, time: TimeText) -> Bool {
            if let task, run.task != task { return false }
            if let outcome, run.outcome != outcome { return false }
            if let trigger, run.trigger != trigger { return false }
            if from != nil || to != nil {
                guard let at = time.instant(run.startedAt ?? run.scheduledAt) else { return false }
                let date = time.zone.local(at).date
                if let from, date < from { return false }
                if let to, date > to { return false }
            }
            return true
        }

        var query: [(String, String?)] {
            [("task", task), ("outcome", outcome?.rawValue), ("trigger", trigger?.rawValue), ("from", from?.description), ("to", to?.description)]
        }
    }

    /// One page of runs, newest first, and where the next (older) page starts.
    public struct Slice: Sendable {
        public var runs: [RunInfo]
        /// The daemon's `next_cursor` after this page; nil at the oldest run.
        public var next: Int64?
        /// How many runs were read to find these (more than `runs` when filtered here).
        public var scanned: Int
        public init(runs: [RunInfo], next: Int64?, scanned: Int) {
            self.runs = runs
            self.next = next
            self.scanned = scanned
        }
    }

    /// Where this page is in the history: its `cursor` (nil: the newest runs) and the cursors of
    /// the pages before it (`prev`, newest first; `-` for the first page), for the "newer" link.
    public struct Position: Sendable, Equatable {
        public var cursor: Int64?
        public var previous: [Int64?]
        public static let maxPrevious = 50

        public init(cursor: Int64? = nil, previous: [Int64?] = []) {
            self.cursor = cursor
            self.previous = Array(previous.suffix(Self.maxPrevious))
        }

        /// From `cursor` and `prev` (`-,1571,1400`) in the query; unusable values are ignored.
        public init(query: [String: String]) {
            let cursor = query["cursor"].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
            let previous: [Int64?] = cursor == nil ? [] : (query["prev"] ?? "").split(separator: ",").map { Int64($0).flatMap { $0 > 0 ? $0 : nil } }
            self.init(cursor: cursor, previous: previous)
        }

        var query: [(String, String?)] {
            [("cursor", cursor.map(String.init)), ("prev", previous.isEmpty ? nil : previous.map { $0.map(String.init) ?? "-" }.joined(separator: ","))]
        }

        /// The next (older) page's position.
        func older(_ next: Int64) -> Position { Position(cursor: next, previous: previous + [cursor]) }
        /// The previous (newer) page's position; nil on the first page.
        var newer: Position? { cursor == nil ? nil : Position(cursor: previous.last ?? nil, previous: Array(previous.dropLast())) }
    }

    public static func render(_ slice: Slice, filter: Filter, position: Position, taskNames: [String], problems: [String], context: PageContext) -> HTML {
        let time = context.time
        let rows = HTML.join(slice.runs.map { run in
            "<tr><td><a href=\"/runs/\(run.runID)\">\(run.runID)</a></td><td><a href=\"/tasks/\(URLText.encode(run.task))\">\(run.task)</a></td><td>\(run.trigger.rawValue)\(run.attempt > 1 ? " #\(run.attempt)" : "")</td><td>\(time.element(run.scheduledAt))</td><td>\(time.element(run.startedAt))</td><td>\(LivePage.summary(run))</td><td>\(Badges.cost(run))</td></tr>"
        })
        func options(_ values: [String], selected: String?) -> HTML {
            HTML.join(["<option value=\"\">any</option>"] + values.map { "<option\($0 == selected ? HTML(trusted: " selected") : .empty)>\($0)</option>" })
        }
        let problemHTML: HTML = problems.isEmpty ? .empty : "<p class=\"banner error\">Ignored: \(problems.joined(separator: "; "))</p>"
        func link(_ at: Position) -> String { URLText.link("/history", filter.query + at.query) }
        var links: [HTML] = []
        if position.cursor != nil { links.append("<a href=\"\(link(Position()))\">« newest</a>") }
        if let newer = position.newer { links.append("<a rel=\"prev\" href=\"\(link(newer))\">‹ newer</a>") }
        let shown: HTML = slice.runs.isEmpty ? "<span>no runs</span>" : "<span>\(slice.runs.count) runs\(slice.scanned > slice.runs.count ? " (of \(slice.scanned) looked at)" : "")</span>"
        links.append(shown)
        if let next = slice.next { links.append("<a rel=\"next\" href=\"\(link(position.older(next)))\">older ›</a>") }
        let nav: HTML = "<p class=\"pager\">\(HTML.join(links, separator: " "))</p>"
        return Layout.page("History", section: .history, context: context, body: """
            <section>
            \(problemHTML)
            <form method="get" action="/history" class="filters">
            <label>Task <select name="task">\(options(taskNames, selected: filter.task))</select></label>
            <label>Outcome <select name="outcome">\(options(RunOutcome.allCases.map(\.rawValue), selected: filter.outcome?.rawValue))</select></label>
            <label>Trigger <select name="trigger">\(options(RunTrigger.allCases.map(\.rawValue), selected: filter.trigger?.rawValue))</select></label>
            <label>From <input type="date" name="from" value="\(filter.from?.description)"></label>
            <label>To <input type="date" name="to" value="\(filter.to?.description)"></label>
            <button>Filter</button></form>
            \(nav)
            <table id="history"><thead><tr><th>run</th><th>task</th><th>trigger</th><th>slot</th><th>started</th><th>outcome</th><th>CPU / peak memory</th></tr></thead><tbody>\(rows)</tbody></table>
            \(nav)
            <p class="muted">Newest first, \(pageSize) a page. The daemon keeps history_limit runs per task.</p>
            </section>
            """)
    }

    /// One run with its whole stored output (the last 64 KiB the daemon keeps).
    public static func run(_ run: RunInfo, context: PageContext) -> HTML {
        let time = context.time
        let rows: [(String, HTML)] = [
            ("task", "<a href=\"/tasks/\(URLText.encode(run.task))\">\(run.task)</a>"),
            ("outcome", LivePage.summary(run)),
            ("trigger", "\(run.trigger.rawValue), attempt \(run.attempt)"),
            ("slot", time.element(run.scheduledAt)),
            ("started", time.element(run.startedAt)),
            ("finished", time.element(run.finishedAt)),
            ("CPU / peak memory", "\(Badges.cost(run))"),
        ]
        let output = run.outputTail ?? []
        return Layout.page("Run \(run.runID)", section: .history, context: context, body: """
            <section><dl class="config">\(rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd><dd></dd>" as HTML })</dl></section>
            <section><h2>Output</h2>\(output.isEmpty ? HTML(stringLiteral: "<p class=\"muted\">No output stored.</p>") : "<pre class=\"output\" id=\"run-output\">\(output.joined(separator: "\n"))</pre>")</section>
            """)
    }
}
