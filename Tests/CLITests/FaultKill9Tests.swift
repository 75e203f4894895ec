import Foundation
import Testing
import TestSupport

extension FaultTests {
    /// kill -9 of the daemon, again and again, while tasks run and toggles are being written.
    /// After each restart: the database opens, every acknowledged toggle is in force, the runs
    /// the killed daemon had open are `abandoned`, and their processes are ended (the killed
    /// daemon's task groups are orphans: only the next daemon can end them, which it does at
    /// start, SIGKILL after the grace; the test waits for that, generously, from the restart).
    @Suite struct Kill9 {
        /// 100 kills at full scale (V6_FAULT_SCALE=quick: 15).
        static let iterations = FaultScale.pick(quick: 15, full: 100)
        /// The sleeper's timeout: its `sleep 30` would outlive it if nobody ended the orphan.
        static let sleeperTimeout = 3.0
        /// How long after a restart the previous instance's task processes may take to be gone:
        /// generous (a loaded machine), and still far below the `sleep 30` they would otherwise run.
        static let cleanUpBound = 20.0
        static let toggled = ["alpha", "beta"]

        static let config = Fault.header() + """
                tick:
                  command: ["/bin/sh", "-c", "echo $$ > {{DIR}}/pids/tick-$V6_RUN_ID; echo \\"$V6_SCHEDULED_AT\\" >> {{DIR}}/slots-tick; sleep 0.3"]
                  frequency: "1s"
                  market_phase: any
                  days: every_day
                  timeout_seconds: 10
                  overlap: skip
                sleeper:
                  command: ["/bin/sh", "-c", "echo $$ > {{DIR}}/pids/sleeper-$V6_RUN_ID; exec sleep 30"]
                  frequency: "2s"
                  market_phase: any
                  days: every_day
                  timeout_seconds: \(Int(sleeperTimeout))
                  overlap: skip
                alpha:
                  command: ["/bin/true"]
                  at: "03:00"
                  days: [saturday]
                beta:
                  command: ["/bin/true"]
                  at: "03:00"
                  days: [saturday]

            """

        /// A task process that was alive when its daemon was killed.
        struct Orphan {
            let process: ProcessProbe.Identity
            let task: String
            let runID: String
        }

        /// Tallies for the FIGURE lines.
        struct Tally {
            var acknowledged = 0, inDoubt = 0, inDoubtLanded = 0, neverSent = 0, strictChecks = 0, ambiguousChecks = 0
            var abandoned = 0, orphans = 0, survivors: [Orphan] = [], restartMs: [Double] = [], cleanUpMs: [Double] = []
        }

        @Test func killNineInALoopLosesNoAcknowledgedToggleAndLeavesNoOrphans() throws {
            let daemon = try DaemonHarness(config: Self.config, label: "v6fault-kill9")
            let pids = daemon.directory.file("pids")
            try FileManager.default.createDirectory(atPath: pids, withIntermediateDirectories: true)
            var orphans: [Orphan] = []
            var seenPidFiles: Set<String> = []
            defer {
                daemon.stop()
                for orphan in orphans { ProcessProbe.kill(orphan.process) }  // by (pid, start time)
            }
            var tally = Tally()
            var states: [String: Bool] = [:]
            var lastCommands: [ToggleWriter.Command] = []
            var previousOrphans: [Orphan] = []

            for iteration in 0...Self.iterations {
                let restart = Date()
                try daemon.start()
                tally.restartMs.append(Date().timeIntervalSince(restart) * 1000)
                let restartedAt = restart.addingTimeInterval(-1)

                // The previous instance's acknowledged toggles are in force.
                for task in Self.toggled {
                    let observed = try Fault.show(daemon, task)["enabled"] as? Bool
                    if iteration > 0 {
                        let possible = ToggleWriter.possibleStates(of: task, after: lastCommands, before: states[task] ?? true)
                        #expect(observed.map(possible.contains) == true,
                                "iteration \(iteration): \(task) is \(String(describing: observed)), expected one of \(possible)")
                        // One command is in flight at a time, so at most one task per kill can be
                        // in doubt: the other's state is checked exactly (counted below).
                        if possible.count == 1 { tally.strictChecks += 1 } else { tally.ambiguousChecks += 1 }
                        // Did a request cut off by the kill land? (Saved, then the daemon died before answering.)
                        let settled = ToggleWriter.possibleStates(of: task, after: lastCommands.filter { !$0.inDoubt },
                                                                  before: states[task] ?? true)
                        if let observed, !settled.contains(observed) { tally.inDoubtLanded += 1 }
                    }
                    states[task] = observed
                }
                // Its open runs are abandoned, and nothing of it is left running in the history.
                try checkAbandoned(daemon, previousOrphans, notRunningBefore: restartedAt, iteration: iteration, tally: &tally)
                checkEnded(previousOrphans, since: restart, iteration: iteration, tally: &tally)
                if iteration == Self.iterations { break }

                let writer = ToggleWriter(daemon: daemon, tasks: Self.toggled)
                // The fault itself: kill -9 at a random moment (not a wait for anything).
                Thread.sleep(forTimeInterval: Double.random(in: 1.0...3.5))
                daemon.crash()
                lastCommands = writer.stop()
                tally.acknowledged += lastCommands.filter(\.acknowledged).count
                tally.inDoubt += lastCommands.filter(\.inDoubt).count
                tally.neverSent += lastCommands.filter(\.neverSent).count

                // Which task processes outlived their daemon: their pid files. (A task spawned in the
                // last moment may write its file later; it is then counted after the next kill, and
                // still checked.)
                previousOrphans = []
                for name in (try? FileManager.default.contentsOfDirectory(atPath: pids)) ?? [] where seenPidFiles.insert(name).inserted {
                    guard let pid = ProcessProbe.pidFile(pids + "/" + name), let process = ProcessProbe.identity(pid) else { continue }
                    let parts = name.split(separator: "-", maxSplits: 1).map(String.init)
                    previousOrphans.append(Orphan(process: process, task: parts[0], runID: parts[1]))
                }
                orphans += previousOrphans
                tally.orphans += previousOrphans.count
            }

