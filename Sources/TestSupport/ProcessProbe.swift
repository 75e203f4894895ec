import Foundation

/// What the fault-injection tests need to know about other processes, read from /proc:
/// whether a pid is still alive (zombies count as gone), which process a pid was (start time,
/// against pid reuse), resident memory, and who carries a given environment entry.
/// Linux-only, like the daemon.
public enum ProcessProbe {
    /// One process as identified by (pid, start time in clock ticks since boot), so that a pid
    /// reused by an unrelated process is never mistaken for (or killed as) the original.
    public struct Identity: Hashable, Sendable, CustomStringConvertible {
        public let pid: Int32
        public let startTicks: UInt64
        public var description: String { "pid \(pid)" }
    }

    /// The one-letter state (R, S, D, T, Z, X, ...), parent and start time from /proc/PID/stat.
    public static func stat(_ pid: Int32) -> (state: Character, parent: Int32, startTicks: UInt64)? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
        // utime stime cutime cstime priority nice threads itrealvalue starttime ...
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = Int32(fields[1]),
              let start = UInt64(fields[19]) else { return nil }
        return (state, parent, start)
    }

    /// The identity of a live pid, or nil when it is gone (or a zombie).
    public static func identity(_ pid: Int32) -> Identity? {
        guard let s = stat(pid), s.state != "Z", s.state != "X" else { return nil }
        return Identity(pid: pid, startTicks: s.startTicks)
    }

    /// True while `pid` runs (a zombie has exited: it only waits for its parent to reap it).
    public static func isAlive(_ pid: Int32) -> Bool { identity(pid) != nil }

    /// True while that very process (not a later one with the same pid) runs.
    public static func isAlive(_ process: Identity) -> Bool { identity(process.pid) == process }

    /// SIGKILL to `process` if it is still that process; true if a signal was sent.
    @discardableResult
    public static func kill(_ process: Identity) -> Bool {
        guard isAlive(process) else { return false }
        return Foundation.kill(process.pid, SIGKILL) == 0
    }

    /// VmRSS of `pid` in KiB, or nil when it is gone.
    public static func residentKiB(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// VmHWM of `pid` in KiB (the peak resident memory so far), or nil when it is gone.
    public static func peakResidentKiB(_ pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    /// CPU time `pid` has used so far (user + system), in seconds, or nil when it is gone.
    public static func cpuSeconds(_ pid: Int32) -> Double? {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Live processes with an environment entry starting with `prefix` (e.g. the daemon's
    /// `V6_RUN_KEY=<state dir>/`: whatever is left of any of its runs).
    public static func carriers(withPrefix prefix: String) -> [Identity] {
        let wanted = Array(prefix.utf8)
        let me = getpid()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { Int32($0) }.filter { $0 != me && $0 > 1 }.compactMap { pid in
            // /proc files report size 0: read to the end rather than by size.
            guard let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/environ") else { return nil }
            defer { try? handle.close() }
            guard let data = try? handle.readToEnd(),
                  data.split(separator: 0).contains(where: { $0.starts(with: wanted) }) else { return nil }
            return identity(pid)
        }
    }

    /// A pid written by a task into `path` (first line), with the process it names if alive.
    public static func pidFile(_ path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.split(separator: "\n").first?.trimmingCharacters(in: .whitespaces) ?? "")
    }
}

/// Polls `condition` every `interval` seconds until it holds (true) or `timeout` passes (false).
public func waitUntil(timeout: Double, interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        Thread.sleep(forTimeInterval: interval)
    }
}

/// Parses a JSON object printed by `v6ctl ... --json`; nil when it is not one.
public func jsonObject(_ text: String) -> [String: Any]? {
    try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
}
