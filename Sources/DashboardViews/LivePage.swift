import ControlProtocol

/// A run started from the dashboard: its output as it arrives (server-sent events, with the
/// lines so far in the page for readers without JavaScript) and then its outcome.
public enum LivePage {
    /// One line of the page's output.
    public enum Line: Sendable {
        case output(stderr: Bool, text: String)
        case note(String)
    }

    public static func render(task: String, key: String, lines: [Line], dropped: Int, outcome: RunInfo?, failure: String?,
                              context: PageContext) -> HTML {
        let shown: [HTML] = lines.map { line in
            switch line {
            case .output(let stderr, let text): stderr ? "<span class=\"stderr\">\(text)\n</span>" : "\(text)\n"
            case .note(let text): "<span class=\"note\">\(text)\n</span>"
            }
        }
        let droppedNote: HTML = dropped > 0 ? "<p class=\"muted\">(\(dropped) earlier lines not shown)</p>" : .empty
        var result: HTML = "<p id=\"outcome\" class=\"pending\" aria-live=\"polite\">Running… <a href=\"/live/\(key)\">reload</a> to see more without JavaScript.</p>"
        if let outcome {
            result = "<p id=\"outcome\" class=\"done\" data-outcome=\"\(outcome.outcome.rawValue)\">Final outcome: \(summary(outcome)) · <a href=\"/runs/\(outcome.runID)\">run \(outcome.runID)</a></p>"
        } else if let failure {
            result = "<p id=\"outcome\" class=\"done error\" data-outcome=\"error\">\(failure)</p>"
        }
        let live = outcome == nil && failure == nil
        return Layout.page("Run: \(task)", section: .today, context: context, body: """
            <p><a href="/tasks/\(URLText.encode(task))">\(task)</a> · output as the daemon streams it</p>
            \(droppedNote)
            <pre id="live-output" class="output"\(live ? HTML(trusted: " data-events=\"/live/\(key)/events\"") : .empty)>\(shown)</pre>
            \(result)
            """)
    }

    /// `success, exit 0, 3.0 s` and the reason when there is one.
    public static func summary(_ run: RunInfo) -> HTML {
        let parts = [Badges.exit(run), TimeText.duration(ms: run.durationMS), run.reason ?? ""].filter { !$0.isEmpty && $0 != "–" }
        return "\(Badges.outcome(run.outcome)) \(parts.joined(separator: ", "))"
    }

    /// The second question before running a task past its calendar.
    public static func confirmForce(task: String, withDependents: Bool = false, context: PageContext) -> HTML {
        let chain: HTML = withDependents ? "<input type=\"hidden\" name=\"with_dependents\" value=\"1\">" : .empty
        return Layout.page("Force a run?", section: .today, context: context, body: """
            <p>Run <strong>\(task)</strong> now, ignoring its <code>days:</code> rule (also on a holiday or a weekend) and its upstreams (<code>after:</code>)?</p>
            <form method="post" action="/tasks/\(URLText.encode(task))/run">\(context.csrfField)<input type="hidden" name="force" value="1">\(chain)<input type="hidden" name="confirmed" value="1"><button class="warn">Yes, run it now</button></form>
            <p><a href="/">No, back to Today</a></p>
            """)
    }
}
