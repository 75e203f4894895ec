/// One line of the daemon's log: its own messages and its tasks' output.
public struct LogLine: Sendable, Equatable {
    public let time: String
    public let level: String
    public let task: String?
    public let text: String

    public init(time: String, level: String, task: String?, text: String) {
        self.time = time
        self.level = level
        self.task = task
        self.text = text
    }

    /// A line of the daemon's plain log file:
    /// `2026-11-27T09:30:00.123-05:00 info  [collect run=12] message key=value`.
    public static func parse(fileLine line: Substring) -> LogLine? {
        let parts = line.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].count >= 19, parts[0].dropFirst(4).hasPrefix("-") else { return nil }
        var rest = parts[1].drop(while: { $0 == " " })
        let level = rest.prefix(while: { $0 != " " })
        rest = rest.dropFirst(level.count).drop(while: { $0 == " " })
        var task: String? = nil
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let inside = rest[rest.index(after: rest.startIndex)..<close]
            let first = inside.split(separator: " ").first.map(String.init)
            task = first.flatMap { $0.hasPrefix("run=") ? nil : $0 }
            rest = rest[rest.index(after: close)...].drop(while: { $0 == " " })
        }
        return LogLine(time: String(parts[0]), level: String(level), task: task, text: String(rest))
    }

    /// Levels from most to least severe, as swift-log and journald name them.
    public static let levels = ["critical", "error", "warning", "notice", "info", "debug", "trace"]

    /// At least as severe as `minimum`.
    public func isAtLeast(_ minimum: String) -> Bool {
        guard let mine = LogLine.levels.firstIndex(of: level), let floor = LogLine.levels.firstIndex(of: minimum) else { return true }
        return mine <= floor
    }
}

/// Page 5, Logs: the daemon's and the tasks' lines, filtered by level and task, newest first,
/// with a live tail (server-sent events) for browsers with JavaScript.
public enum LogsPage {
    public static func render(_ lines: [LogLine], source: String?, level: String?, task: String?, taskNames: [String],
                              context: PageContext) -> HTML {
        let rows = HTML.join(lines.reversed().map { line in
            "<tr class=\"level-\(line.level)\"><td>\(line.time)</td><td>\(line.level)</td><td>\(line.task)</td><td>\(line.text)</td></tr>"
        })
        let levelOptions = HTML.join(["<option value=\"\">any</option>"] + LogLine.levels.map { "<option value=\"\($0)\"\($0 == level ? HTML(trusted: " selected") : .empty)>\($0) and worse</option>" as HTML })
        let taskOptions = HTML.join(["<option value=\"\">all</option>"] + taskNames.map { "<option\($0 == task ? HTML(trusted: " selected") : .empty)>\($0)</option>" as HTML })
        let events = URLText.link("/logs/events", [("level", level), ("task", task)])
        let sourceNote: HTML = source.map { "<p class=\"muted\">Source: \($0). Newest first; the live tail adds new lines at the top.</p>" }
            ?? "<p class=\"banner error\">No log to show: the daemon writes no log file (enable_logging with a log_directory) and its journal is not readable here.</p>"
        return Layout.page("Logs", section: .logs, context: context, body: """
            <section>
            <form method="get" action="/logs" class="filters"><label>Level <select name="level">\(levelOptions)</select></label>
            <label>Task <select name="task">\(taskOptions)</select></label><button>Filter</button></form>
            \(sourceNote)
            <table class="log" id="log-table"\(source == nil ? .empty : HTML(trusted: " data-events=\"\(HTML.escape(events))\""))><thead><tr><th>time</th><th>level</th><th>task</th><th>line</th></tr></thead><tbody>\(rows)</tbody></table>
            </section>
            """)
    }
}
