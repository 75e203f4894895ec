import Foundation
import Testing
import TestSupport

/// A timeout that reaches a grandchild ignoring SIGTERM, and no zombies left under the daemon,
/// with the real binary. (Retry spacing and exit 2 are checked at exact instants in
/// DaemonTests' `ClockedDaemonTests.Retries`; two daemons sharing run ids in `FaultTests.Isolation`.)
@Suite(.serialized) struct E2ESchedulingTests {
    /// Zombies among the daemon's children, after giving its reaper a moment.
    static func expectNoZombies(under daemon: DaemonHarness, sourceLocation: SourceLocation = #_sourceLocation) {
        var zombies: [ProcFS.Entry] = []
        let clean = E2E.poll(timeout: 20) {
            zombies = ProcFS.zombies(childrenOf: daemon.pid)
            return zombies.isEmpty
        }
        #expect(clean, "zombies under the daemon: \(zombies)", sourceLocation: sourceLocation)
    }

    @Test func aTimeoutKillsAGrandchildThatIgnoresSIGTERM() throws {
        let daemon = try DaemonHarness(config: E2E.header + """
                e2e_stubborn:
                  command: ["/bin/sh", "{{DIR}}/stubborn.sh", "{{DIR}}/grandchild.pid"]
                  at: "03:00"
                  days: every_day
                  timeout_seconds: 1
                  kill_grace_seconds: 1

            """)
        // The grandchild ignores SIGTERM (inherited through exec) and outlives its parent shell,
        // which dies of the SIGTERM: only the group-wide SIGKILL after the grace can end it.
        try E2E.script(daemon.directory, "stubborn.sh", """
            /bin/sh -c 'trap "" TERM; echo $$ > "$1.tmp"; mv "$1.tmp" "$1"; exec sleep 300' grandchild "$1" &
            wait
            """)
        let pidFile = daemon.directory.file("grandchild.pid")
        try daemon.start()
        defer { daemon.stop() }

        let started = try daemon.json(["run-now", "e2e_stubborn"])
        #expect(started["outcome"] as? String == "running")
        #expect(E2E.poll(timeout: 10) { ProcFS.pid(fromFile: pidFile) != nil })
        let grandchild = try #require(ProcFS.pid(fromFile: pidFile))
        #expect(ProcFS.isRunning(grandchild))
        let sigIgn = (try? String(contentsOfFile: "/proc/\(grandchild)/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            .flatMap { UInt64($0.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
        #expect(sigIgn & (1 << (UInt64(SIGTERM) - 1)) != 0, "the grandchild does not ignore SIGTERM")

        let runs = try daemon.waitForRuns(of: "e2e_stubborn", count: 1)
        #expect(runs.first?["outcome"] as? String == "timeout")
        #expect(E2E.poll(timeout: 20) { !ProcFS.isRunning(grandchild) }, "grandchild \(grandchild) survived the timeout")
        #expect(!daemon.logLines(containing: "[e2e_stubborn run=", "finished: timeout").isEmpty)
        Self.expectNoZombies(under: daemon)
    }
}
