import MarketCalendar
import Scheduling

/// One alert, service-neutral: the payload renderers (Slack, Discord, webhook, e-mail) turn it
/// into each service's format and trim it to each service's limits.
public struct AlertMessage: Sendable, Equatable {
    /// How an alert looks: the colour of a Slack/Discord attachment, the e-mail's subject tag.
    public enum Severity: String, Sendable {
        case critical, warning, ok, info
    }

    public var kind: AlertEventKind
    public var severity: Severity
    /// `collect failed`, `collect recovered`, `v6-scheduler started on desk1`.
    public var title: String
    /// One or two sentences: what happened, how often.
    public var text: String
    public var task: String?
    public var runID: String?
    public var outcome: String?
    public var exitCode: Int32?
    public var signal: Int32?
    public var attempt: Int?
    public var durationMs: Int64?
    /// ET ISO-8601 with offset.
    public var scheduledAt: String?
    /// Final failures in the current streak (failed, recovered).
    public var failures: Int?
    /// When the streak began (ET ISO-8601).
    public var streakSince: String?
    public var reason: String?
    public var outputTail: [String]
    public var usage: RunUsage?
    /// The run's page on the dashboard, when `dashboard_url` is set.
    public var link: String?
    public var host: String
    /// When the alert was raised (ET ISO-8601).
    public var sentAt: String
    /// Sent by `v6ctl notify test`.
    public var isTest: Bool

    public init(kind: AlertEventKind, severity: Severity, title: String, text: String, task: String? = nil, runID: String? = nil,
                outcome: String? = nil, exitCode: Int32? = nil, signal: Int32? = nil, attempt: Int? = nil, durationMs: Int64? = nil,
                scheduledAt: String? = nil, failures: Int? = nil, streakSince: String? = nil, reason: String? = nil,
                outputTail: [String] = [], usage: RunUsage? = nil, link: String? = nil, host: String, sentAt: String, isTest: Bool = false) {
        self.kind = kind
        self.severity = severity
        self.title = title
        self.text = text
        self.task = task
        self.runID = runID
        self.outcome = outcome
        self.exitCode = exitCode
        self.signal = signal
        self.attempt = attempt
        self.durationMs = durationMs
        self.scheduledAt = scheduledAt
        self.failures = failures
        self.streakSince = streakSince
        self.reason = reason
        self.outputTail = outputTail
        self.usage = usage
        self.link = link
        self.host = host
        self.sentAt = sentAt
        self.isTest = isTest
    }

    /// The facts shown as fields (Slack, Discord) or lines (e-mail), in this order; absent ones left out.
    public var facts: [(name: String, value: String)] {
        var facts: [(String, String)] = []
        if let task { facts.append(("Task", task)) }
        if let outcome { facts.append(("Outcome", outcome)) }
        if let exitCode { facts.append(("Exit code", String(exitCode))) }
        if let signal { facts.append(("Signal", AlertText.signalName(signal))) }
        if let attempt { facts.append(("Attempt", String(attempt))) }
        if let durationMs { facts.append(("Duration", AlertText.duration(ms: durationMs))) }
        if let scheduledAt { facts.append(("Scheduled", scheduledAt)) }
        if let failures, failures > 0 { facts.append(("Failures in a row", String(failures))) }
        if let streakSince { facts.append(("Failing since", streakSince)) }
        if let usage {
            facts.append(("CPU time", AlertText.cpu(usage.cpuSeconds)))
            facts.append(("Peak memory", AlertText.bytes(usage.maxRSSBytes)))
        }
        if let runID { facts.append(("Run", runID)) }
        facts.append(("Host", host))
        return facts
    }
}

/// Small text helpers shared by the renderers.
public enum AlertText {
    /// `850ms`, `4.1s`, `2m3s`, `1h2m`.
    public static func duration(ms: Int64) -> String {
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 { return "\(ms / 1000).\(ms % 1000 / 100)s" }
        if ms < 3_600_000 { return "\(ms / 60_000)m\(ms / 1000 % 60)s" }
        return "\(ms / 3_600_000)h\(ms / 60_000 % 60)m"
    }

    /// `0.12 s`, `3.40 s`.
    public static func cpu(_ seconds: Double) -> String {
        let hundredths = Int64((seconds * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s"
    }

    /// `512 KiB`, `48.2 MiB`, `1.5 GiB`.
    public static func bytes(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 || value >= 100 { return "\(Int64(value.rounded())) \(units[unit])" }
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    /// `9 (SIGKILL)`.
    public static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV",
                                      13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM"]
        return names[signal].map { "\(signal) (\($0))" } ?? String(signal)
    }

    /// The last lines of `lines` that fit in `maxLines` lines and `maxCharacters` characters
    /// (newlines counted); a single line longer than the budget keeps its end, after "…".
    public static func tail(_ lines: [String], maxLines: Int, maxCharacters: Int) -> [String] {
        var kept: [String] = []
        var used = 0
        for line in lines.reversed() {
            guard kept.count < maxLines else { break }
            let cost = line.count + 1
            if used + cost > maxCharacters {
                if kept.isEmpty, maxCharacters > 2 { kept.append("…" + String(line.suffix(maxCharacters - 2))) }
                break
            }
            kept.append(line)
            used += cost
        }
        return kept.reversed()
    }

    /// `text` cut to `limit` characters, ending in "…" when cut.
    public static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(0, limit - 1))) + "…"
    }
}
