import Foundation
import Synchronization

/// The store lane's way to the shared store (`scheduler.store: postgres`), on the lane's own
/// thread, which may wait for PostgreSQL (never the actor).
///
/// - A claim goes to PostgreSQL first: the slot and the run's record in one transaction there.
///   Only a won claim is copied into this host's `state.db`; a lost one writes nothing; one the
///   database did not answer fails (the daemon then does not start the run: at most once).
/// - A run's later records (its end) are copied into `state.db` at once and sent to PostgreSQL
///   in order; while the database is away they wait here (at most `pendingLimit`) and go when
///   it answers again.
/// - After a failure, claims fail at once (no 3-second wait each) until `retryAfter` has passed
///   or the daemon's heartbeat saw the database again (`markUp`).
final class SharedLane: Sendable {
    let store: PostgresStore
    private struct State {
        /// Why the database is taken as away, and since when a claim last failed.
        var down: (reason: String, at: ContinuousClock.Instant)?
        /// Why claims must not be made at all now (another daemon holds this host id), until `markUp`.
        var held: String?
        var pending: [RunRecord] = []
        var dropped = 0
    }

    private let state = Mutex(State())
    /// Run records kept for the database while it is away; the oldest go first beyond it.
    static let pendingLimit = 10_000
    /// How soon after a failure a claim tries the database again (without waiting for a heartbeat).
    static let retryAfter: Duration = .seconds(1)

    init(_ store: PostgresStore) {
        self.store = store
    }

    /// Nil while the database answers; otherwise what failed.
    var unavailable: String? { state.withLock { $0.down?.reason } }

    /// Run records waiting for the database.
    var pendingCount: Int { state.withLock { $0.pending.count } }

    /// The daemon reached the database (a heartbeat): claims try it again at once.
    func markUp() {
        state.withLock { state in
            state.down = nil
            state.held = nil
        }
    }

    /// No claim until `markUp`: `reason` is every claim's failure.
    func hold(_ reason: String) {
        state.withLock { $0.held = reason }
    }

    func markDown(_ error: any Error) {
        // A server's refusal (a defect, a constraint) is not the database being away.
        guard PostgresStore.isConnectionFailure(error) else { return }
        let reason = StoreError.sharedStore(store.label, operation: "reach PostgreSQL", error).reason
        state.withLock { $0.down = (reason, .now) }
    }

    /// Applies a batch: claims in PostgreSQL first, then everything locally in one transaction,
    /// then the run records waiting for PostgreSQL, in order.
    func apply(_ writes: [StoreWrite], local: RunStore) -> [Result<StoreWriteResult, StoreError>] {
        var results = [Result<StoreWriteResult, StoreError>?](repeating: nil, count: writes.count)
        var localWrites: [(index: Int, write: StoreWrite)] = []
        var updates: [RunRecord] = []
        for (index, write) in writes.enumerated() {
            switch write {
            case .claim(let record):
                switch claim(record) {
                case .success(true):
                    results[index] = .success(.claimed(true))
                    // The slot is the cluster's, in PostgreSQL: the local copy is the record alone
                    // (its pruning waits for the run's end, which carries the task's limit).
                    localWrites.append((index, .record(record, historyLimit: Int(Int32.max))))
                case .success:
                    results[index] = .success(.claimed(false))
                case .failure(let error):
                    results[index] = .failure(error)
                }
            case .record(let record, _):
                localWrites.append((index, write))
                updates.append(record)
            case .reserve, .release:
                localWrites.append((index, write))
            }
        }
        let localResults = StoreLane.applyLocally(localWrites.map(\.write), local)
        for (item, result) in zip(localWrites, localResults) where results[item.index] == nil {
            results[item.index] = result
        }
        send(updates)
        return results.map { $0 ?? .success(.done) }
    }

    /// Sends the waiting run records and `records` to PostgreSQL, in order; stops at the first
    /// failure (the rest wait for the next batch or heartbeat).
    func send(_ records: [RunRecord] = []) {
        let (batch, dropped) = state.withLock { state -> ([RunRecord], Int) in
            state.pending += records
            let over = max(0, state.pending.count - Self.pendingLimit)
            state.pending.removeFirst(over)
            state.dropped += over
            return (state.down == nil || retryDue(state) ? state.pending : [], over)
        }
        if dropped > 0 {
            store.logger.error("\(dropped) run record(s) were not sent to PostgreSQL: more than \(Self.pendingLimit) waited for it (they are in this host's state.db)")
        }
        var sent = 0
        for record in batch {
            do {
                _ = try store.waiting { try await $0.update(record) }
                sent += 1
            } catch where PostgresStore.isConnectionFailure(error) {
                markDown(error)
                break
            } catch {
                // Refused by the server: it will not take it later either.
                store.logger.error("run \(record.runID) of \(record.task): its record was refused by the shared store: \(PostgresStore.describe(error))")
                sent += 1
            }
        }
        guard sent > 0 else { return }
        state.withLock { $0.pending.removeFirst(min(sent, $0.pending.count)) }
    }

    private func retryDue(_ state: State) -> Bool {
        guard let down = state.down else { return true }
        return ContinuousClock.now - down.at >= Self.retryAfter
    }

    private func claim(_ record: RunRecord) -> Result<Bool, StoreError> {
        let operation = "claim the slot of run \(record.runID) of \(record.task)"
        if let held = state.withLock({ $0.held }) {
            return .failure(StoreError(code: .sharedStore, path: store.label, operation: operation, reason: held))
        }
        if let down = state.withLock({ $0.down }), ContinuousClock.now - down.at < Self.retryAfter {
            return .failure(StoreError(code: .sharedStore, path: store.label, operation: operation, reason: down.reason))
        }
        do {
            let won = try store.waiting { try await $0.claim(record) }
            markUp()
            return .success(won)
        } catch {
            markDown(error)
            return .failure(StoreError.sharedStore(store.label, operation: operation, error))
        }
    }
}
