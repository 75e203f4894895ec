import Foundation
import Testing
import TestSupport

/// `--log-target journal` against a real systemd-journald (in a private /run, see
/// `StandaloneJournald`), read back with journalctl as an operator would.
@Suite(.serialized) struct E2EJournaldTests {
    static let config = E2E.header + """
            e2e_journal:
              command: ["/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"]
              at: "03:00"
              days: every_day

        """

    @Test(.enabled(if: StandaloneJournald.unavailableReason == nil,
                   "\(StandaloneJournald.unavailableReason ?? ""): a standalone systemd-journald is needed"))
    func taskOutputAndRunEndsAreJournalEntries() throws {
        let journald = try StandaloneJournald()
        defer { journald.stop() }  // after the daemon (defers run in reverse)
        let daemon = try DaemonHarness(config: Self.config)
        daemon.launcher = journald.launcher
        try daemon.start(arguments: ["--log-target", "journal"])
        defer { daemon.stop() }

        let run = try daemon.v6ctl(["run-now", "e2e_journal", "--wait"])
        #expect(run.status == 3)
        let runID = try #require(try daemon.runs(of: "e2e_journal").first?["run_id"] as? Int).description

        let entries = try journald.entries(["V6_TASK=e2e_journal"], atLeast: 3)
        let stdout = entries.first { $0["MESSAGE"] == "to-stdout" }
        #expect(stdout?["SYSLOG_IDENTIFIER"] == "e2e_journal")
        #expect(stdout?["PRIORITY"] == "6")
        #expect(stdout?["V6_RUN_ID"] == runID)
        #expect(stdout?["V6_STREAM"] == "stdout")
        let stderr = entries.first { $0["MESSAGE"] == "to-stderr" }
        #expect(stderr?["SYSLOG_IDENTIFIER"] == "e2e_journal")
        #expect(stderr?["PRIORITY"] == "4")
        #expect(stderr?["V6_RUN_ID"] == runID)
        #expect(stderr?["V6_STREAM"] == "stderr")

        let end = try #require(entries.first { $0["V6_OUTCOME"] != nil }, "no run-end entry in \(entries)")
        #expect(end["V6_OUTCOME"] == "failed")
        #expect(end["V6_EXIT_CODE"] == "3")
        #expect(end["V6_RUN_ID"] == runID)
        #expect(end["V6_DURATION_MS"].flatMap(Int.init) != nil, "\(end)")
        #expect(end["MESSAGE"]?.hasPrefix("finished: failed") == true, "\(end)")

        // `journalctl -t TASK`: the task's output like any syslog program's.
        let tagged = try journald.entries(["-t", "e2e_journal"], atLeast: 2)
        #expect(Set(tagged.compactMap { $0["MESSAGE"] }).isSuperset(of: ["to-stdout", "to-stderr"]))
        #expect(tagged.allSatisfy { $0["SYSLOG_IDENTIFIER"] == "e2e_journal" })
        // The daemon's own entries are under its name; nothing went to stderr.
        let own = try journald.entries(["-t", "v6-scheduler"], atLeast: 1)
        #expect(own.contains { $0["MESSAGE"]?.contains("ready") == true })
        #expect(!daemon.log.contains("to-stdout"), "\(daemon.log)")

        // `v6ctl logs` reads the same journal (in journald's namespace).
        let logs = try Command.run(journald.launcher[0], Array(journald.launcher.dropFirst())
            + [Command.path(of: "v6ctl"), "--socket", daemon.socketPath, "logs", "e2e_journal", "-n", "20"])
        #expect(logs.status == 0, "v6ctl logs: \(logs.stderr)")
        #expect(logs.stdout.contains("to-stdout") && logs.stdout.contains("to-stderr"), "\(logs.stdout)")
        #expect(!logs.stdout.contains("no journal entries"))
    }
}
