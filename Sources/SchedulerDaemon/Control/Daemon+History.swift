import ControlProtocol
import Foundation
import Scheduling

extension Daemon {
    /// One page of `history`: at most `limit` runs, newest first, after `cursor`, and no more than
    /// `ProtocolLimits.maxHistoryPageBytes` of them (plus the run that crosses it), so that one
    /// answer stays bounded whatever was asked; `next_cursor` says where the next page starts.
    func historyPage(_ store: RunStore, task: String?, limit: Int, output: Bool, cursor: Int64?) throws(StoreError) -> HistoryResult {
        var runs: [RunInfo] = []
        var bytes = 0
        var lastSeq: Int64 = 0
        var nextCursor: Int64? = nil
        try store.forEachRun(task: task, before: cursor, withOutput: output) { record, seq in
            if runs.count >= limit || bytes >= ProtocolLimits.maxHistoryPageBytes {
                nextCursor = lastSeq  // there is at least this one more
                return false
            }
            let info = runInfo(record, output: output)
            bytes += ResponseEncoder.encodedByteCount(info)
            runs.append(info)
            lastSeq = seq
            return true
        }
        return HistoryResult(runs: runs, nextCursor: nextCursor)
    }
}
