import CShim
import Dispatch
import Glibc
import Scheduling
import Synchronization

/// One run of a task as a child process: spawned in its own session and process group, its
/// output read line by line while it runs, its end detected through a pidfd, and everything it
/// started cleaned up when it ends, so nothing outlives its run.
///
/// Threading: one thread for all tasks (`ProcessEventLoop`) waits in epoll on every pipe and
/// pidfd and hands each readiness to the task's serial DispatchQueue, where all of the task's
/// work happens: reads, line splitting, `onLine`, exit handling, clean-up, its timers
/// (asyncAfter). No thread per task, no polling. `onLine` is called on that queue, one call at
/// a time, in order per stream; it should be quick (a slow callback slows the task, whose pipe
/// fills up). The public members are safe from any thread or task.
///
/// Lifecycle: when the main process exits (on its own or after `terminate`), the rest of its
/// process group and every process carrying its `V6_RUN_ID` get SIGTERM, then SIGKILL after
/// the grace, as on a timeout; then the main process is reaped, the pipes are drained, and
/// `waitForExit()` returns. Dropping the TaskProcess early does not stop any of this.
public final class TaskProcess: Sendable {
    /// The main process's pid, which is also its process group and session id.
    public let pid: Int32
    public let runID: String
    let core: TaskProcessCore

    private init(pid: Int32, runID: String, core: TaskProcessCore) {
        self.pid = pid
        self.runID = runID
        self.core = core
    }

    /// Starts `request`. Throws a `SpawnError` naming the cause (missing program or folder,
    /// no execute permission, bad #! line, out of resources); never crashes.
    public static func spawn(_ request: SpawnRequest, onLine: @escaping @Sendable (OutputLine) -> Void)
        throws(SpawnError) -> TaskProcess
    {
        let started = try ProcessLauncher.launch(request)
        let core = TaskProcessCore(launched: started, request: request, onLine: onLine)
        if let error = core.start() {
            throw .spawnFailed(request.argv[0], cwd: request.workingDirectory, errno: error)
        }
        return TaskProcess(pid: started.pid, runID: request.runID, core: core)
    }

    /// Waits until the run is over (main process reaped, leftovers ended, output delivered).
    /// Any number of callers may wait; cancelling the waiting task does not stop the wait.
    public func waitForExit() async -> Termination {
        await core.waitForExit()
    }

    /// Ends the run: SIGTERM to the process group and the run's other processes, SIGKILL after
    /// `grace` seconds to whatever is left. Returns at once; `waitForExit()` tells when it is over.
    /// Idempotent: once the clean-up has begun (by an earlier call or because the main process
    /// exited), later calls do nothing.
    public func terminate(grace: Double) {
        core.terminate(grace: grace)
    }

    /// The last 64 KiB of stdout and stderr together, in the order they were read.
    public var outputTail: [UInt8] { core.shared.withLock { $0.tail.bytes } }

    /// Bytes of output read so far (both streams).
    public var outputByteCount: Int { core.shared.withLock { $0.tail.totalBytes } }

    /// How the main process ended, once the run is over; nil before.
    public var termination: Termination? { core.shared.withLock { $0.finished ? $0.termination : nil } }

    /// CPU time (user + system) and peak resident memory of the main process and the descendants
    /// it waited for, as the kernel accounted them at the reap; nil before the run is over (or if
    /// the process was reaped elsewhere). Orphans the daemon reaped as subreaper are not included.
    public var usage: RunUsage? { core.shared.withLock { $0.finished ? $0.usage : nil } }

    /// Processes other than the main one that the clean-up found still running (and ended).
    public var sweptProcessCount: Int { core.shared.withLock { $0.sweptProcessCount } }

    /// True if, after the clean-up, some process still held the output pipes open (one that left
    /// both the process group and its V6_RUN_ID behind, e.g. `setsid env -i ...`), so the pipes
    /// were closed by force after a short wait: output it writes later is lost, and it may still run.
    public var pipesHeldOpen: Bool { core.shared.withLock { $0.pipesHeldOpen } }
}
