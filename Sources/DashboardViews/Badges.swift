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
}
