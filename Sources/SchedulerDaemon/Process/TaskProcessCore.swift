import CShim
import Dispatch
import Glibc
import Scheduling
import Synchronization

/// What the public side of a TaskProcess reads, from any thread.
struct TaskProcessShared {
    var tail = OutputTail()
    var termination: Termination?
    var finished = false
    var sweptProcessCount = 0
    var pipesHeldOpen = false
    /// CPU time and peak memory from the reap (nil if someone else reaped the process).
    var usage: RunUsage?
    var waiters: [CheckedContinuation<Termination, Never>] = []
}

/// The moving parts of one run. Everything but `shared` is touched only on `queue`.
///
/// Order of events: the pidfd turns readable (main process exited; it stays a zombie, so its
/// pid, which is the group id, cannot be reused while the clean-up signals the group); the
/// sweeper ends the group's and the run id's other processes; the main process is reaped;
/// the pipes are read to EOF (or closed after `drainTimeout`); waiters resume.
final class TaskProcessCore: @unchecked Sendable {
    /// After the clean-up, how long to wait for pipe EOF before closing the pipes anyway: a
    /// process that escaped both the group and V6_RUN_ID may still hold them open.
    static let drainTimeout = 2.0

    let pid: pid_t
    let runID: String
    /// The environment entry that marks the run's processes (`SpawnRequest.cleanupMarker`).
    let marker: String
    let killGrace: Double
    let queue: DispatchQueue
    let shared = Mutex(TaskProcessShared())
    private let pidfd: Int32
    private var readers: [PipeReader] = []
    private var exitWatch: ProcessEventLoop.Watch?
    private var mainExit: Termination?
    private var sweeper: ProcessSweeper?
    private var sweepDone = false
    private var reaped = false
    private var draining = false
    private var finished = false

    init(launched: LaunchedProcess, request: SpawnRequest, onLine: @escaping @Sendable (OutputLine) -> Void) {
        pid = launched.pid
        pidfd = launched.pidfd
        runID = request.runID
        marker = request.cleanupMarker
        killGrace = request.killGrace
        queue = DispatchQueue(label: "v6.task.\(request.runID)")
        let buffer = ReadBuffer()
        readers = [(launched.stdoutFD, OutputLine.Stream.stdout), (launched.stderrFD, .stderr)].map { fd, stream in
            PipeReader(fd: fd, stream: stream, queue: queue, buffer: buffer,
                       onBytes: { [self] chunk in self.shared.withLock { $0.tail.append(chunk) } },
                       onLine: onLine,
                       onClosed: { [self] in self.readerClosed() })
        }
    }

    /// Starts watching the pidfd and the pipes. If that fails (out of descriptors), the child is
    /// killed and reaped, everything is closed, and the errno is returned.
    func start() -> Int32? {
        queue.sync {
            exitWatch = ProcessEventLoop.shared.watch(pidfd, queue: queue) { [self] in self.mainMayHaveExited() }
            if exitWatch != nil && readers.allSatisfy({ $0.start() }) { return nil }
            let error = errno
            if let exitWatch { ProcessEventLoop.shared.unwatch(exitWatch) }
            kill(-pid, SIGKILL)
            ChildRegistry.withSharedLock {
                var code: Int32 = 0, status: Int32 = 0
                _ = v6_waitid_pidfd(pidfd, 0, &code, &status)  // blocking, but SIGKILL is prompt
                ChildRegistry.remove(pid)
            }
            close(pidfd)
            finished = true  // readerClosed must not finish anything
            for reader in readers { reader.closeNow() }
            return error
        }
    }

    // MARK: - Main process

