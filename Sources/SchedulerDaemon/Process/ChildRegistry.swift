import Glibc
import Synchronization

/// The pids of task processes this daemon spawned and has not reaped yet.
///
/// Why a lock around spawning and reaping: the orphan reaper reaps any exited child that is
/// not a tracked run. Spawning inside the lock means a just-spawned child that exits at once
/// is registered before the reaper can see it; reaping inside the lock means the reaper never
/// sees a pid between "reaped by its TaskProcess" and "untracked".
///
/// Spawns and the reaps of tracked runs only need to exclude the orphan reaper, not each other:
/// they share a read-write lock (the reaper takes it exclusively), so several threads spawn at
/// once (a burst of starts uses both cores; `posix_spawn` waits for its child's exec).
enum ChildRegistry {
    private static let gate = ReadWriteLock()
    private static let tracked = Mutex<Set<pid_t>>([])

    /// The orphan reaper: no spawn or tracked reap runs meanwhile.
    static func withLock<Result: Sendable>(_ body: (inout Set<pid_t>) -> Result) -> Result {
        gate.withWriteLock { tracked.withLock { body(&$0) } }
    }

    /// A spawn or the reap of a tracked run: beside others of its kind, never beside the reaper.
    /// Register (``insert(_:)``) or unregister (``remove(_:)``) inside `body`.
    static func withSharedLock<Result>(_ body: () -> Result) -> Result {
        gate.withReadLock(body)
    }

    static func insert(_ pid: pid_t) { _ = tracked.withLock { $0.insert(pid) } }

    static func remove(_ pid: pid_t) { _ = tracked.withLock { $0.remove(pid) } }

    static func isTracked(_ pid: pid_t) -> Bool {
        tracked.withLock { $0.contains(pid) }
    }

    static var count: Int { tracked.withLock { $0.count } }

    /// The tracked pids now (each the process group id of a run: runs start their own session).
    static var snapshot: Set<pid_t> { tracked.withLock { $0 } }
}

/// A pthread read-write lock (Synchronization has none), at a fixed address for its lifetime.
final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func withReadLock<Result>(_ body: () -> Result) -> Result {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return body()
    }

    func withWriteLock<Result>(_ body: () -> Result) -> Result {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return body()
    }
}
