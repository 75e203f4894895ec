import CShim
import Dispatch
import Glibc
import Synchronization

/// Makes the daemon the reaper of its tasks' orphans (double-forked daemons, children of a
/// killed shell), so they do not become PID 1's zombies, which PID 1 may never reap.
public enum ChildSubreaper {
    /// prctl(PR_SET_CHILD_SUBREAPER, 1) for this process, and SIGCHLD blocked in the calling
    /// thread. Call it first thing in the daemon's main, before other threads start: threads
    /// inherit the block, which lets `OrphanReaper`'s SIGCHLD source see every signal (a
    /// thread that does not block SIGCHLD would silently discard it: its default is "ignore").
    /// Task processes start with an empty signal mask regardless. Then start an `OrphanReaper`.
    public static func enable() throws(SpawnError) {
        guard v6_set_child_subreaper(1) == 0 else {
            throw SpawnError(.system, "cannot become the child subreaper: \(SpawnError.reason(errno)) (Linux 3.4+ needed)",
                             errno: errno)
        }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGCHLD)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Whether this process is a child subreaper.
    public static var isEnabled: Bool { v6_is_child_subreaper() == 1 }
}

/// Reaps exited children that are not tracked task processes: in the daemon, these are
/// orphaned descendants reparented to it (it is a subreaper). Runs on SIGCHLD (a
/// DispatchSource), after every run, and every `safetyInterval` seconds in case a SIGCHLD was
/// lost, so an orphan's zombie lasts seconds at most.
///
/// Only for a process whose children are all TaskProcesses: it reaps any other child it finds
/// exited (Foundation's `Process` included). Never start it in the test process.
public final class OrphanReaper: @unchecked Sendable {
    private static let active = Mutex<OrphanReaper?>(nil)

    private let queue: DispatchQueue
    private let signalSource: DispatchSourceSignal
    private let timer: DispatchSourceTimer
    private let reapedCount = Mutex(0)
    private let scanPending = Mutex(false)
    /// How long a /proc scan for orphans hidden behind a tracked zombie waits (see `scanSoon`).
    static let scanDelay = 0.2

    private init(queue: DispatchQueue, safetyInterval: Double) {
        self.queue = queue
        signalSource = DispatchSource.makeSignalSource(signal: SIGCHLD, queue: queue)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + safetyInterval, repeating: safetyInterval)
    }

    /// Starts reaping (there is one reaper per process: a second call returns the first).
    public static func start(safetyInterval: Double = 10) -> OrphanReaper {
        active.withLock { active in
            if let active { return active }
            let reaper = OrphanReaper(queue: DispatchQueue(label: "v6.orphan-reaper"), safetyInterval: safetyInterval)
            reaper.signalSource.setEventHandler { [reaper] in _ = reaper.reapNow() }
            reaper.timer.setEventHandler { [reaper] in _ = reaper.reapNow() }
            reaper.signalSource.resume()
            reaper.timer.resume()
            reaper.queue.async { [reaper] in _ = reaper.reapNow() }
            active = reaper
            return reaper
        }
    }

    /// Stops the reaper (the daemon's shutdown).
    public func stop() {
        OrphanReaper.active.withLock { active in
            if active === self { active = nil }
        }
        signalSource.cancel()
        timer.cancel()
    }

    /// Orphans reaped so far.
    public var reapedTotal: Int { reapedCount.withLock { $0 } }

    /// Asks the running reaper, if any, to reap now (a run just ended, its strays may be zombies).
    static func nudge() {
        guard let reaper = active.withLock({ $0 }) else { return }
        reaper.queue.async { _ = reaper.reapNow() }
    }

    /// Reaps every exited child that is not a tracked task process; returns their pids.
    @discardableResult
    public func reapNow() -> [pid_t] {
        var reaped: [pid_t] = []
        // Peek (WNOWAIT) at one exited child at a time and reap it unless it is a tracked run,
        // whose TaskProcess reaps it through its pidfd.
        let blocked = ChildRegistry.withLock { tracked -> Bool in
            while true {
                let pid = v6_peek_exited_child()
                if pid <= 0 { return false }
                if tracked.contains(pid) { return true }
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) > 0 { reaped.append(pid) } else { return false }
            }
        }
        if blocked { scanSoon() }
        if !reaped.isEmpty { reapedCount.withLock { $0 += reaped.count } }
        return reaped
    }

    /// The kernel's peek keeps returning the same tracked zombie (a run whose clean-up is under
    /// way), which may hide orphans behind it: find those in /proc. Not at once but once per
    /// `scanDelay`: in a burst, hundreds of exits each find a tracked zombie first, and a scan of
    /// /proc for each of them competed with the spawns for the CPU. Usually the tracked zombie is
    /// reaped meanwhile and the next peek sees past it.
    private func scanSoon() {
        let schedule = scanPending.withLock { pending -> Bool in
            defer { pending = true }
            return !pending
        }
        guard schedule else { return }
        queue.asyncAfter(deadline: .now() + Self.scanDelay) { [self] in
            scanPending.withLock { $0 = false }
            var reaped = 0
            for pid in ProcessTable.zombieChildren() {
                let done = ChildRegistry.withLock { tracked -> Bool in
                    var status: Int32 = 0
                    return !tracked.contains(pid) && waitpid(pid, &status, WNOHANG) > 0
                }
                if done { reaped += 1 }
            }
            if reaped > 0 { reapedCount.withLock { $0 += reaped } }
        }
    }
}
