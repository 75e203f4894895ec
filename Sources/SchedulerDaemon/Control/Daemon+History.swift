import ControlProtocol
import Foundation
import MarketCalendar
import Scheduling

extension Daemon {
    /// Where history pages are read and encoded: one at a time, on a thread of its own, so that
    /// neither the actor nor the threads it runs on wait for them, and readers on many connections
    /// cost one page of memory at a time.
    static let historyQueue = DispatchQueue(label: "v6.control.history", qos: .utility)

    /// `history` (without `run_id`): one page, read and turned into JSON off the actor, so that a
    /// large answer does not hold up the schedule (the store's reader connections do not block its
    /// writer). Counted in `storeReads`, which a stop waits for before it closes the store.
    func historyAnswer(_ store: RunStore, id: RequestID?, task: String?, limit: Int, output: Bool,
                       cursor: Int64?) async -> [UInt8] {
        guard storeReads.begin() else {
            return ResponseEncoder.failure(id: id, code: .busy, message: "v6-scheduler is stopping; try again once it is back")
        }
        let zone = core.calendar.zone
        let reads = storeReads
        let answer = await withCheckedContinuation { (continuation: CheckedContinuation<Result<[UInt8], StoreError>, Never>) in
            Self.historyQueue.async {
                defer { reads.end() }
                continuation.resume(returning: Result { () throws(StoreError) in
                    let page = try Self.historyPage(store, task: task, limit: limit, output: output, cursor: cursor)
                    let runs = page.runs.map { Self.runInfo($0, output: output, zone: zone) }
                    return ResponseEncoder.success(id: id, result: HistoryResult(runs: runs, nextCursor: page.nextCursor))
                })
            }
        }
        switch answer {
        case .success(let bytes):
            return bytes
        case .failure(let error):
            storeFailed(error)
            return ResponseEncoder.failure(id: id, code: .stateError, message: "\(error)")
        }
    }

    /// `history` with the shared store: every host's runs, each with its `host`, newest first.
    func sharedHistoryAnswer(_ shared: PostgresStore, id: RequestID?, task: String?, limit: Int, output: Bool,
                             cursor: Int64?) async -> [UInt8] {
        let zone = core.calendar.zone
        do {
            // One more than asked: whether there is a next page.
            let rows = try await shared.history(task: task, before: cursor, limit: min(limit, 1000) + 1, withOutput: output)
            var runs: [RunInfo] = []
            var bytes = 0
            var nextCursor: Int64? = nil
            for (index, row) in rows.enumerated() {
                if index >= limit || bytes >= ProtocolLimits.maxHistoryPageBytes {
                    nextCursor = rows[index - 1].seq
                    break
                }
                bytes += row.record.answerBytes(output: output)
                var info = Self.runInfo(row.record, output: output, zone: zone)
                info.host = row.host
                runs.append(info)
            }
            return ResponseEncoder.success(id: id, result: HistoryResult(runs: runs, nextCursor: nextCursor))
        } catch {
            clusterDown(error)
            return ResponseEncoder.failure(id: id, code: .stateError,
                                           message: "\(StoreError.sharedStore(shared.label, operation: "read the history", error))")
        }
    }

    /// At most `limit` runs, newest first, after `cursor`, and no more than
    /// `ProtocolLimits.maxHistoryPageBytes` of answer (plus the run that crosses it), so that one
    /// answer stays bounded whatever was asked; `nextCursor` says where the next page starts.
    nonisolated static func historyPage(_ store: RunStore, task: String?, limit: Int, output: Bool,
                     cursor: Int64?) throws(StoreError) -> (runs: [RunRecord], nextCursor: Int64?) {
        var runs: [RunRecord] = []
        var bytes = 0
        var lastSeq: Int64 = 0
        var nextCursor: Int64? = nil
        try store.forEachRun(task: task, before: cursor, withOutput: output) { record, seq in
            if runs.count >= limit || bytes >= ProtocolLimits.maxHistoryPageBytes {
                nextCursor = lastSeq  // there is at least this one more
                return false
            }
            bytes += record.answerBytes(output: output)
            runs.append(record)
            lastSeq = seq
            return true
        }
        return (runs, nextCursor)
    }
}

extension RunRecord {
    /// An upper bound of the bytes this run takes in an answer: a fixed allowance for its members,
    /// and its output tail as JSON strings (escapes at their longest; invalid UTF-8 becomes U+FFFD).
    /// Cheaper than encoding it, and never below what encoding gives.
    func answerBytes(output: Bool) -> Int {
        var bytes = 600 + 2 * (reason?.utf8.count ?? 0) + task.utf8.count
        guard output, let tail = outputTail else { return bytes }
        tail.withUnsafeBytes { raw in
            for byte in raw {
                switch byte {
                case 0x0A: bytes += 3  // a line break ends one string and starts the next: `","`
                case ..<0x20: bytes += 6  // \u00XX
                case 0x22, 0x5C: bytes += 2  // \" and \\
                case 0x80...: bytes += 3  // at most U+FFFD per byte
                default: bytes += 1
                }
            }
        }
        return bytes + 3
    }
}
