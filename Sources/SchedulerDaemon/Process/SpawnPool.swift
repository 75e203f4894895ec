import Foundation
import Synchronization

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
    /// Jobs taken and not finished yet.
    private var running = 0
    /// Work waiting for the pool to be idle (see `whenIdle`).
    private var idleWaiters: [OnceBox] = []

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
            running += 1
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            var waiters: [OnceBox] = []
            if head == jobs.count && running == 0 { swap(&waiters, &idleWaiters) }
            condition.unlock()
            for waiter in waiters { waiter.run() }
        }
    }

    /// Runs `work` on `queue` once no spawn is queued or under way, or after `atMost` seconds.
    ///
    /// For work that may wait but competes with spawns for the CPU: the clean-up of runs that
    /// ended (a scan of /proc each) during a burst of starts, on a 2-core machine, made the
    /// last starts of the burst twice as late.
    func whenIdle(on queue: DispatchQueue, atMost: Double = 0.5, _ work: @escaping @Sendable () -> Void) {
        let box = OnceBox(queue: queue, work: work)
        condition.lock()
        let idle = head == jobs.count && running == 0
        if !idle { idleWaiters.append(box) }
        condition.unlock()
        if idle {
            box.run()
        } else {
            queue.asyncAfter(deadline: .now() + atMost) { box.run() }
        }
    }
}

/// Work dispatched to its queue once, by whichever comes first.
private final class OnceBox: @unchecked Sendable {
    private let queue: DispatchQueue
    private let work: Mutex<(@Sendable () -> Void)?>

    init(queue: DispatchQueue, work: @escaping @Sendable () -> Void) {
        self.queue = queue
        self.work = Mutex(work)
    }

    func run() {
        guard let work = work.withLock({ work -> (@Sendable () -> Void)? in
            defer { work = nil }
            return work
        }) else { return }
        queue.async(execute: work)
    }
}
