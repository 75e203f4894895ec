import Foundation
import Synchronization
import Testing
import TestSupport

extension FaultTests {
    /// Tasks that abuse their output: a flood of hundreds of MB, closed pipes, a double-forked
    /// orphan that keeps the pipes open.
    @Suite struct Output {
        /// 1 GB of x in lines of 99 (fold adds the newlines): 10,101,011 lines (V6_FAULT_SCALE=quick:
        /// 300 MB, 3,030,304 lines).
        static let floodBytes = FaultScale.pick(quick: 300_000_000, full: 1_000_000_000)
        static let floodLineLength = 99
        static var floodLines: Int { (floodBytes + floodLineLength - 1) / floodLineLength }

        /// A shell task in block form (the script needs both kinds of quotes), scheduled only at
        /// 03:00 on Saturdays: the tests start it with `run-now --force`.
        static func shellTask(_ name: String, timeout: Int, _ script: String) -> String {
            let body = script.split(separator: "\n", omittingEmptySubsequences: false).map { "            " + $0 }.joined(separator: "\n")
            return """
                \(name):
                  command:
                    - /bin/sh
                    - -c
                    - |
            \(body)
                  at: "03:00"
                  days: [saturday]
                  timeout_seconds: \(timeout)

            """
        }

        static let config = Fault.header() + Fault.tick
            + shellTask("flood", timeout: 900,
                        "head -c \(floodBytes) /dev/zero | tr '\\0' 'x' | fold -w \(floodLineLength)")
            + shellTask("closes_stdout", timeout: 60, "exec >&- 2>&-\nsleep 3")
            + shellTask("double_fork", timeout: 60, """
                (setsid sh -c 'echo $$ > {{DIR}}/orphan.pid; exec sleep 300' &)
                (setsid sh -c 'trap "" TERM; echo $$ > {{DIR}}/stubborn.pid; while :; do sleep 1; done' &)
                while [ ! -s {{DIR}}/orphan.pid ] || [ ! -s {{DIR}}/stubborn.pid ]; do sleep 0.05; done
                echo started two orphans
                exit 0
                """)

        /// Behaviour only: every line arrives, the run succeeds, and the 1 s task keeps starting
        /// while the flood runs. How much memory the daemon needs and how late the ticks are
        /// during a flood are figures for `make bench` (Tests/Benchmarks/bench_flood.py), not
        /// thresholds here: a loaded machine moves them.
        @Test func anOutputFloodReachesTheLogWhileOtherTasksKeepStarting() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-flood")
            try daemon.start()
            defer { daemon.stop() }
            let pid = daemon.pid
            #expect(Fault.waitForStarts(daemon, "tick", beyond: 0, more: 2))
            let rssBefore = ProcessProbe.residentKiB(pid) ?? 0

