import Foundation

/// A few threads of their own that spawn task processes, so that starts never wait on the
/// daemon's actor and a burst uses every core: `posix_spawn` blocks its thread until the child has
/// exec'ed (about 0.6 ms here), and 200 starts due at one instant then take half the time on two
/// threads. Jobs run in the order submitted, as threads come free.
///
/// Dedicated threads rather than Dispatch or the Swift concurrency pool: those pools are shared
/// with the control server, the task queues and the actor, and their width is decided elsewhere.
final class SpawnPool: @unchecked Sendable {
    /// The daemon's pool: one thread per core, at least 2, at most 4.
    static let shared = SpawnPool(threads: min(4, max(2, ProcessInfo.processInfo.activeProcessorCount)))

    private let condition = NSCondition()
    // Guarded by `condition`: jobs not yet taken, from `head` on.
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0

    let threads: Int

    init(threads: Int) {
        self.threads = threads
        for index in 0..<threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "v6-spawn-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Queues `job` for the next free thread.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
