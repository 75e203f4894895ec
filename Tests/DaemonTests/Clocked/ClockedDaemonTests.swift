import ControlProtocol
import Foundation
import MarketCalendar
import Testing
import TestSupport

/// The daemon itself (the `Daemon` actor with real task processes, a real `state.db` and a real
/// control socket) on a `ManualClock`: catch-up at restart, overlap, `max_concurrent_tasks`,
/// retry spacing, clock steps, runtime toggles and the `on_failure` hook, each at exact instants
/// and without a sleep. Time moves only when a test moves it, so "nothing else started" is
/// asserted right after the clock moved: nothing can start until it moves again or a run ends.
///
/// `make test` runs these suites in a test process of their own: the daemons answer on Swift's
/// cooperative threads, which synchronous E2E tests in the same process hold for seconds (v6ctl
/// then timed out). The suites are extensions of this one and run one at a time: a hook's output file is named by run id in the process's temporary
/// folder (`/tmp/v6-<run id>.tail`), which two of these daemons failing the same run id at once
/// would share.
@Suite(.serialized) struct ClockedDaemonTests {}

/// Shared by the clocked tests.
enum Clocked {
    /// The config header of these tests, with `extra` lines under `scheduler:`.
    static func header(_ extra: String = "") -> String {
        """
        scheduler:
          working_directory: "{{DIR}}"
          state_directory: "{{DIR}}/state"
          control_socket: "{{DIR}}/control.sock"
          kill_grace_seconds: 1
        \(extra.isEmpty ? "" : extra.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n")  tasks:

        """
    }

    /// A shell command that marks its start (`started-<run id>`) and then waits until the test
    /// creates `release-<run id>` in the same folder: a run that lasts exactly as long as the test wants.
    static let heldUntilReleased =
        #"["/bin/sh", "-c", "echo $$ > {{DIR}}/started-$V6_RUN_ID; while [ ! -e {{DIR}}/release-$V6_RUN_ID ]; do sleep 0.02; done"]"#

    /// Ends a `heldUntilReleased` run.
    static func release(_ runID: Int64, in daemon: ClockedDaemon) throws {
        try daemon.directory.write("release-\(runID)", "")
    }

    /// The ET instant of an ISO text as the daemon writes it (`2026-11-25T10:00:00-05:00`).
    static func instant(_ iso: String?) -> Instant? { iso.flatMap { InstantParser.parse($0, zone: ZoneRules.newYork) } }

    static func iso(_ text: String) -> String { ZoneRules.newYork.iso8601(ManualClock.instant(text)) }

    /// When the daemon says the next attempt comes: its reason reads "attempt N at <instant>; ...".
    static func retryInstant(of run: RunInfo?) -> Instant? {
        guard let reason = run?.reason, let match = reason.firstMatch(of: #/attempt \d+ at (\S+?)(;|$)/#) else { return nil }
        return instant(String(match.1))
    }

    /// Processes carrying the run's `V6_RUN_KEY`: once the run has ended, only an `on_failure`
    /// hook (which runs under the failed run's key) can.
    static func carriers(of runID: Int64, in daemon: ClockedDaemon) -> [ProcessProbe.Identity] {
        ProcessProbe.carriers(withPrefix: "V6_RUN_KEY=\(daemon.stateDirectory)/\(runID)").filter { identity in
            // The prefix also matches run 10 for run 1: compare the whole entry.
            let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(identity.pid)/environ"))) ?? Data()
            return environ.split(separator: 0).contains { Array($0) == Array("V6_RUN_KEY=\(daemon.stateDirectory)/\(runID)".utf8) }
        }
    }
}
