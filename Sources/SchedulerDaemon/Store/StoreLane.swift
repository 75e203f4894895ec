import Dispatch
import Synchronization

/// The run path's writes to the store, off the daemon's actor: handed over in order and committed
/// in batches. Whatever is queued while one batch commits goes into the next transaction, so a
/// burst of 200 starts costs one or two fsyncs, not 200, and a slow disk (an fsync that takes
/// 100 ms under someone else's write-back) delays the history, never the schedule.
///
/// Writes commit in the order they were submitted (one serial queue); each completion is called
/// after its batch committed (or failed), on that queue, in order.
final class StoreLane: Sendable {
    typealias Completion = @Sendable (Result<StoreWriteResult, StoreError>) -> Void

    private struct Item: Sendable {
        let write: StoreWrite
        let done: Completion?
    }

    private struct State {
        var items: [Item] = []
        var failing = false
        var scheduled = false
        var submitted = 0
        var committed = 0
        var waiters: [(Int, CheckedContinuation<Void, Never>)] = []
    }

    let store: RunStore
    /// The shared store (`scheduler.store: postgres`): claims are made there, before anything is
    /// written locally (`StoreLane+Shared.swift`); this host's `state.db` keeps a copy.
    let shared: SharedLane?
    private let queue = DispatchQueue(label: "v6.store.lane", qos: .userInitiated)
    private let state = Mutex(State())
    private let health: @Sendable (StoreError?) -> Void
    /// The most writes one transaction takes (a huge backlog is committed in pieces).
    static let batchLimit = 1000

    /// - Parameter health: told of every failed write (with its error) and, after failures, of the
    ///   first batch that committed cleanly (nil), on the lane's queue.
    init(store: RunStore, shared: PostgresStore? = nil, health: @escaping @Sendable (StoreError?) -> Void) {
        self.store = store
        self.shared = shared.map(SharedLane.init)
        self.health = health
    }

    /// Queues `write`; `done` (if any) gets its result once it is committed.
    func submit(_ write: StoreWrite, _ done: Completion? = nil) {
        let schedule = state.withLock { state -> Bool in
            state.items.append(Item(write: write, done: done))
            state.submitted += 1
            defer { state.scheduled = true }
            return !state.scheduled
        }
        if schedule { queue.async { self.drain() } }
    }

    /// Sends the run records that wait for the shared store (it answers again), on the lane's queue.
    func flushShared() {
        guard let shared else { return }
        queue.async { shared.send() }
    }

    /// Returns once every write submitted before the call is committed (or has failed): a read
    /// after it sees them (history right after a run finished).
    func flush() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.committed >= state.submitted { return true }
                state.waiters.append((state.submitted, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// `writes` in one local transaction; a failed commit fails them all.
    static func applyLocally(_ writes: [StoreWrite], _ store: RunStore) -> [Result<StoreWriteResult, StoreError>] {
        do {
            return try store.apply(writes)
        } catch {
            return Array(repeating: .failure(error), count: writes.count)
        }
    }

    private func drain() {
        while true {
            let batch = state.withLock { state -> [Item] in
                let batch = Array(state.items.prefix(Self.batchLimit))
                state.items.removeFirst(batch.count)
                if batch.isEmpty { state.scheduled = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let results = shared.map { $0.apply(batch.map(\.write), local: store) } ?? Self.applyLocally(batch.map(\.write), store)
            for (item, result) in zip(batch, results) { item.done?(result) }
            let failures = results.compactMap { result -> StoreError? in
                if case .failure(let error) = result { return error }
                return nil
            }
            let recovered = state.withLock { state -> Bool in
                defer { state.failing = !failures.isEmpty }
                return state.failing && failures.isEmpty
            }
            // One report per distinct error of the batch (a failed commit fails every write alike).
            for error in Set(failures) { health(error) }
            if recovered { health(nil) }
            let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.committed += batch.count
                let committed = state.committed
                let ready = state.waiters.filter { $0.0 <= committed }.map(\.1)
                state.waiters.removeAll { $0.0 <= committed }
                return ready
            }
            for waiter in ready { waiter.resume() }
        }
    }
}
