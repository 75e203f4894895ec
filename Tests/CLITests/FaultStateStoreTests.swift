import Foundation
import Testing
import TestSupport

/// True when a tmpfs can be mounted here; otherwise prints why the test is skipped.
func canMount(_ test: String) -> Bool {
    guard let reason = TmpfsMount.unavailableReason else { return true }
    print("SKIP: \(test): \(reason)")
    return false
}

extension FaultTests {
    /// The state directory fills up or is read-only (a small tmpfs mounted on it; root only):
    /// scheduling goes on, the failure is logged at error level and shown by `v6ctl status`,
    /// toggles are refused rather than silently lost, and all recovers once the disk is back.
    @Suite struct StateStore {
        static let config = Fault.header() + Fault.tick + """
                idle:
                  command: ["/bin/true"]
                  at: "03:00"
                  days: [saturday]

            """

        /// What the checks while failing and after recovery found, for the FIGURE line.
        struct Observed {
            var ticksWhileFailing = 0
            var recoverySeconds = 0.0
            var stateError = ""
        }

        /// While the store fails: ticks go on, an error-level log line names the store, status
        /// shows it (JSON and text), and a toggle is refused.
        static func checkFailing(_ daemon: DaemonHarness, _ what: String) throws -> Observed {
            var observed = Observed()
            var stateError: String?
            #expect(waitUntil(timeout: 20, interval: 0.25) {
                stateError = (try? Fault.status(daemon))?["state_error"] as? String
                return stateError != nil
            }, "\(what): v6ctl status --json shows state_error")
            observed.stateError = stateError ?? ""
            let errors = LogScan.lines(in: daemon.logPath, containing: "state store").filter { $0.level == "error" }
            #expect(!errors.isEmpty, "\(what): an error-level log line mentions the state store")
            let text = try daemon.v6ctl(["status"])
            #expect(text.stdout.contains("STATE STORE FAILING"), "\(what): v6ctl status shows the STATE STORE line:\n\(text.stdout)")
            let toggle = try daemon.v6ctl(["disable", "idle"])
            #expect(toggle.status != 0, "\(what): a toggle that cannot be saved is refused: \(toggle.stdout)")
            let before = Fault.startCount(daemon, "tick")
            #expect(Fault.waitForStarts(daemon, "tick", beyond: before, more: 3), "\(what): tick keeps firing")
            observed.ticksWhileFailing = Fault.startCount(daemon, "tick") - before
            return observed
        }

        /// After the disk is back: status clears within the 30 s retry (+ slack), toggles work.
        static func checkRecovered(_ daemon: DaemonHarness, _ what: String, since: Date, into observed: inout Observed) throws {
            let recovered = waitUntil(timeout: 45, interval: 1) {
                let status = try? Fault.status(daemon)
                return status != nil && status?["state_error"] == nil
            }
            observed.recoverySeconds = Date().timeIntervalSince(since)
            #expect(recovered, "\(what): state_error cleared within 45 s")
            let toggle = try daemon.v6ctl(["disable", "idle"])
            #expect(toggle.status == 0, "\(what): toggles work again: \(toggle.stderr)")
            #expect(try Fault.show(daemon, "idle")["enabled"] as? Bool == false)
            #expect(LogScan.lines(in: daemon.logPath, containing: "state store recovered").count >= 1)
            let before = Fault.startCount(daemon, "tick")
            #expect(Fault.waitForStarts(daemon, "tick", beyond: before), "\(what): tick still fires")
            // And its runs are recorded again.
            let formatter = ISO8601DateFormatter()
            #expect(waitUntil(timeout: 10, interval: 0.5) {
                let newest = (try? Fault.history(daemon, "tick", limit: 1))?.first?["started_at"] as? String
                return (newest.flatMap(formatter.date(from:)) ?? .distantPast) >= since.addingTimeInterval(-1)
            }, "\(what): tick's runs are in the history again")
        }

        @Test(.enabled("needs root to mount a tmpfs (CI runs as root)") { canMount("state directory full") })
        func fullStateDirectoryKeepsSchedulingAndRecovers() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-full")
            let disk = try TmpfsMount(at: daemon.stateDirectory, sizeKiB: 8 * 1024)
            defer { disk.unmount() }
            try daemon.start()
            defer { daemon.stop() }
            #expect(Fault.waitForStarts(daemon, "tick", beyond: 0))
            #expect(try daemon.v6ctl(["enable", "idle"]).status == 0)

            let filled = disk.fill()
            var observed = try Self.checkFailing(daemon, "disk full")

            try FileManager.default.removeItem(atPath: disk.path + "/filler")
            try Self.checkRecovered(daemon, "disk full", since: Date(), into: &observed)
            print(String(format: "FIGURE: state-store full: tmpfs_KiB=8192 filler_bytes=%d ticks_while_failing=%d recovery_s=%.1f state_error=\"%@\"",
                         filled, observed.ticksWhileFailing, observed.recoverySeconds, observed.stateError))
            #expect(daemon.stop() == 0)
        }

        @Test(.enabled("needs root to mount a tmpfs (CI runs as root)") { canMount("state directory read-only") })
        func readOnlyStateDirectoryKeepsSchedulingAndRecovers() throws {
            // Read-only from the start: the kernel refuses to remount read-only (EBUSY) while the
            // daemon holds state.db open for writing, so a running daemon cannot be surprised by
            // it; a daemon starting on a read-only disk (a remount after an I/O error) can.
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-ro")
            let disk = try TmpfsMount(at: daemon.stateDirectory, sizeKiB: 8 * 1024, readOnly: true)
            defer { disk.unmount() }
            let started = Date()
            try daemon.start()
            defer { daemon.stop() }
            var observed = try Self.checkFailing(daemon, "read-only")

            try disk.remount(readOnly: false)
            let remounted = Date()
            try Self.checkRecovered(daemon, "read-only", since: remounted, into: &observed)
            print(String(format: "FIGURE: state-store read-only at start: ticks_while_failing=%d recovery_s_after_remount=%.1f (daemon up %.1f s; retry every 30 s) state_error=\"%@\"",
                         observed.ticksWhileFailing, observed.recoverySeconds, Date().timeIntervalSince(started), observed.stateError))
            #expect(daemon.stop() == 0)
        }

        @Test(.enabled("needs root to mount a tmpfs (CI runs as root)") { canMount("state directory remounted read-only") })
        func remountingReadOnlyUnderTheDaemonIsRefusedByTheKernel() throws {
            // Why the read-only case above starts read-only: with state.db open for writing,
            // `mount -o remount,ro` fails with EBUSY (Linux refuses a read-only remount while a
            // file on it is open for writing), and the daemon keeps working.
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-remount")
            let disk = try TmpfsMount(at: daemon.stateDirectory, sizeKiB: 8 * 1024)
            defer { disk.unmount() }
            try daemon.start()
            defer { daemon.stop() }
            let refusal: String
            do {
                try disk.remount(readOnly: true)
                refusal = ""
                Issue.record("the kernel remounted the state directory read-only under an open state.db")
                try? disk.remount(readOnly: false)
            } catch {
                refusal = "\(error)"
            }
            #expect(refusal.contains("busy"), "\(refusal)")
            #expect(try daemon.v6ctl(["disable", "idle"]).status == 0)
            print("FIGURE: state-store remount read-only under a running daemon: \(refusal.isEmpty ? "allowed" : refusal)")
            #expect(daemon.stop() == 0)
        }
    }
}
