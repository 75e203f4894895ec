import Monitoring
import Synchronization

/// How one alert's delivery ended (or is going), reported to the daemon for logs and metrics.
public enum DeliveryEvent: Sendable {
    case sent(channel: String, message: AlertMessage, answer: String, attempts: Int)
    /// An attempt failed; the next one starts after `delay` seconds.
    case retrying(channel: String, message: AlertMessage, error: DeliveryError, attempt: Int, delay: Double)
    /// Given up: a permanent error, the retries used up, or the daemon stopping.
    case failed(channel: String, message: AlertMessage, error: DeliveryError, attempts: Int)
    /// The queue was full: the oldest waiting alert made room for a newer one.
    case dropped(channel: String, message: AlertMessage)
}

/// One channel's queue: alerts wait here, bounded, while one worker task delivers them in
/// order with retries. `enqueue` never blocks and never fails, so whoever raises an alert
/// (the daemon's actor) is never held up by a slow, hanging or dead endpoint.
public final class DeliveryQueue: Sendable {
    /// Alerts waiting per channel; beyond this the oldest waiting one is dropped.
    public static let defaultCapacity = 100

    /// What `finish` uses to end the worker: once `abandoned`, nothing more is attempted (the
    /// attempt in flight is cancelled) and what still waits is reported as failed, not lost.
    private final class Control: Sendable {
        let abandoned = Mutex(false)
        let current = Mutex<Task<Void, Never>?>(nil)
        var isAbandoned: Bool { abandoned.withLock { $0 } }
    }

    public let channel: any AlertChannel
    public let policy: RetryPolicy
    private let continuation: AsyncStream<AlertMessage>.Continuation
    private let worker: Task<Void, Never>
    private let control = Control()
    private let report: @Sendable (DeliveryEvent) -> Void

    public init(channel: any AlertChannel, policy: RetryPolicy, capacity: Int = DeliveryQueue.defaultCapacity,
                report: @escaping @Sendable (DeliveryEvent) -> Void) {
        self.channel = channel
        self.policy = policy
        self.report = report
        let (stream, continuation) = AsyncStream.makeStream(of: AlertMessage.self, bufferingPolicy: .bufferingNewest(capacity))
        self.continuation = continuation
        let control = self.control
        worker = Task.detached {
            for await message in stream {
                let attempt = Task { await Self.deliver(message, channel: channel, policy: policy, control: control, report: report) }
                control.current.withLock { $0 = attempt }
                await attempt.value
            }
        }
    }

    /// Queues `message`; returns at once.
    public func enqueue(_ message: AlertMessage) {
        if case .dropped(let oldest) = continuation.yield(message) {
            report(.dropped(channel: channel.name, message: oldest))
        }
    }

    /// Stops taking alerts and gives the waiting ones up to `grace` seconds to go out; then the
    /// attempt in flight is cancelled and the rest are reported failed.
    public func finish(grace: Double) async {
        continuation.finish()
        let control = self.control
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int64(grace * 1000)))
            guard !Task.isCancelled else { return }
            control.abandoned.withLock { $0 = true }
            control.current.withLock { $0 }?.cancel()
        }
        await worker.value
        timer.cancel()
    }

    private static func deliver(_ message: AlertMessage, channel: any AlertChannel, policy: RetryPolicy, control: Control,
                                report: @Sendable (DeliveryEvent) -> Void) async {
        var attempt = 0
        while true {
            if control.isAbandoned {
                report(.failed(channel: channel.name, message: message,
                               error: DeliveryError(.permanent, "the daemon stopped before it was sent"), attempts: attempt))
                return
            }
            attempt += 1
            do {
                let answer = try await channel.send(message)
                report(.sent(channel: channel.name, message: message, answer: answer, attempts: attempt))
                return
            } catch {
                var retryAfter: Double? = nil
                if case .retryable(let after) = error.kind { retryAfter = after }
                guard error.isRetryable, !control.isAbandoned,
                      let delay = policy.delay(beforeRetry: attempt, retryAfter: retryAfter) else {
                    report(.failed(channel: channel.name, message: message, error: error, attempts: attempt))
                    return
                }
                report(.retrying(channel: channel.name, message: message, error: error, attempt: attempt, delay: delay))
                try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
            }
        }
    }
}
