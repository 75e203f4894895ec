import ControlProtocol

/// Small recurring pieces: outcome badges, exit text, yes/no.
public enum Badges {
    public static func outcome(_ outcome: RunOutcome) -> HTML {
        "<span class=\"badge \(outcome.rawValue)\">\(outcome.rawValue)</span>"
    }

    /// `exit 0`, `signal 9`, or nothing.
    public static func exit(_ run: RunInfo) -> String {
        if let code = run.exitCode { return "exit \(code)" }
        if let signal = run.signal { return "signal \(signal)" }
        return ""
    }

    /// Outcome, exit, duration and when, linked to the run's page.
    public static func run(_ run: RunInfo, time: TimeText) -> HTML {
        let exit = Badges.exit(run)
        let parts = [exit, TimeText.duration(ms: run.durationMS)].filter { !$0.isEmpty && $0 != "–" }.joined(separator: ", ")
        let at = run.startedAt ?? run.scheduledAt
        return "<a href=\"/runs/\(run.runID)\">\(outcome(run.outcome))</a> <span class=\"muted\">\(parts)</span> \(time.element(at))"
    }

    /// What a run cost the machine: `1.2 s CPU, 64 MiB` (the kernel's accounting at the reap), or `–`.
    public static func cost(_ run: RunInfo) -> String {
        let parts = [run.cpuMS.map { "\(TimeText.duration(ms: $0)) CPU" }, run.maxRSSBytes.map(bytes)].compactMap { $0 }
        return parts.isEmpty ? "–" : parts.joined(separator: ", ")
    }

    /// `512 KiB`, `64.0 MiB`, `1.5 GiB`.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit <= 1 { return "\(Int(value.rounded())) \(units[unit])" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
