import Foundation
import Testing
import TestSupport

extension FaultTests {
    /// The watchdog pings' timing, against a notify socket of our own (systemd's end of it).
    ///
    /// With WATCHDOG_USEC=1000000 the daemon pings WATCHDOG=1 every 0.5 s. A daemon stopped with
    /// SIGSTOP (or stuck in a loop) sends none: under systemd, WatchdogSec= elapsing without a
    /// ping makes systemd kill the service with SIGABRT (WatchdogSignal=) and, with
    /// Restart=on-failure as in systemd/v6-scheduler.service.in (WatchdogSec=30s, RestartSec=5s),
    /// start it again; runs it had open then show as `abandoned`. Here nobody
    /// restarts it: the test checks the silence, then that pings resume after SIGCONT.
    @Suite struct Watchdog {
        static let config = Fault.header() + Fault.tick

        @Test func pingsStopWhileTheDaemonIsStoppedAndResumeAfter() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-watchdog")
            let listener = try NotifySocketListener(path: daemon.directory.file("notify.sock"))
            listener.startDraining()
            defer { listener.stopDraining() }
            try daemon.start(environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "1000000"])
            let pid = daemon.pid
            func now() -> Double { Date().timeIntervalSince1970 }
            /// Arrival times of the daemon's WATCHDOG=1 datagrams.
            func pings() -> [Double] {
                listener.received(from: pid).filter { $0.text.split(separator: "\n").contains("WATCHDOG=1") }
                    .map { $0.received.timeIntervalSince1970 }
            }
            defer {
                kill(pid, SIGCONT)  // a stopped daemon would hold SIGTERM pending forever
                daemon.stop()
            }

            // Running: pings (at half the interval; the exact spacing is a figure, printed below).
            #expect(waitUntil(timeout: 30, interval: 0.1) { pings().count >= 5 }, "pings while running: \(pings().count)")
            let running = pings()
            let runningGaps = zip(running.dropFirst(), running).map { $0 - $1 }
            let median = LogScan.percentile(runningGaps, 50) ?? 0
            // What systemd needs: more than one ping per WatchdogSec= (here 1 s), typically.
            #expect(median < 1.0, "median interval \(median) s, the watchdog interval is 1 s")

            // Stopped for 2 s, twice the watchdog interval: silence. The sleep is the length of the
            // fault, not a wait for something not to happen: a stopped process cannot send.
            kill(pid, SIGSTOP)
            #expect(waitUntil(timeout: 5) { ProcessProbe.stat(pid)?.state == "T" }, "the daemon is stopped")
            let stoppedAt = now()
            Thread.sleep(forTimeInterval: 2.0)
            let resumedAt = now()
            // A datagram sent just before the stop may arrive a moment after it.
            let during = pings().filter { $0 > stoppedAt + 0.05 && $0 < resumedAt }
            #expect(during.isEmpty, "no pings while stopped, got \(during.count)")
            let lastBefore = pings().last { $0 <= stoppedAt + 0.05 } ?? stoppedAt

            // Continued: pings resume.
            kill(pid, SIGCONT)
            #expect(waitUntil(timeout: 30, interval: 0.1) { pings().filter { $0 >= resumedAt }.count >= 2 }, "pings after SIGCONT")
            let after = pings().filter { $0 >= resumedAt }
            let silence = (after.first ?? resumedAt) - lastBefore
            #expect(silence > 1.0, "the silence exceeded the 1 s watchdog interval (what makes systemd act)")
            let afterGaps = zip(after.dropFirst(), after).map { $0 - $1 }

            // The daemon still works after its stop.
            #expect(try daemon.v6ctl(["status"]).status == 0)
            func ms(_ seconds: Double?) -> String { seconds.map { String(format: "%.0f", $0 * 1000) } ?? "-" }
            print("FIGURE: watchdog WATCHDOG_USEC=1000000 running pings=\(running.count) interval_ms p50=\(ms(median)) min=\(ms(runningGaps.min())) max=\(ms(runningGaps.max())); intervals_ms=[\(runningGaps.map { ms($0) }.joined(separator: ","))]")
            print("FIGURE: watchdog SIGSTOP 2 s: pings_while_stopped=\(during.count) silence_ms=\(ms(silence)) first_ping_after_SIGCONT_ms=\(ms((after.first ?? resumedAt) - resumedAt)) pings_after=\(after.count) intervals_after_ms=[\(afterGaps.map { ms($0) }.joined(separator: ","))]")
            #expect(daemon.stop() == 0)
        }
    }
}
