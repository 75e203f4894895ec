import CShim
import Dispatch
import Glibc

/// Ends every process of one run: SIGTERM (and SIGCONT, so stopped ones see it) to the
/// process group and to every process carrying the run's marker (`V6_RUN_KEY`, or `V6_RUN_ID`
/// outside a daemon), then, once `grace` seconds have passed with anything still alive,
/// SIGKILL to the same. Without a group (a run of an earlier daemon instance), by marker only.
///
/// Event-driven on the task's serial queue: each process found is watched through a pidfd
/// (readable when it exits, for any process, child or not; via `ProcessEventLoop`), and /proc
/// is scanned again when all watched ones have exited (they may have forked meanwhile).
/// No polling, no blocking.
/// Confined to the task's queue (hence @unchecked Sendable: its closures hop only onto that queue).
final class ProcessSweeper: @unchecked Sendable {
    private enum Phase { case terminating, killing, done }

    /// After SIGKILL, how long to wait for processes to disappear before giving up (a process
    /// in uninterruptible sleep dies only when its I/O returns).
    static let killWait = 10.0
    /// Retry delay when a pidfd cannot be opened for a reason other than "already gone".
    static let retryDelay = 0.1

    private let group: pid_t?
    private let marker: String
    private let leader: pid_t
    private let grace: Double
    private let queue: DispatchQueue
    private let onDone: (Int) -> Void
    private var phase = Phase.terminating
    private var signalled: Set<pid_t> = []
    private var watchers: [pid_t: ProcessEventLoop.Watch] = [:]
    private var strays: Set<pid_t> = []
    /// Bumped when the deadline changes, so an outdated asyncAfter does nothing.
    private var deadlineGeneration = 0

    /// `onDone` gets how many processes other than `leader` were found alive.
    init(group: pid_t?, marker: String, leader: pid_t, grace: Double, queue: DispatchQueue,
         onDone: @escaping (Int) -> Void) {
        self.group = group
        self.marker = marker
        self.leader = leader
        self.grace = max(0, grace)
        self.queue = queue
        self.onDone = onDone
    }

    func start() {
        if grace > 0 {
            arm(after: grace) { [unowned self] in self.escalate() }
            round()
        } else {
            escalate()
        }
    }

    /// Signals the group and every member found, and watches those not yet watched.
    private func round() {
        guard phase != .done else { return }
        let signal = phase == .terminating ? SIGTERM : SIGKILL
        // Scan first, then signal: what is found is counted before it can die. A process forked
        // between the two still gets the group's signal, or is found by the next round.
        var otherRuns = group == nil ? [] : ChildRegistry.snapshot
        if let group { otherRuns.remove(group) }
        let live = ProcessTable.members(ofGroup: group, marker: marker, otherRuns: otherRuns)
        if live.isEmpty {
            complete()
            return
        }
        strays.formUnion(live.lazy.filter { $0 != self.leader })
        if let group { send(signal, to: -group) }
        for pid in live where signalled.insert(pid).inserted {
            send(signal, to: pid)
        }
        var retry = false
        for pid in live where watchers[pid] == nil {
            if !watch(pid) && errno != ESRCH { retry = true }
        }
        if watchers.isEmpty {
            // Everything found has already gone (or no pidfd could be opened): look again.
            if retry {
                queue.asyncAfter(deadline: .now() + Self.retryDelay) { [self] in self.round() }
            } else {
                queue.async { [self] in self.round() }
            }
        }
    }

    private func send(_ signal: Int32, to target: pid_t) {
        kill(target, signal)
        // A stopped process would hold SIGTERM pending forever; SIGCONT lets it act on it.
        if signal == SIGTERM { kill(target, SIGCONT) }
    }

    /// Watches `pid` through a pidfd; false (errno set) if it cannot be opened or watched.
    private func watch(_ pid: pid_t) -> Bool {
        let fd = v6_pidfd_open(pid)
        guard fd >= 0 else { return false }
        let token = Box<ProcessEventLoop.Watch?>(nil)
        guard let watch = ProcessEventLoop.shared.watch(fd, queue: queue, handler: { [self] in
            // Dropped if this watch was already removed (complete()) or replaced.
            guard let watch = token.value, self.watchers[pid] == watch else { return }
            self.stopWatching(pid, watch)
            if self.watchers.isEmpty { self.round() }
        }) else {
            let error = errno
            close(fd)
            errno = error
            return false
        }
        token.value = watch
        watchers[pid] = watch
        return true
    }

    private func stopWatching(_ pid: pid_t, _ watch: ProcessEventLoop.Watch) {
        ProcessEventLoop.shared.unwatch(watch)
        close(watch.fd)
        watchers[pid] = nil
    }

    /// The grace is over: SIGKILL everything; or, after SIGKILL, give up waiting.
    private func escalate() {
        switch phase {
        case .terminating:
            phase = .killing
            signalled = []
            arm(after: Self.killWait) { [unowned self] in self.escalate() }
            round()
        case .killing:
            complete()
        case .done:
            break
        }
    }

    private func arm(after seconds: Double, _ handler: @escaping @Sendable () -> Void) {
        deadlineGeneration += 1
        let generation = deadlineGeneration
        // Weak: a finished sweep is not kept alive (with its task) until an old deadline passes.
        queue.asyncAfter(deadline: .now() + seconds) { [weak self] in
            guard let self, self.deadlineGeneration == generation, self.phase != .done else { return }
            handler()
        }
    }

    private func complete() {
        guard phase != .done else { return }
        phase = .done
        deadlineGeneration += 1
        for (pid, watch) in watchers { stopWatching(pid, watch) }
        onDone(strays.count)
    }
}

/// A mutable cell for a value a closure needs but that exists only after the closure is made.
/// Touched only on the task's queue.
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
