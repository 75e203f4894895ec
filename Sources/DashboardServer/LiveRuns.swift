import ControlProtocol
import DequeModule
import Foundation
import NIOConcurrencyHelpers

/// One thing a followed run reported, as the browser receives it.
public enum LiveItem: Sendable, Equatable {
    case started(RunInfo)
    case output(RunOutputStream, String)
    case retrying(RunInfo)
    case finished(RunInfo)
    case failed(String)

    var isFinal: Bool {
        switch self {
        case .finished, .failed: true
        default: false
        }
    }
}

/// A run started from the dashboard, followed (`run_now` with `wait`) by a thread that only
/// appends here. Viewers get the lines so far and then each new one through a bounded buffer of
/// their own: a stalled browser loses its oldest lines, never slows the reader, the daemon or
/// other viewers.
final class LiveRun: Sendable {
    let key: String
    let task: String
    let startedAt: Int64

    private struct State {
        var items: Deque<LiveItem> = []
        var dropped = 0
        var done = false
        var viewers: [Int: AsyncStream<LiveItem>.Continuation] = [:]
        var nextViewer = 0
    }
    private let state = NIOLockedValueBox(State())
    let handle = NIOLockedValueBox<FollowHandle?>(nil)

    init(key: String, task: String, startedAt: Int64) {
        self.key = key
        self.task = task
        self.startedAt = startedAt
    }

    /// From the following thread: never blocks.
    func append(_ update: FollowUpdate) {
        let item: LiveItem
        switch update {
        case .event(.started(let run)): item = .started(run)
        case .event(.retrying(let run)): item = .retrying(run)
        case .event(.output(_, let stream, let line)): item = .output(stream, line)
        case .finished(let run): item = .finished(run)
        case .failed(let error): item = .failed(error.protocolError?.message ?? error.message)
        }
        // Yield and finish outside the lock: finishing runs the viewer's onTermination, which takes it.
        let viewers: [AsyncStream<LiveItem>.Continuation] = state.withLockedValue { state in
            guard !state.done else { return [] }
            state.items.append(item)
            if state.items.count > Limits.liveRunLines {
                state.items.removeFirst()
                state.dropped += 1
            }
            let viewers = Array(state.viewers.values)
            if item.isFinal {
                state.done = true
                state.viewers = [:]
            }
            return viewers
        }
        for viewer in viewers {
            viewer.yield(item)
            if item.isFinal { viewer.finish() }
        }
    }

    /// What has arrived so far (and how many early lines were dropped), and whether it is over.
    var snapshot: (items: [LiveItem], dropped: Int, done: Bool) {
        state.withLockedValue { (Array($0.items), $0.dropped, $0.done) }
    }

    /// The items so far, then the new ones as they come; the stream ends with the final item, or
    /// when `stop` is called (the server shutting down).
    func subscribe() -> (backlog: [LiveItem], updates: AsyncStream<LiveItem>, stop: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream<LiveItem>.makeStream(bufferingPolicy: .bufferingNewest(Limits.viewerBuffer))
        let backlog: [LiveItem] = state.withLockedValue { state in
            if state.done {
                continuation.finish()
            } else {
                let id = state.nextViewer
                state.nextViewer += 1
                state.viewers[id] = continuation
                continuation.onTermination = { [weak self] _ in
                    _ = self?.state.withLockedValue { $0.viewers.removeValue(forKey: id) }
                }
            }
            return Array(state.items)
        }
        return (backlog, stream, { continuation.finish() })
    }
}

/// The runs followed now and recently (kept 15 minutes after they end, at most 64).
final class LiveRuns: Sendable {
    private let runs = NIOLockedValueBox<[String: LiveRun]>([:])
    static let capacity = 64
    static let keepSeconds: Int64 = 15 * 60

    func add(_ run: LiveRun, now: Int64) -> Bool {
        runs.withLockedValue { runs in
            runs = runs.filter { !$0.value.snapshot.done || now - $0.value.startedAt < LiveRuns.keepSeconds }
            guard runs.count < LiveRuns.capacity else { return false }
            runs[run.key] = run
            return true
        }
    }

    func run(_ key: String) -> LiveRun? { runs.withLockedValue { $0[key] } }
}

extension Dashboard {
    /// Starts `run_now` with `wait` for `task` and returns the key of its live page, or nil when
    /// too many runs are being followed.
    func startLiveRun(task: String, force: Bool, withDependents: Bool = false, user: String) -> String? {
        let run = LiveRun(key: Credentials.randomToken().prefix(16).description, task: task, startedAt: clock())
        guard live.add(run, now: clock()) else { return nil }
        let handle = gateway.follow(task: task, force: force, withDependents: withDependents, actingFor: user) { update in run.append(update) }
        run.handle.withLockedValue { $0 = handle }
        return run.key
    }
}
