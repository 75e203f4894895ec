import ControlProtocol
import Foundation

extension DaemonSession {
    /// Runs newest first, a page at a time (the daemon bounds the size of one answer), until
    /// `limit` runs or `enough` says so, or none remain. `nextCursor` is set when runs remain.
    static func history(task: String?, limit: Int, output: Bool, options: GlobalOptions,
                        enough: ([RunInfo]) -> Bool = { _ in false }) throws -> HistoryResult {
        var result = HistoryResult(runs: [])
        repeat {
            let request = Request.history(task: task, limit: min(limit - result.runs.count, ProtocolLimits.maxListLimit),
                                          output: output, cursor: result.nextCursor)
            let page = try decode(try call(request, options: options), as: HistoryResult.self)
            result.runs += page.runs
            result.nextCursor = page.nextCursor
        } while result.nextCursor != nil && result.runs.count < limit && !enough(result.runs)
        return result
    }

    /// `value` as the daemon writes a result (compact, sorted keys), for `--json` of results that
    /// v6ctl put together from several answers.
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        Output.write(String(decoding: try encoder.encode(value), as: UTF8.self) + "\n")
    }
}
