import Foundation
import Synchronization

/// A background client that keeps toggling tasks with `v6ctl enable/disable TASK` against a
/// daemon, one command at a time, and records how each ended, so a test can kill the daemon
/// at any moment and then check that every acknowledged toggle survived.
public final class ToggleWriter: @unchecked Sendable {
    /// One `v6ctl enable|disable TASK` and its fate.
    public struct Command: Sendable {
        public let task: String
        public let enable: Bool
        /// The daemon answered success (exit 0): the toggle was in the database before the answer.
        public let acknowledged: Bool
        /// v6ctl could not even connect: the request never reached a daemon. (Exit 3 alone does not
        /// tell: v6ctl also exits 3 when the daemon closed the connection without answering, after
        /// which the toggle may have been saved; only the "cannot connect" message is certain.)
        public let neverSent: Bool
        /// Neither: the connection broke mid-request; the toggle may or may not have landed.
        public var inDoubt: Bool { !acknowledged && !neverSent }
    }

    private let daemon: DaemonHarness
    private let tasks: [String]
    private let commands = Mutex<[Command]>([])
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    /// Starts writing at once, choosing a task and a state at random for each command.
    public init(daemon: DaemonHarness, tasks: [String]) {
        self.daemon = daemon
        self.tasks = tasks
        let thread = Thread { [self] in
            defer { self.finished.store(true, ordering: .releasing) }
            while !self.stopping.load(ordering: .relaxed) {
                let task = self.tasks.randomElement()!
                let enable = Bool.random()
                let result = try? self.daemon.v6ctl([enable ? "enable" : "disable", task])
                let status = result?.status ?? -1
                let refused = status == 3 && (result?.stderr.contains("cannot connect to") ?? false)
                self.commands.withLock {
                    $0.append(Command(task: task, enable: enable, acknowledged: status == 0, neverSent: refused))
                }
            }
        }
        thread.name = "toggle-writer"
        thread.start()
    }

    /// Asks the writer to stop after its current command and waits for it.
    @discardableResult
    public func stop() -> [Command] {
        stopping.store(true, ordering: .relaxed)
        while !finished.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.005) }
        return commands.withLock { $0 }
    }

    /// The commands so far, in the order they were issued.
    public var issued: [Command] { commands.withLock { $0 } }

    /// The states a task may be in after `commands` (in order), given its state before them:
    /// the last acknowledged command's, plus that of any command in doubt after it (a request
    /// that reached the daemon just before it died may or may not have been saved).
    public static func possibleStates(of task: String, after commands: [Command], before: Bool) -> Set<Bool> {
        let mine = commands.filter { $0.task == task }
        let lastAcknowledged = mine.lastIndex { $0.acknowledged }
        var possible: Set<Bool> = [lastAcknowledged.map { mine[$0].enable } ?? before]
        let after = lastAcknowledged.map { mine[($0 + 1)...] } ?? mine[...]
        for command in after where command.inDoubt { possible.insert(command.enable) }
        return possible
    }
}
