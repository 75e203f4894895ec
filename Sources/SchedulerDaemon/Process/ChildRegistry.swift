import Glibc
import Synchronization

/// The pids of task processes this daemon spawned and has not reaped yet.
///
/// Why a lock around spawning and reaping: the orphan reaper reaps any exited child that is
/// not a tracked run. Spawning inside the lock means a just-spawned child that exits at once
/// is registered before the reaper can see it; reaping inside the lock means the reaper never
/// sees a pid between "reaped by its TaskProcess" and "untracked".
enum ChildRegistry {
    private static let tracked = Mutex<Set<pid_t>>([])

    static func withLock<Result: Sendable>(_ body: (inout Set<pid_t>) -> Result) -> Result {
        tracked.withLock { body(&$0) }
    }

    static func isTracked(_ pid: pid_t) -> Bool {
        tracked.withLock { $0.contains(pid) }
    }

    static var count: Int { tracked.withLock { $0.count } }
}