            let survivors = tally.survivors
            #expect(survivors.isEmpty, """
                task processes outlived kill -9 of their daemon and the restart: \
                \(survivors.map { "\($0.task) run \($0.runID) \($0.process)" }); \
                the restarted daemon should end the processes of the runs it marks abandoned (found by V6_RUN_KEY in /proc)
                """)
            // At most once across the kills, reservations included: no instant ran twice (as the task itself wrote them).
            let ran = ((try? String(contentsOfFile: daemon.directory.file("slots-tick"), encoding: .utf8)) ?? "").split(separator: "\n")
            let twice = Dictionary(grouping: ran, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            #expect(twice.isEmpty, "slots of tick that ran twice: \(twice)")
            let history = try Fault.history(daemon, "tick", limit: 2000)
            let reservedAbandoned = history.filter { ($0["reason"] as? String)?.contains("after claiming it ahead") == true }.count
            print("FIGURE: kill9 tick_slots_run=\(ran.count) slots_run_twice=\(twice.count) reservations_abandoned_at_restart=\(reservedAbandoned) reservations_released_at_restart=\(daemon.logLines(containing: "reservation released").count)")
            #expect(tally.strictChecks >= Self.iterations, "exact toggle checks: \(tally.strictChecks) in \(Self.iterations) restarts")
            #expect(tally.acknowledged > 0, "no toggle was acknowledged: the writer never got through")
            #expect(daemon.stop() == 0)
            for orphan in orphans { ProcessProbe.kill(orphan.process) }
            // Nothing of any of its runs is left, in or out of the pid files.
            let leftovers = ProcessProbe.carriers(withPrefix: "V6_RUN_KEY=\(daemon.stateDirectory)/")
            #expect(leftovers.isEmpty, "processes of this daemon's runs still alive after it stopped: \(leftovers)")
            leftovers.forEach { ProcessProbe.kill($0) }
            let ms = tally.restartMs
            print("FIGURE: kill9 scale=\(FaultScale.name) iterations=\(Self.iterations) kills=\(Self.iterations) acknowledged_toggles=\(tally.acknowledged) in_doubt=\(tally.inDoubt) in_doubt_that_landed=\(tally.inDoubtLanded) never_sent=\(tally.neverSent) strict_state_checks=\(tally.strictChecks) ambiguous_state_checks=\(tally.ambiguousChecks)")
            print(String(format: "FIGURE: kill9 abandoned_runs_checked=%d task_processes_alive_at_kill=%d survived_restart=%d restart_ms p50=%.0f max=%.0f leftovers_gone_after_restart_ms max=%.0f",
                         tally.abandoned, tally.orphans, survivors.count, LogScan.percentile(ms, 50) ?? -1, ms.max() ?? -1,
                         tally.cleanUpMs.max() ?? -1))
        }

        /// Runs whose process outlived the kill are `abandoned`; no run from before the restart is still open.
        func checkAbandoned(_ daemon: DaemonHarness, _ orphans: [Orphan], notRunningBefore restart: Date, iteration: Int,
                            tally: inout Tally) throws {
            let formatter = ISO8601DateFormatter()
            for task in ["tick", "sleeper"] {
                let runs = try Fault.history(daemon, task)
                let byID = Dictionary(runs.map { ("\($0["run_id"] ?? "")", $0) }, uniquingKeysWith: { a, _ in a })
                for orphan in orphans where orphan.task == task {
                    let run = byID[orphan.runID]
                    #expect(run?["outcome"] as? String == "abandoned",
                            "iteration \(iteration): run \(orphan.runID) of \(task) was running at the kill: \(run ?? [:])")
                    if run?["outcome"] as? String == "abandoned" { tally.abandoned += 1 }
                }
                for run in runs where ["running", "queued", "retrying"].contains(run["outcome"] as? String ?? "") {
                    let started = (run["started_at"] as? String).flatMap(formatter.date(from:)) ?? .distantPast
                    #expect(started >= restart, "iteration \(iteration): run \(run["run_id"] ?? "?") of \(task) from before the restart is still \(run["outcome"] ?? "?")")
                }
            }
        }

        /// Waits until the killed instance's task processes are gone (the restarted daemon ends
        /// them); records those still alive `cleanUpBound` seconds after the restart began.
        func checkEnded(_ orphans: [Orphan], since restart: Date, iteration: Int, tally: inout Tally) {
            guard !orphans.isEmpty else { return }
            let deadline = restart.addingTimeInterval(Self.cleanUpBound)
            _ = waitUntil(timeout: max(0, deadline.timeIntervalSinceNow), interval: 0.1) {
                orphans.allSatisfy { !ProcessProbe.isAlive($0.process) }
            }
            let alive = orphans.filter { ProcessProbe.isAlive($0.process) }
            if alive.isEmpty { tally.cleanUpMs.append(Date().timeIntervalSince(restart) * 1000) }
            tally.survivors += alive
        }
    }
}
