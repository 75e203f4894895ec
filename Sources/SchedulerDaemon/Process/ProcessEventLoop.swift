import CShim
import Dispatch
import Foundation
import Glibc
import Synchronization

/// The one thread that waits, in epoll, on every descriptor of every task process (output
/// pipes, pidfds) and hands each readiness to the owner's serial DispatchQueue.
///
/// Why not DispatchSource read sources: libdispatch on Linux crashes (use-after-free of its
/// epoll bookkeeping, in `_dispatch_event_loop_drain`) under the register/cancel churn of many
/// short-lived fd sources — swift-corelibs-libdispatch#949, swift-subprocess#47 — and it was
/// seen here. This loop is small and owns its epoll set: every registration is one-shot and
/// identified by a token that is never reused, so a late event for a removed registration is
/// simply dropped, and a descriptor is always removed from epoll before it is closed.
/// Dispatch is still used for queues and time (asyncAfter), which do not have that problem.
final class ProcessEventLoop: Sendable {
    static let shared = ProcessEventLoop()

    /// One registration: the descriptor and the token its events carry.
    struct Watch: Sendable, Equatable {
        let token: UInt64
        let fd: Int32
    }

    private struct Entry {
        let queue: DispatchQueue
        let handler: @Sendable () -> Void
    }

    private let epfd: Int32
    private let state = Mutex<(next: UInt64, entries: [UInt64: Entry])>((1, [:]))

    private init() {
        epfd = v6_epoll_create()
        // If epoll cannot be created (out of descriptors), every watch fails and spawns report it.
        guard epfd >= 0 else { return }
        let thread = Thread { [self] in self.run() }
        thread.name = "v6.process-events"
        thread.start()
    }

    /// Runs `handler` on `queue` once, when `fd` is readable, hung up or in error. Call `rearm`
    /// for the next time, `unwatch` before closing `fd`. Nil (errno set) if epoll refuses.
    func watch(_ fd: Int32, queue: DispatchQueue, handler: @escaping @Sendable () -> Void) -> Watch? {
        guard epfd >= 0 else {
            errno = EMFILE
            return nil
        }
        let token = state.withLock { state -> UInt64 in
            let token = state.next
            state.next += 1
            state.entries[token] = Entry(queue: queue, handler: handler)
            return token
        }
        guard v6_epoll_watch(epfd, fd, token, 1) == 0 else {
            let error = errno
            _ = state.withLock { $0.entries.removeValue(forKey: token) }
            errno = error
            return nil
        }
        return Watch(token: token, fd: fd)
    }

    /// Arms `watch` again after its handler ran.
    func rearm(_ watch: Watch) {
        _ = v6_epoll_watch(epfd, watch.fd, watch.token, 0)
    }

    /// Stops watching; a handler already on its way is dropped by its owner's own state check.
    func unwatch(_ watch: Watch) {
        _ = state.withLock { $0.entries.removeValue(forKey: watch.token) }
        _ = v6_epoll_unwatch(epfd, watch.fd)
    }

    /// Registrations alive (for tests: it must come back to where it was).
    var watchCount: Int { state.withLock { $0.entries.count } }

    private func run() {
        var tokens = [UInt64](repeating: 0, count: 64)
        while true {
            let count = v6_epoll_wait(epfd, &tokens, Int32(tokens.count), -1)
            guard count > 0 else { continue }  // EINTR
            for index in 0..<Int(count) {
                guard let entry = state.withLock({ $0.entries[tokens[index]] }) else { continue }
                entry.queue.async(execute: entry.handler)
            }
        }
    }
}
