import ControlProtocol
import Foundation
import MarketCalendar
import Scheduling

extension Daemon {
    func statusResult(now: Instant, peer: Authorization.Peer? = nil) -> StatusResult {
        let zone = core.calendar.zone
        let phase = core.calendar.phase(at: now)
        let today = zone.local(now).date
        let day = core.calendar.day(today)
        var dayNote: String? = nil
        switch day {
        case .session(let s): dayNote = s.earlyCloseReason.map { "early close at \(s.closeTime.hhmm) (\($0))" }
        case .closed(_, let reason): dayNote = reason.description
        }
        // The tasks that need attention, in brief; the rest only counted.
        let facts = taskFacts(now: now)
        var counts = TaskCounts()
        for task in facts { counts.add(task) }
        let attention = facts.filter(\.needsAttention)
            .sorted { ($0.attentionRank, $0.name) < ($1.attentionRank, $1.name) }
            .prefix(ProtocolLimits.statusAttentionLimit)
        counts.listed = attention.count
        let origin = zone.origin
        return StatusResult(
            version: DaemonVersion.string, pid: Int(getpid()), startedAt: zone.iso8601(startedAt),
            uptimeSeconds: Int(now - startedAt), configPath: core.config.sourcePath, now: zone.iso8601(now),
            marketPhase: phase.phase.rawValue, phaseUntil: phase.end.seconds < Int64.max / 2 ? zone.iso8601(phase.end) : nil,
            tradingDay: day.session != nil, dayNote: dayNote,
            nextSession: core.calendar.nextSession(after: today).map { zone.iso8601($0.open) },
            running: activeRunCount, stateError: stateError, tasks: taskStatuses(attention.map(\.name), now: now),
            mayChange: peer?.mayChange, logFile: logFilePath, taskCounts: counts,
            zoneData: ZoneDataInfo(source: origin.kind.rawValue, version: origin.version, file: origin.path, note: origin.note),
            cluster: clusterStatus())
    }

    /// Where the daemon writes its plain log copy (`enable_logging` with a `log_directory`).
    var logFilePath: String? {
        guard core.config.enableLogging, let directory = core.config.logDirectory else { return nil }
        return directory.hasSuffix("/") ? directory + LogFile.fileName : directory + "/" + LogFile.fileName
    }

    func taskStatus(_ task: TaskConfig, lastRun: RunRecord?, now: Instant, waiting: WaitReason? = nil) -> TaskStatus {
        Self.brief(task, core: core, lastRun: lastRun, now: now, waiting: waiting)
    }

    /// One task's brief from `core`, which the caller reads once for a whole list: each access
    /// to the actor's `core` copies it, which for 10,000 tasks was a tenth of a `tasks` answer.
    static func brief(_ task: TaskConfig, core: SchedulerCore, lastRun: RunRecord?, now: Instant, waiting: WaitReason?) -> TaskStatus {
        let zone = core.calendar.zone
        let toggle = core.effectiveToggle(task.name, at: now)
        let enabled = core.isEnabled(task.name, at: now)
        let links = core.dependencies(of: task.name)
        let wait = core.dependencyWait(of: task.name)
        return TaskStatus(
            name: task.name, enabled: enabled,
            enabledSource: toggle != nil ? "runtime" : task.enabledSource.description,
            toggleUntil: toggle?.until.map(zone.iso8601),
            schedule: ConfigSummary.schedule(of: task), days: ConfigSummary.days(task),
            running: core.runningRun(of: task.name) != nil,
            lastRun: lastRun.map { runInfo($0, output: false, zone: zone) },
            nextRun: enabled ? core.nextOccurrence(of: task.name).map(zone.iso8601) : nil,
            after: links.upstreams.isEmpty ? nil : links.upstreams, dependents: links.dependents.isEmpty ? nil : links.dependents,
            waitingFor: wait?.upstreams, waitingUntil: wait?.until.map(zone.iso8601),
            waiting: waiting.map { describe($0, zone: zone) })
    }

    /// `queued behind run 812`, `retry 2 at 2026-11-27T10:15:00-05:00`, ...
    static func describe(_ reason: WaitReason, zone: ZoneRules) -> String {
        switch reason {
        case .behindRun(let runID): return "queued behind run \(runID)"
        case .forSlot(let limit): return "for a free slot (max_concurrent_tasks \(limit))"
        case .retry(let attempt, let at): return "retry \(attempt) at \(zone.iso8601(at))"
        case .upstreams(let names, let until): return "for \(names.joined(separator: ", ")) until \(zone.iso8601(until))"
        }
    }

