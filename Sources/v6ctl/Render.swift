import ControlProtocol
import Foundation
import MarketCalendar

/// Turns the daemon's results into lines that fit 100 columns, ET times with their offset.
enum Render {
    static let zone = ZoneRules.newYork
    static let colour = isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func now() -> Instant { Instant(seconds: Int64(Date().timeIntervalSince1970)) }

    /// `10:35` today, `11-28 10:35` another day (the table header names the offset).
    static func short(_ iso: String?, now: Instant = now()) -> String {
        guard let iso, let instant = InstantParser.parse(iso, zone: zone) else { return "-" }
        let local = zone.local(instant), today = zone.local(now).date
        let time = local.time.hhmm
        return local.date == today ? time : "\(pad2(local.date.month))-\(pad2(local.date.day)) \(time)"
    }

    /// `in 4m`, `3m ago`.
    static func relative(_ iso: String?, now: Instant = now()) -> String {
        guard let iso, let instant = InstantParser.parse(iso, zone: zone) else { return "" }
        let delta = instant - now
        return delta >= 0 ? Duration.words(delta) : Duration.words(-delta).replacingOccurrences(of: "in ", with: "") + " ago"
    }

    /// The offset now, for table headers: `ET, UTC-05:00`.
    static func offsetNote(now: Instant = now()) -> String {
        "times ET, UTC" + ZoneRules.offsetString(zone.offset(at: now))
    }

    static func duration(_ ms: Int64?) -> String {
        guard let ms else { return "" }
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 { return String(format: "%.1fs", Double(ms) / 1000) }
        if ms < 3_600_000 { return "\(ms / 60_000)m\(ms / 1000 % 60)s" }
        return "\(ms / 3_600_000)h\(ms / 60_000 % 60)m"
    }

    /// `812K`, `48.2M`, `1.5G` (binary units), or nothing.
    static func bytes(_ bytes: Int64?) -> String {
        guard let bytes else { return "" }
        let units = ["B", "K", "M", "G", "T"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 || value >= 100 ? "\(Int64(value.rounded()))\(units[unit])" : String(format: "%.1f", value) + units[unit]
    }

    static func outcome(_ outcome: RunOutcome) -> String {
        let text = outcome.rawValue
        guard colour else { return text }
        switch outcome {
        case .success: return "\u{1B}[32m\(text)\u{1B}[0m"
        case .failed, .fatal, .timeout, .abandoned: return "\u{1B}[31m\(text)\u{1B}[0m"
        default: return "\u{1B}[33m\(text)\u{1B}[0m"
        }
    }

    /// `exit 1`, `signal 9`, or nothing.
    static func exit(_ run: RunInfo) -> String {
        if let code = run.exitCode { return "exit \(code)" }
        if let signal = run.signal { return "signal \(signal)" }
        return ""
    }

    static func lastRun(_ run: RunInfo?) -> String {
        guard let run else { return "never" }
        let when = short(run.startedAt ?? run.finishedAt ?? run.scheduledAt)
        return [when, outcome(run.outcome), duration(run.durationMS)].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// `1h`, `1h30m`, `4m`, `30s`.
    static func span(_ seconds: Int) -> String {
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        let text = (h > 0 ? "\(h)h" : "") + (m > 0 ? "\(m)m" : "") + (s > 0 ? "\(s)s" : "")
        return text.isEmpty ? "0s" : text
    }

    /// `waiting for final_data_collection until 19:00 (then skipped)`.
    static func waiting(_ task: TaskStatus) -> String {
        let upstreams = (task.waitingFor ?? []).joined(separator: ", ")
        guard let until = task.waitingUntil else {
            return "waiting for \(upstreams) (runs once \(task.waitingFor?.count == 1 ? "it has" : "they have") succeeded)"
        }
        return "waiting for \(upstreams) until \(short(until)) (then skipped)"
    }

    static func cut(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// `10,000`.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `system tzdata 2025b (/usr/share/zoneinfo/America/New_York)`, `bundled 2025b (system file not used: ...)`.
    static func zoneData(_ zone: ZoneDataInfo) -> String {
        switch zone.source {
        case "system": return "system tzdata \(zone.version)" + (zone.file.map { " (\($0))" } ?? "")
        default: return "\(zone.source) zone data \(zone.version)" + (zone.note.map { " (system file not used: \($0))" } ?? "")
        }
    }

    private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