            // Sample the daemon's resident memory while the flood runs.
            let peak = Mutex(0), samples = Mutex(0), sampling = Atomic<Bool>(true)
            let sampler = Thread {
                while sampling.load(ordering: .relaxed) {
                    if let kib = ProcessProbe.residentKiB(pid) {
                        peak.withLock { $0 = max($0, kib) }
                        samples.withLock { $0 += 1 }
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            sampler.start()
            defer { sampling.store(false, ordering: .relaxed) }

            let ticksBefore = Fault.startCount(daemon, "tick")
            let started = Date()
            let run = try daemon.v6ctl(["run-now", "flood", "--force"])
            #expect(run.status == 0, "run-now flood: \(run.stderr)")
            var flood: [String: Any]?
            let finished = waitUntil(timeout: 900, interval: 0.5) {
                flood = try? Fault.history(daemon, "flood", limit: 1).first
                return (flood?["outcome"] as? String).map { $0 != "running" && $0 != "queued" } ?? false
            }
            let seconds = Date().timeIntervalSince(started)
            sampling.store(false, ordering: .relaxed)
            let ticks = LogScan.starts(of: "tick", in: daemon.logPath).dropFirst(ticksBefore)
            #expect(finished, "the flood finished within 900 s")
            #expect(flood?["outcome"] as? String == "success", "flood outcome: \(flood ?? [:])")

            // Every line reached the log: nothing dropped, nothing merged.
            let counted = try Command.run("/usr/bin/grep", ["-a", "-c", "-F", "x stream=stdout", daemon.logPath],
                                          environment: ["LC_ALL": "C"])
            let lines = Int(counted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            #expect(lines == Self.floodLines, "flood lines in the log")

            let peakKiB = peak.withLock { $0 }
            let lateness = ticks.compactMap { $0.value("lateness_ms").flatMap(Double.init) }
            #expect(lateness.count == ticks.count, "every start line has lateness_ms=")
            // The 1 s task goes on starting while the flood runs (the flood takes tens of seconds).
            #expect(ticks.count >= 2 || seconds < 3, "tick runs during the flood: \(ticks.count) in \(seconds) s")
            let maxLate = lateness.max() ?? 0
            let logSize = (try? FileManager.default.attributesOfItem(atPath: daemon.logPath)[.size] as? Int) ?? 0
            print(String(format: "FIGURE: flood scale=\(FaultScale.name) bytes=%d lines=%d seconds=%.1f throughput_MB_s=%.1f daemon_rss_before_MB=%.1f daemon_rss_peak_MB=%.1f rss_samples=%d log_MB=%.0f",
                         Self.floodBytes, lines, seconds, Double(Self.floodBytes) / seconds / 1e6, Double(rssBefore) / 1024,
                         Double(peakKiB) / 1024, samples.withLock { $0 }, Double(logSize) / 1e6))
            print(String(format: "FIGURE: flood tick_runs_during=%d lateness_ms p50=%.1f p90=%.1f max=%.1f",
                         ticks.count, LogScan.percentile(lateness, 50) ?? -1, LogScan.percentile(lateness, 90) ?? -1, maxLate))
            #expect(daemon.stop() == 0)
        }

        @Test func runThatClosesItsOutputIsStillSeenToExit() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-closed")
            try daemon.start()
            defer { daemon.stop() }
            let started = Date()
            let run = try daemon.v6ctl(["run-now", "closes_stdout", "--wait", "--force"])
            let seconds = Date().timeIntervalSince(started)
            #expect(run.status == 0, "run-now --wait: \(run.stdout) \(run.stderr)")
            let last = try Fault.history(daemon, "closes_stdout", limit: 1).first
            #expect(last?["outcome"] as? String == "success")
            let duration = last?["duration_ms"] as? Int ?? 0
            // Its pipes hit EOF at once; only the process's exit (pidfd) ends the run, after ~3 s.
            #expect(duration >= 2900 && duration < 30_000, "duration \(duration) ms")
            print(String(format: "FIGURE: closed-stdout run outcome=%@ duration_ms=%d wait_s=%.1f",
                         last?["outcome"] as? String ?? "-", duration, seconds))
            #expect(daemon.stop() == 0)
        }

        @Test func doubleForkedOrphansAreKilledWhenTheRunEnds() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-orphan")
            try daemon.start()
            defer { daemon.stop() }
            let run = try daemon.v6ctl(["run-now", "double_fork", "--wait", "--force"])
            #expect(run.status == 0, "run-now --wait: \(run.stdout) \(run.stderr)")
            #expect(run.stdout.contains("started two orphans"))
            let orphans = ["orphan.pid", "stubborn.pid"].compactMap { ProcessProbe.pidFile(daemon.directory.file($0)) }
            #expect(orphans.count == 2, "both orphans wrote their pid")
            // The run ended when its main process exited and the sweep finished: SIGTERM, then
            // SIGKILL after kill_grace_seconds (1 s) for the one that ignores SIGTERM.
            let identities = orphans.compactMap { ProcessProbe.identity($0) }
            let gone = waitUntil(timeout: 10) { identities.allSatisfy { !ProcessProbe.isAlive($0) } }
            let survivors = identities.filter { ProcessProbe.isAlive($0) }
            #expect(gone, "orphans still alive after the run ended: \(survivors)")
            survivors.forEach { ProcessProbe.kill($0) }
            let last = try Fault.history(daemon, "double_fork", limit: 1).first
            #expect(last?["outcome"] as? String == "success")
            print(String(format: "FIGURE: double-fork orphans=%d alive_when_run_ended=%d survivors_after_10s=%d run_duration_ms=%d",
                         orphans.count, identities.count, survivors.count, last?["duration_ms"] as? Int ?? -1))
            #expect(daemon.stop() == 0)
        }
    }
}
