import Foundation
import Testing
import TestSupport

extension FaultTests {
    /// Slots claimed ahead of their instant (reservations), and a daemon killed -9 between the
    /// claim and the instant: the slot never runs twice; it runs once when the restart comes before
    /// its instant (the wall clock provably did not reach it), and is recorded abandoned when the
    /// restart comes after (the run may have started).
    @Suite struct Reservations {
        /// The task's period; the fault daemon reserves `lead` seconds ahead instead of 2.
        static let period = 20, lead = 6

        static let config = Fault.header() + """
                every20:
                  command: ["/bin/sh", "-c", "echo \\"$V6_SCHEDULED_AT $V6_RUN_ID\\" >> {{DIR}}/slots"]
                  frequency: "\(period)s"
                  market_phase: any
                  days: every_day
                  timeout_seconds: 10

            """

        /// Starts `daemon` with the fault hooks once the next occurrence is at least 12 s away (so the
        /// first reservation, `lead` seconds before it, comes after the start); returns that occurrence.
        func startPaused(_ daemon: DaemonHarness) throws -> Date {
            let now = Date().timeIntervalSince1970
            let next = (now / Double(Self.period)).rounded(.up) * Double(Self.period)
            if next - now < 12 { Thread.sleep(forTimeInterval: next - now + 0.5) }
            try daemon.start(environment: ["V6_FAULT_STOP_AT": "after-reserve", "V6_FAULT_RESERVATION_LEAD": "\(Self.lead)"])
            let runs = (try daemon.json(["next", "--json", "--limit", "1"])["runs"] as? [[String: Any]]) ?? []
            let at = (runs.first?["at"] as? String).flatMap(ISO8601DateFormatter().date(from:))
            return try #require(at, "the next occurrence: \(runs)")
        }

        /// The instants the task itself recorded, each as often as it ran.
        func ranAt(_ daemon: DaemonHarness) -> [String] {
            ((try? String(contentsOfFile: daemon.directory.file("slots"), encoding: .utf8)) ?? "")
                .split(separator: "\n").map { String($0.split(separator: " ")[0]) }
        }

        func iso(_ date: Date) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "America/New_York")
            return formatter.string(from: date)
        }

        @Test func killedAfterTheClaimAndRestartedAfterTheInstantItIsAbandonedNotRun() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-resv-late")
            defer { daemon.stop() }
            let due = try startPaused(daemon)
            #expect(waitUntil(timeout: 30) { ProcFS.entry(daemon.pid)?.state == "T" }, "the daemon reached after-reserve")
            #expect(Date() < due, "stopped before the instant")
            daemon.crash()
            // The instant passes while nothing runs; then the restart.
            Thread.sleep(forTimeInterval: max(0, due.timeIntervalSinceNow) + 1.5)
            try daemon.start()
            let runs = try Fault.history(daemon, "every20")
            let atDue = runs.filter { ($0["scheduled_at"] as? String).flatMap(ISO8601DateFormatter().date(from:)) == due }
            #expect(atDue.count == 1, "one record for the reserved slot: \(runs)")
            #expect(atDue.first?["outcome"] as? String == "abandoned", "\(atDue)")
            #expect((atDue.first?["reason"] as? String)?.contains("may have started") == true, "\(atDue)")
            // The next occurrence runs as usual, and the reserved one never did.
            #expect(Fault.waitForStarts(daemon, "every20", beyond: 0, more: 1, timeout: Double(Self.period) + 10))
            #expect(waitUntil(timeout: 5) { !ranAt(daemon).isEmpty })
            #expect(!ranAt(daemon).contains(iso(due)), "the reserved slot did not run: \(ranAt(daemon))")
            print("FIGURE: reservation killed -9 before its instant, restarted after it: recorded \(atDue.first?["outcome"] ?? "-"), ran \(ranAt(daemon).filter { $0 == iso(due) }.count) time(s)")
            #expect(daemon.stop() == 0)
        }

        @Test func killedAfterTheClaimAndRestartedBeforeTheInstantItRunsOnce() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-resv-early")
            defer { daemon.stop() }
            let due = try startPaused(daemon)
            #expect(waitUntil(timeout: 30) { ProcFS.entry(daemon.pid)?.state == "T" }, "the daemon reached after-reserve")
            daemon.crash()
            try daemon.start()
            #expect(Date() < due, "restarted before the instant (\(Self.lead) s after the claim at most)")
            #expect(!daemon.logLines(containing: "reservation released").isEmpty, "\(daemon.log)")
            #expect(waitUntil(timeout: max(0, due.timeIntervalSinceNow) + 10) { ranAt(daemon).contains(iso(due)) },
                    "the slot ran after all: \(ranAt(daemon))")
            let runs = try Fault.history(daemon, "every20")
            let atDue = runs.filter { ($0["scheduled_at"] as? String).flatMap(ISO8601DateFormatter().date(from:)) == due }
            #expect(atDue.map { $0["outcome"] as? String } == ["success"], "\(runs)")
            #expect(ranAt(daemon).filter { $0 == iso(due) }.count == 1)
            print("FIGURE: reservation killed -9 before its instant, restarted before it: released, ran \(ranAt(daemon).filter { $0 == iso(due) }.count) time(s)")
            #expect(daemon.stop() == 0)
        }
    }
}