    /// `shared`: with the shared store, the task's newest runs across the hosts (each with its host).
    func taskDetail(_ task: TaskConfig, output: Bool, now: Instant, shared: [SharedRun]? = nil) -> TaskDetail {
        let lastRuns = shared?.map(\.record) ?? (try? store?.lastRuns(task: task.name, limit: 10)) ?? []
        var infos = lastRuns.map { runInfo($0, output: output) }
        for (index, run) in (shared ?? []).enumerated() { infos[index].host = run.host }
        var status = taskStatus(task, lastRun: lastRuns.first, now: now, waiting: core.waitingTasks[task.name])
        status.lastRun?.host = shared?.first?.host
        return TaskDetail(
            status: status, command: task.command, timeoutSeconds: task.timeoutSeconds, retries: task.retries,
            retryBackoffSeconds: task.retryBackoffSeconds, overlap: task.overlap.rawValue, catchUp: task.catchUp,
            forceRun: task.ignoresHolidays, environmentKeys: task.environment.keys.sorted(),
            lastRuns: infos,
            nextRuns: core.upcoming(of: task.name, limit: 10).map(core.calendar.zone.iso8601),
            afterWaitSeconds: task.after.isEmpty ? nil : Int(task.afterWaitSeconds))
    }

    func toggleResult(_ name: String, now: Instant) -> ToggleResult {
        let toggle = core.effectiveToggle(name, at: now)
        let source = toggle != nil ? "runtime" : (core.config.task(named: name)?.enabledSource.description ?? "default")
        return ToggleResult(task: name, enabled: core.isEnabled(name, at: now), source: source,
                            until: toggle?.until.map(core.calendar.zone.iso8601))
    }

    /// Upcoming runs of enabled tasks, soonest first.
    func upcoming(limit: Int, now: Instant) -> [NextRun] {
        let zone = core.calendar.zone
        var all: [(Instant, String)] = []
        for task in core.config.tasks where core.isEnabled(task.name, at: now) {
            all += core.upcoming(of: task.name, limit: limit).map { ($0, task.name) }
        }
        all.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return all.prefix(limit).map { NextRun(task: $0.1, at: zone.iso8601($0.0)) }
    }

    func runInfo(_ run: RunRecord, output: Bool) -> RunInfo {
        Self.runInfo(run, output: output, zone: core.calendar.zone)
    }

    /// `run` as the protocol shows it, instants in `zone`; `output` adds its output tail as lines.
    nonisolated static func runInfo(_ run: RunRecord, output: Bool, zone: ZoneRules) -> RunInfo {
        let tail: [String]? = output ? run.outputTail.map { data in
            var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }  // the newline ending the last line starts no line
            return lines
        } : nil
        return RunInfo(runID: Int64(run.runID) ?? 0, task: run.task, trigger: RunTrigger(rawValue: run.trigger.rawValue) ?? .manual,
                       scheduledAt: run.scheduledAt.map(zone.iso8601), startedAt: run.startedAt.map(zone.iso8601),
                       finishedAt: run.finishedAt.map(zone.iso8601), outcome: RunOutcome(rawValue: run.outcome.rawValue) ?? .failed,
                       exitCode: run.exitCode.map(Int.init), signal: run.signal.map(Int.init), attempt: run.attempt,
                       durationMS: run.durationMs, reason: run.reason, outputTail: tail, cpuMS: run.cpuMs,
                       maxRSSBytes: run.maxRSSBytes)
    }

    // MARK: - run_now --wait plumbing

    /// A run with watchers ended (or will be retried): tell them.
    func notifyWatchers(_ c: RunCompletion) {
        guard watchRegistry.isWatched(c.runID) else { return }
        let record = RunRecord(runID: c.runID, task: c.task, trigger: c.trigger, scheduledAt: c.scheduledAt,
                               startedAt: runs[c.runID]?.startedAt,
                               finishedAt: clock.now(), exitCode: c.exitCode, signal: c.signal, outcome: c.outcome,
                               attempt: c.attempt, durationMs: runs[c.runID]?.elapsedMs,
                               reason: c.reason)
        let info = runInfo(record, output: false)
        let watchers = watchRegistry.end(runID: c.runID)
        if c.outcome == .retrying {
            for w in watchers { w.event(.retrying(info)) }
            watchRegistry.awaitRetry(task: c.task, watchers)
        } else {
            for w in watchers { w.finish(info) }
        }
    }

    /// A run started: its watchers (those of a retried run joined in `startRun`) hear of it.
    func announceStart(_ run: RunStart, now: Instant) {
        let watchers = watchRegistry.watchers(of: run.runID)
        guard !watchers.isEmpty else { return }
        let record = RunRecord(runID: run.runID, task: run.task, trigger: run.trigger, scheduledAt: run.scheduledAt,
                               startedAt: now, outcome: .running, attempt: run.attempt)
        for w in watchers { w.event(.started(runInfo(record, output: false))) }
    }
}

/// Forwards a run's output lines to its watchers from the process's own queue.
struct RunWatcherBox: Sendable {
    let registry: WatchRegistry
    let runID: String

    func forward(_ line: OutputLine) {
        let watchers = registry.watchers(of: runID)
        guard !watchers.isEmpty else { return }
        let event = RunEvent.output(runID: Int64(runID) ?? 0, stream: line.stream == .stdout ? .stdout : .stderr, line: line.text)
        for w in watchers { w.event(event) }
    }
}
