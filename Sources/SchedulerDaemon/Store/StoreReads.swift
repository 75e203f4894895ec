import Synchronization

/// Reads of the run store that run off the daemon's actor (history pages, which may be large):
/// counted, so that a stop closes the store only after the last of them, and none starts after.
final class StoreReads: Sendable {
    private struct State {
        var running = 0
        var closed = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Counts a read in; false once `close()` has begun (the store is going away: do not read).
    func begin() -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.running += 1
            return true
        }
    }

    /// A read counted in by `begin()` is over.
    func end() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// No new reads from now on; returns once those in progress are over.
    func close() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state -> Bool in
                state.closed = true
                if state.running == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