    private func mainMayHaveExited() {
        guard let exitWatch, mainExit == nil else { return }
        var code: Int32 = 0, status: Int32 = 0
        // WNOWAIT: look, do not reap yet (see the type's comment).
        switch v6_waitid_pidfd(pidfd, v6_WNOHANG | v6_WNOWAIT, &code, &status) {
        case 0:
            ProcessEventLoop.shared.rearm(exitWatch)  // not yet (spurious wake-up)
            return
        case 1:
            mainExit = Self.termination(code: code, status: status)
        default:
            // ECHILD: someone else reaped it (a waitpid(-1) elsewhere). The status is lost.
            mainExit = .exited(-1)
            reaped = true
        }
        ProcessEventLoop.shared.unwatch(exitWatch)
        self.exitWatch = nil
        if sweepDone {
            reapAndDrain()
        } else if sweeper == nil {
            // After the spawns under way (a burst): the sweep's /proc scan would compete with
            // them for the CPU, and the run's end can wait a few ms.
            SpawnPool.shared.whenIdle(on: queue) { [self] in
                guard sweeper == nil, !sweepDone, !finished else { return }
                startSweep(grace: killGrace)
            }
        }
        // Otherwise a sweep from terminate() is running; its end continues from here.
    }

    static func termination(code: Int32, status: Int32) -> Termination {
        code == CLD_EXITED ? .exited(status) : .signaled(status)
    }

    // MARK: - Clean-up

    func terminate(grace: Double) {
        queue.async { [self] in
            guard !finished, sweeper == nil, !sweepDone else { return }
            startSweep(grace: grace)
        }
    }

    private func startSweep(grace: Double) {
        let sweeper = ProcessSweeper(group: pid, marker: marker, leader: pid, grace: grace, queue: queue) { [self] count in
            self.sweepFinished(strays: count)
        }
        self.sweeper = sweeper
        sweeper.start()
    }

    private func sweepFinished(strays: Int) {
        sweeper = nil
        shared.withLock { $0.sweptProcessCount += strays }
        if mainExit != nil {
            sweepDone = true
            reapAndDrain()
            return
        }
        var code: Int32 = 0, status: Int32 = 0
        if v6_waitid_pidfd(pidfd, v6_WNOHANG | v6_WNOWAIT, &code, &status) == 0 {
            // The main process is still running (the scan missed it): straight to SIGKILL.
            startSweep(grace: 0)
        } else {
            sweepDone = true  // it has exited; its pidfd event is on its way
        }
    }

    private func reapAndDrain() {
        guard mainExit != nil, !draining, !finished else { return }
        draining = true
        let usage = ChildRegistry.withSharedLock { () -> RunUsage? in
            defer { ChildRegistry.remove(pid) }
            guard !reaped else { return nil }
            var code: Int32 = 0, status: Int32 = 0, cpuMicroseconds: Int64 = 0, maxRSSKiB: Int64 = 0
            // The rusage comes with the reap: the main process and the descendants it waited for.
            guard v6_waitid_pidfd_usage(pidfd, v6_WNOHANG, &code, &status, &cpuMicroseconds, &maxRSSKiB) == 1 else { return nil }
            return RunUsage(cpuSeconds: Double(cpuMicroseconds) / 1_000_000, maxRSSBytes: maxRSSKiB * 1024)
        }
        shared.withLock { $0.usage = usage }
        reaped = true
        close(pidfd)
        OrphanReaper.nudge()
        if readers.allSatisfy(\.isClosed) {
            finish()
            return
        }
        // Weak: a run that ends sooner is not kept alive by its timer.
        queue.asyncAfter(deadline: .now() + Self.drainTimeout) { [weak self] in
            guard let self, !self.finished else { return }
            self.shared.withLock { $0.pipesHeldOpen = true }
            for reader in self.readers where !reader.isClosed { reader.closeNow() }
        }
    }

    private func readerClosed() {
        if draining && readers.allSatisfy(\.isClosed) { finish() }
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        readers = []
        let termination = mainExit ?? .exited(-1)
        let waiters = shared.withLock { state -> [CheckedContinuation<Termination, Never>] in
            state.termination = termination
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: termination) }
    }

    // MARK: - Waiting

    func waitForExit() async -> Termination {
        await withCheckedContinuation { (continuation: CheckedContinuation<Termination, Never>) in
            let done: Termination? = shared.withLock { state in
                if state.finished { return state.termination }
                state.waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
