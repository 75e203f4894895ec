import ControlProtocol
import Foundation
import Synchronization

/// Where the event lines of a waited run go (its connection). A `droppable` line (an output line)
/// may be dropped while the client does not keep up; the others never are.
typealias EventSink = @Sendable (_ line: [UInt8], _ droppable: Bool) -> Void

/// A `run_now` with `wait`: receives the run's events and, at the end, its last attempt.
final class RunWatcher: Sendable {
    let id: RequestID?
    let send: EventSink
    private let state = Mutex<(result: RunInfo?, continuation: CheckedContinuation<RunInfo, Never>?)>((nil, nil))

    init(id: RequestID?, send: @escaping EventSink) {
        self.id = id
        self.send = send
    }

    func event(_ event: RunEvent) {
        let droppable = if case .output = event { true } else { false }
        send(ResponseEncoder.event(id: id, event), droppable)
    }

    /// Ends the wait with the run's final state.
    func finish(_ info: RunInfo) {
        let continuation = state.withLock { state -> CheckedContinuation<RunInfo, Never>? in
            guard state.result == nil else { return nil }
            state.result = info
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: info)
    }

    func result() async -> RunInfo {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> RunInfo? in
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// Watchers by run id, reachable from the output callbacks (not on the actor), and by task
/// while a retry of a watched run is pending.
final class WatchRegistry: Sendable {
    private let byRun = Mutex<[String: [RunWatcher]]>([:])
    private let awaitingRetry = Mutex<[String: [RunWatcher]]>([:])

    func watch(runID: String, _ watcher: RunWatcher) {
        byRun.withLock { $0[runID, default: []].append(watcher) }
    }

    func watchers(of runID: String) -> [RunWatcher] { byRun.withLock { $0[runID] ?? [] } }

    func isWatched(_ runID: String) -> Bool { byRun.withLock { $0[runID] != nil } }

    /// The run is over: its watchers are returned and forgotten.
    func end(runID: String) -> [RunWatcher] { byRun.withLock { $0.removeValue(forKey: runID) ?? [] } }

    /// A watched run will be retried: its watchers wait for the task's next retry.
    func awaitRetry(task: String, _ watchers: [RunWatcher]) {
        awaitingRetry.withLock { $0[task, default: []].append(contentsOf: watchers) }
    }

    /// A retry of `task` started as `runID`: watchers waiting for it follow it.
    func retryStarted(task: String, runID: String) -> [RunWatcher] {
        let waiting = awaitingRetry.withLock { $0.removeValue(forKey: task) ?? [] }
        for watcher in waiting { watch(runID: runID, watcher) }
        return waiting
    }

    /// The task will not be retried after all (shutdown, reload removed it).
    func dropRetry(task: String) -> [RunWatcher] { awaitingRetry.withLock { $0.removeValue(forKey: task) ?? [] } }
}
