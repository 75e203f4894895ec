import Foundation

/// Reads the daemon's text log (`DaemonHarness.logPath`, the stderr format:
/// `TIME LEVEL [task run=ID] message key=value ...`). A log can be hundreds of MB after a task
/// floods its output, so lines are selected by `grep -F` rather than read into memory whole.
public enum LogScan {
    /// One log line, split into the parts the tests look at.
    public struct Line: Sendable {
        public let text: String
        /// The level word: trace, debug, info, notice, warning, error, critical.
        public var level: String { text.split(separator: " ", maxSplits: 2).dropFirst().first.map(String.init) ?? "" }
        /// The value of ` key=value` (unquoted values only), or nil.
        public func value(_ key: String) -> String? {
            guard let range = text.range(of: " \(key)=") else { return nil }
            return String(text[range.upperBound...].prefix { $0 != " " })
        }
        /// The `run=` id in the `[task run=ID]` prefix.
        public var runID: String? {
            guard let range = text.range(of: " run=") else { return nil }
            return String(text[range.upperBound...].prefix { $0 != "]" && $0 != " " })
        }
    }

    /// The lines of the file at `path` that contain `needle` (fixed string), in order.
    public static func lines(in path: String, containing needle: String) -> [Line] {
        guard let result = try? Command.run("/usr/bin/grep", ["-a", "-F", "--", needle, path],
                                            environment: ["LC_ALL": "C"]) else { return [] }
        return result.stdout.split(separator: "\n").map { Line(text: String($0)) }
    }

    /// "started" lines of `task`'s runs (the daemon logs one per spawn, with `lateness_ms=`).
    public static func starts(of task: String, in path: String) -> [Line] {
        lines(in: path, containing: "[\(task) run=").filter { $0.text.contains("] started ") }
    }

    /// The `p`-th percentile (0...100, nearest rank) of `values`, or nil when empty.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
