import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads /proc, for tests that check which processes a daemon left behind.
public enum ProcFS {
    /// One process as /proc/PID/stat tells it.
    public struct Entry: Sendable, CustomStringConvertible {
        public let pid: Int32
        public let parent: Int32
        /// `R`, `S`, `Z`, ... (see proc(5)).
        public let state: Character
        public let command: String

        public var description: String { "\(pid) (\(command)) state \(state) ppid \(parent)" }
    }

    /// The process, or nil when there is none with that pid.
    public static func entry(_ pid: Int32) -> Entry? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        // "PID (COMM) S PPID ...": COMM may contain spaces and parentheses; it ends at the last ')'.
        guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { return nil }
        let command = String(stat[stat.index(after: open)..<close])
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        guard rest.count >= 2, let state = rest[0].first, let parent = Int32(rest[1]) else { return nil }
        return Entry(pid: pid, parent: parent, state: state, command: command)
    }

    /// True while `pid` exists and has not exited (a zombie counts as gone).
    public static func isRunning(_ pid: Int32) -> Bool {
        guard let entry = entry(pid) else { return false }
        return entry.state != "Z" && entry.state != "X"
    }

    /// Every process on the machine (that we may see).
    public static func all() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap(Int32.init).compactMap(entry)
    }

    /// The children of `parent`.
    public static func children(of parent: Int32) -> [Entry] { all().filter { $0.parent == parent } }

    /// Children of `parent` that have exited but were not reaped.
    public static func zombies(childrenOf parent: Int32) -> [Entry] { children(of: parent).filter { $0.state == "Z" } }

    /// What each open descriptor of `pid` points to (`socket:[123]`, `/dev/null`, ...).
    public static func descriptors(of pid: Int32) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
    }

    /// Reads a pid that a task wrote to `path` (nil until the file holds a number).
    public static func pid(fromFile path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
