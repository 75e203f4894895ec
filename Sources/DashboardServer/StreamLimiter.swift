import NIOConcurrencyHelpers

/// The cap on live streams (run output, log tail) open at once, across all viewers.
final class StreamLimiter: Sendable {
    private let open = NIOLockedValueBox(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Takes a slot, or returns false when all are taken.
    func acquire() -> Bool {
        open.withLockedValue { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() { open.withLockedValue { $0 = max(0, $0 - 1) } }

    var current: Int { open.withLockedValue { $0 } }
}
