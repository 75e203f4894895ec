import Foundation
import Testing
import TestSupport

/// The daemon against a real notify socket, as systemd (Type=notify-reload, WatchdogSec=)
/// would see it: READY=1, watchdog pings, RELOADING=1 ... READY=1 for SIGHUP and `v6ctl
/// reload` (also when the new config is rejected), STOPPING=1 on SIGTERM, in that order.
@Suite(.serialized) struct E2ENotifyTests {
    typealias Datagram = NotifySocketListener.Datagram

    static let config = E2E.header + """
            e2e_ticker:
              command: ["/bin/true"]
              frequency: "1s"
              market_phase: any
              days: every_day
              timeout_seconds: 1

        """

    /// The lifecycle notifications among datagrams, by name.
    static func lifecycle(_ datagrams: [Datagram]) -> [String] {
        datagrams.compactMap { datagram in
            let a = datagram.assignments
            if a["STOPPING"] == "1" { return "STOPPING" }
            if a["RELOADING"] == "1" { return "RELOADING" }
            if a["READY"] == "1" { return "READY" }
            return nil
        }
    }

    /// Waits for one more reload (RELOADING=1 then READY=1) after the `before` datagrams seen so
    /// far; checks MONOTONIC_USEC and STATUS=.
    static func expectReload(_ notify: NotifySocketListener, pid: Int32, after before: Int, _ what: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        notify.wait(from: pid) { lifecycle(Array($0.dropFirst(before))) == ["RELOADING", "READY"] }
        let datagrams = Array(notify.received(from: pid).dropFirst(before))
        #expect(lifecycle(datagrams) == ["RELOADING", "READY"], "\(what): \(datagrams)", sourceLocation: sourceLocation)
        let reloading = datagrams.first { $0.assignments["RELOADING"] == "1" }
        let usec = reloading?.assignments["MONOTONIC_USEC"].flatMap(UInt64.init) ?? 0
        #expect(usec > 0, "\(what): RELOADING=1 without MONOTONIC_USEC: \(datagrams)", sourceLocation: sourceLocation)
        let ready = datagrams.first { $0.assignments["READY"] == "1" }
        #expect(ready?.assignments["STATUS"]?.isEmpty == false, "\(what): READY=1 without STATUS=", sourceLocation: sourceLocation)
    }

    static func tickerRuns(_ daemon: DaemonHarness) -> Int { daemon.logLines(containing: "[e2e_ticker run=", "finished: success").count }

    @Test func readyWatchdogReloadsAndStopReachTheNotifySocketInOrder() throws {
        let daemon = try DaemonHarness(config: Self.config)
        let notify = try NotifySocketListener(path: daemon.directory.file("notify.sock"))
        notify.startDraining()
        defer { notify.stopDraining() }
        // WATCHDOG_PID stays unset: sd_watchdog_enabled() would want it to be the daemon's pid.
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "2000000"])
        defer { daemon.stop() }
        let pid = daemon.pid
        let count = { notify.received(from: pid).count }

        #expect(notify.wait(from: pid) { Self.lifecycle($0) == ["READY"] })
        let ready = notify.received(from: pid).first { $0.assignments["READY"] == "1" }
        #expect(ready?.assignments["STATUS"]?.isEmpty == false, "\(String(describing: ready))")

        // WATCHDOG_USEC=2 s: the daemon pings at half of it, so a few pings come in a few seconds.
        let pingsSoFar = { notify.received(from: pid).filter { $0.assignments["WATCHDOG"] == "1" } }
        #expect(notify.wait(from: pid, timeout: 10) { _ in pingsSoFar().count >= 3 }, "\(notify.received(from: pid))")
        let pings = pingsSoFar().map(\.received.timeIntervalSince1970)
        let gaps = zip(pings.dropFirst(), pings).map { ($0 - $1).rounded(toPlaces: 2) }
        print("E2ENotifyTests: gaps between WATCHDOG=1 pings (s): \(gaps)")

        var before = count()
        kill(pid, SIGHUP)
        Self.expectReload(notify, pid: pid, after: before, "SIGHUP")
        #expect(daemon.waitForLog("reloaded (SIGHUP)"))

        before = count()
        #expect(try daemon.v6ctl(["reload"]).status == 0)
        Self.expectReload(notify, pid: pid, after: before, "v6ctl reload")

        // A broken config: rejected with FILE:LINE, the old one keeps running.
        let broken = Self.config.replacingOccurrences(of: "{{DIR}}", with: daemon.directory.path) + """
                e2e_broken:
                  command: ["/bin/true"]
                  frequency: "often"

            """
        try daemon.directory.write("config.yaml", broken)
        let badLine = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("often") }! + 1
        let location = "\(daemon.configPath):\(badLine):"

        before = count()
        kill(pid, SIGHUP)
        Self.expectReload(notify, pid: pid, after: before, "SIGHUP with a broken config")
        #expect(daemon.waitForLog("reload (SIGHUP) rejected"))
        #expect(!daemon.logLines(containing: "reload (SIGHUP) rejected", location).isEmpty, "\(daemon.log)")

        before = count()
        let rejected = try daemon.v6ctl(["reload"])
        #expect(rejected.status == 1)
        #expect(rejected.stderr.contains(location), "\(rejected.stderr)")
        #expect(rejected.stderr.contains("reload_failed"))
        Self.expectReload(notify, pid: pid, after: before, "v6ctl reload with a broken config")
        #expect(!daemon.logLines(containing: "reload (uid \(getuid())", "rejected", location).isEmpty, "\(daemon.log)")

        #expect(try daemon.taskStatus("e2e_broken") == nil)
        let firing = Self.tickerRuns(daemon)
        #expect(E2E.poll(timeout: 10) { Self.tickerRuns(daemon) > firing }, "the old config stopped firing")

        #expect(daemon.stop() == 0)
        #expect(notify.wait(from: pid, timeout: 5) { Self.lifecycle($0).last == "STOPPING" })
        let expected = ["READY", "RELOADING", "READY", "RELOADING", "READY", "RELOADING", "READY", "RELOADING", "READY", "STOPPING"]
        let actual = Self.lifecycle(notify.received(from: pid))
        #expect(actual == expected)
        // Only the daemon itself notified (tasks do not inherit NOTIFY_SOCKET).
        #expect(notify.received().allSatisfy { $0.senderPID == pid }, "\(notify.received().filter { $0.senderPID != pid })")
    }
}

private extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
