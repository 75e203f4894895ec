import Glibc

/// Small-file reads, for /proc entries and #! lines.
enum ProcFiles {
    /// Up to `limit` bytes of the file, or nil if it cannot be opened or read.
    static func read(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let want = min(chunk.count, limit - bytes.count)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}

/// What the clean-up needs from /proc: which processes belong to a run, which children are zombies.
/// Linux-only, like the rest of the daemon.
enum ProcessTable {
    struct Entry {
        var pid: pid_t
        /// The one-letter state of /proc/PID/stat: R, S, D, Z, T, ...
        var state: UInt8
        var parent: pid_t
        var processGroup: pid_t
        var isDead: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }
    }

    /// Environments larger than this are read only this far (the daemon puts V6_RUN_ID first).
    static let environmentLimit = 1 << 20

    /// Every process id in /proc (thread-group leaders only).
    static func allPIDs() -> [pid_t] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var pids: [pid_t] = []
        while let entry = readdir(dir) {
            let pid = withUnsafeBytes(of: entry.pointee.d_name) { raw -> pid_t in
                var value: pid_t = 0
                for byte in raw {
                    if byte == 0 { break }
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return 0 }
                    value = value &* 10 &+ pid_t(byte - UInt8(ascii: "0"))
                }
                return value
            }
            if pid > 0 { pids.append(pid) }
        }
        return pids
    }

    /// State, parent and process group of `pid`, or nil if it is gone.
    static func entry(_ pid: pid_t) -> Entry? {
        guard let bytes = ProcFiles.read("/proc/\(pid)/stat", limit: 1024),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // After "pid (comm)": state ppid pgrp session ...; comm may hold spaces and parentheses.
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "), maxSplits: 4)
        guard fields.count >= 3, let state = fields[0].first,
              let parent = pid_t(String(decoding: fields[1], as: UTF8.self)),
              let group = pid_t(String(decoding: fields[2], as: UTF8.self)) else { return nil }
        return Entry(pid: pid, state: state, parent: parent, processGroup: group)
    }

    /// Whether `pid`'s environment holds exactly the entry `variable` (e.g. "V6_RUN_ID=abc").
    /// False for processes whose environment we may not read (other users).
    static func environment(of pid: pid_t, contains variable: [UInt8]) -> Bool {
        guard let bytes = ProcFiles.read("/proc/\(pid)/environ", limit: environmentLimit) else { return false }
        return bytes.split(separator: 0, omittingEmptySubsequences: true).contains { $0.elementsEqual(variable) }
    }

    /// Live processes (not zombies) that belong to a run: members of process group `group`,
    /// or carriers of the environment entry `marker`, e.g. `V6_RUN_KEY=/var/lib/v6/7`
    /// (descendants that left the group). Never this process.
    ///
    /// Reading every process's environment is the expensive part (hundreds of files per run
    /// end). A subreaper inherits every orphan of its runs, so while it looks after its own
    /// runs (`group` given) only its descendants can carry the marker; leftovers of runs of
    /// a previous daemon instance (`group` nil) may be anywhere and get the full scan.
    ///
    /// `otherRuns`: the process groups of this daemon's other runs still being looked after. A
    /// process in one of them is that run's: every run is a session of its own, and a process
    /// can join a group only within its session, so nothing of this run can have moved there.
    /// In a burst (200 runs ending together) skipping them spares 200 environment reads per run.
    static func members(ofGroup group: pid_t?, marker: String, otherRuns: Set<pid_t> = []) -> [pid_t] {
        let me = getpid()
        let marker = Array(marker.utf8)
        let entries = allPIDs().compactMap { pid -> Entry? in
            guard pid != me, pid > 1, let entry = entry(pid), !entry.isDead else { return nil }
            return entry
        }
        let candidates = group != nil && ChildSubreaper.isEnabled ? descendants(of: me, in: entries) : nil
        var found: [pid_t] = []
        for entry in entries {
            if entry.processGroup == group {
                found.append(entry.pid)
            } else if candidates?.contains(entry.pid) ?? true, !otherRuns.contains(entry.processGroup),
                      environment(of: entry.pid, contains: marker) {
                found.append(entry.pid)
            }
        }
        return found
    }

    /// The pids below `ancestor` in the process tree of `entries`.
    static func descendants(of ancestor: pid_t, in entries: [Entry]) -> Set<pid_t> {
        var children: [pid_t: [pid_t]] = [:]
        for entry in entries { children[entry.parent, default: []].append(entry.pid) }
        var result = Set<pid_t>()
        var stack = children[ancestor] ?? []
        while let pid = stack.popLast() {
            guard result.insert(pid).inserted else { continue }
            stack.append(contentsOf: children[pid] ?? [])
        }
        return result
    }

    /// Zombies whose parent is this process (what a subreaper must reap).
    static func zombieChildren() -> [pid_t] {
        let me = getpid()
        return allPIDs().compactMap { pid in
            guard let entry = entry(pid), entry.parent == me, entry.state == UInt8(ascii: "Z") else { return nil }
            return pid
        }
    }
}
