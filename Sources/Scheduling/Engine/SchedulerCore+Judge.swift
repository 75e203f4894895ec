import MarketCalendar

extension SchedulerCore {
    /// Longest wait between attempts, whatever the backoff says.
    static let maxBackoffSeconds: Int64 = 3600

    /// Turns how a run ended into an outcome, and decides on a retry: exit 1 and timeouts
    /// are recoverable and retried up to `retries` times with exponential backoff and
    /// jitter, never into the task's next occurrence nor past its phase window; exit 2 is
    /// fatal; anything else is a failure that is not retried.
    func judge(_ run: ActiveRun, _ result: RunResult, now: Instant) -> RunCompletion {
        let index = indexOf[run.task]
        var outcome: Outcome
        var recoverable = false
        var reason: String? = nil
        var exitCode: Int32? = nil, signal: Int32? = nil
        switch (result, run.stopping) {
        case (.slotTaken, _):
            outcome = .skipped
            reason = "this slot already ran (before a restart or a clock step)"
        case (.unclaimed(let why), _):
            outcome = .skipped
            reason = "not started: its claim could not be made in the shared store (\(why)); a run without a claim could run twice"
        case (.notStarted, let stop):
            outcome = .abandoned
            reason = "stopped (\(stop?.rawValue ?? "stop")) before it was started"
        case (.spawnFailed(let why), _):
            outcome = .fatal
            reason = why
        case (.exited(let code), .timeout?), (.signaled(let code), .timeout?):
            if case .exited = result { exitCode = code } else { signal = code }
            outcome = .timeout
            recoverable = true
            reason = "timed out after \(index.map { states[$0].config.timeoutSeconds } ?? 0)s"
        case (_, .shutdown?):
            outcome = .abandoned
            reason = "the daemon stopped"
            if case .exited(let code) = result { exitCode = code } else if case .signaled(let s) = result { signal = s }
        case (_, .replaced?):
            outcome = .failed
            reason = "replaced by a newer occurrence (overlap: replace)"
            if case .exited(let code) = result { exitCode = code } else if case .signaled(let s) = result { signal = s }
        case (.exited(0), nil):
            outcome = .success
            exitCode = 0
        case (.exited(1), nil):
            outcome = .failed
            exitCode = 1
            recoverable = true
        case (.exited(2), nil):
            outcome = .fatal
            exitCode = 2
        case (.exited(let code), nil):
            outcome = .failed
            exitCode = code
            reason = "exit code \(code) is neither 1 (retry) nor 2 (fatal): not retried"
        case (.signaled(let s), nil):
            outcome = .failed
            signal = s
            reason = "killed by signal \(s): not retried"
        }
        var retryAt: Instant? = nil
        if recoverable, let index, !isShuttingDown, run.attempt <= states[index].config.retries {
            let at = now + backoff(config: states[index].config, runID: run.runID, attempt: run.attempt)
            var limit = states[index].nextDue
            if let s = run.scheduledAt, let windowEnd = states[index].schedule.phaseWindowEnd(of: s) {
                limit = min(limit ?? windowEnd, windowEnd)
            }
            if let limit, at >= limit {
                reason = (reason.map { $0 + "; " } ?? "") + "no retry: it would start at or after \(calendar.zone.iso8601(limit))"
            } else {
                retryAt = at
            }
        }
        let final = retryAt == nil
        let failed = [.failed, .fatal, .timeout].contains(outcome)
        return RunCompletion(runID: run.runID, task: run.task, trigger: run.trigger, scheduledAt: run.scheduledAt, attempt: run.attempt,
                             outcome: retryAt == nil ? outcome : .retrying, exitCode: exitCode, signal: signal,
                             reason: retryAt.map { "attempt \(run.attempt + 1) at \(calendar.zone.iso8601($0))" + (reason.map { "; \($0)" } ?? "") } ?? reason,
                             retryAt: retryAt, isFinalFailure: final && failed && run.stopping != .shutdown)
    }

    /// `retry_backoff_seconds × 2^(attempt-1)`, ±25 % jitter derived from the run id (so a
    /// simulation is repeatable), capped at an hour.
    func backoff(config: TaskConfig, runID: String, attempt: Int) -> Int64 {
        let base = Double(config.retryBackoffSeconds) * Double(1 << min(attempt - 1, 20))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in runID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let jitter = 0.75 + 0.5 * Double(hash % 10_000) / 10_000
        // Capped in floating point first: a huge base must not reach Int64's conversion.
        return Int64(min(Double(SchedulerCore.maxBackoffSeconds), (base * jitter).rounded()))
    }
}
