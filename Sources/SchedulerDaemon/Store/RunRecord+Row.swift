import Foundation
import GRDB
import MarketCalendar
import Scheduling

/// Conversions between the store's structs and SQLite rows.
extension RunRecord {
    /// The columns of `runs` this struct fills, in the order of ``databaseValues``.
    static let columns = [
        "run_id", "task", "\"trigger\"", "scheduled_at", "started_at", "finished_at", "exit_code", "signal",
        "outcome", "attempt", "duration_ms", "waited_ms", "reason", "output_tail", "cpu_ms", "max_rss_bytes",
    ]

    /// The record's values, with the output cut to its last ``maxOutputTail`` bytes.
    var databaseValues: [(any DatabaseValueConvertible)?] {
        let tail = outputTail.map { $0.count > Self.maxOutputTail ? Data($0.suffix(Self.maxOutputTail)) : $0 }
        return [
            runID, task, trigger.rawValue, scheduledAt?.seconds, startedAt?.seconds, finishedAt?.seconds,
            exitCode.map { Int64($0) }, signal.map { Int64($0) }, outcome.rawValue, Int64(attempt), durationMs,
            waitedMs, reason, tail, cpuMs, maxRSSBytes,
        ]
    }

    init(row: Row) throws {
        let runID: String = row["run_id"]
        guard let trigger = Trigger(rawValue: row["trigger"]) else {
            throw Self.corrupt("run \(runID) has an unknown trigger \(row["trigger"] as String? ?? "NULL")")
        }
        guard let outcome = Outcome(rawValue: row["outcome"]) else {
            throw Self.corrupt("run \(runID) has an unknown outcome \(row["outcome"] as String? ?? "NULL")")
        }
        self.init(
            runID: runID,
            task: row["task"],
            trigger: trigger,
            scheduledAt: Self.instant(row["scheduled_at"]),
            startedAt: Self.instant(row["started_at"]),
            finishedAt: Self.instant(row["finished_at"]),
            exitCode: (row["exit_code"] as Int64?).map { Int32(truncatingIfNeeded: $0) },
            signal: (row["signal"] as Int64?).map { Int32(truncatingIfNeeded: $0) },
            outcome: outcome,
            attempt: Int(row["attempt"] as Int64),
            durationMs: row["duration_ms"],
            waitedMs: row["waited_ms"],
            reason: row["reason"],
            outputTail: row["output_tail"],
            cpuMs: row["cpu_ms"],
            maxRSSBytes: row["max_rss_bytes"]
        )
    }

    static func instant(_ seconds: Int64?) -> Instant? { seconds.map(Instant.init(seconds:)) }

    /// A row the CHECK constraints should have kept out: the file was altered or damaged.
    static func corrupt(_ message: String) -> DatabaseError {
        DatabaseError(resultCode: .SQLITE_CORRUPT, message: message)
    }
}

extension Toggle {
    init(row: Row) {
        self.init(
            task: row["task"],
            enabled: row["enabled"],
            until: RunRecord.instant(row["until"]),
            setAt: Instant(seconds: row["set_at"]),
            setBy: row["set_by"]
        )
    }
}
