import AsyncHTTPClient
import Logging
import MarketCalendar
import Monitoring
import Scheduling
import Synchronization

/// The daemon's alert outlet: one `DeliveryQueue` per configured channel, all HTTP channels
/// sharing one HTTP client. `submit` is synchronous and non-blocking; delivery happens on the
/// queues' own tasks.
public final class AlertDispatcher: Sendable {
    private struct State {
        var queues: [String: (config: NotifyChannel, queue: DeliveryQueue)] = [:]
        /// Channels that could not be set up (an unresolved secret), with the reason.
        var broken: [String: String] = [:]
        var stopped = false
    }

    private let http: HTTPClient
    private let clientName: String
    private let zone: ZoneRules
    private let report: @Sendable (DeliveryEvent) -> Void
    private let state = Mutex(State())

    /// - Parameters:
    ///   - clientName: this host's name (EHLO).
    ///   - report: told of every delivery's progress (the daemon logs it and counts it).
    public init(clientName: String, zone: ZoneRules, report: @escaping @Sendable (DeliveryEvent) -> Void) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                     timeout: .init(connect: .seconds(10), read: .seconds(60)))
        configuration.httpVersion = .http1Only
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.clientName = clientName
        self.zone = zone
        self.report = report
    }

    /// Sets up the channels of a (re)loaded configuration, whose secrets are resolved; `broken`
    /// names those that could not be (with why). A channel whose settings did not change keeps
    /// its queue; the queues of removed or changed channels send what they hold, then end.
    public func configure(_ channels: [NotifyChannel], broken: [String: String]) {
        var retired: [DeliveryQueue] = []
        state.withLock { state in
            guard !state.stopped else { return }
            var next: [String: (config: NotifyChannel, queue: DeliveryQueue)] = [:]
            for channel in channels {
                if let existing = state.queues[channel.name], existing.config == channel {
                    next[channel.name] = existing
                } else if let made = makeChannel(channel) {
                    let policy = RetryPolicy(retries: channel.retries, backoffSeconds: Double(channel.retryBackoffSeconds))
                    next[channel.name] = (channel, DeliveryQueue(channel: made, policy: policy, report: report))
                }
            }
            for (name, old) in state.queues where next[name]?.queue !== old.queue { retired.append(old.queue) }
            state.queues = next
            state.broken = broken
        }
        for queue in retired { Task { await queue.finish(grace: 30) } }
    }

    private func makeChannel(_ channel: NotifyChannel) -> (any AlertChannel)? {
        if case .email = channel.kind { return EmailAlertChannel(channel, clientName: clientName, zone: zone) }
        return HTTPAlertChannel(channel, client: http)
    }

    /// Queues each delivery on its channel; returns at once.
    public func submit(_ deliveries: [AlertDelivery]) {
        guard !deliveries.isEmpty else { return }
        let queues = state.withLock { $0.queues.mapValues(\.queue) }
        for delivery in deliveries {
            queues[delivery.channel]?.enqueue(delivery.message)
        }
    }

    /// Why a configured channel cannot send, if it cannot.
    public func problem(of channel: String) -> String? { state.withLock { $0.broken[channel] } }

    /// `v6ctl notify test`: one attempt, now, past the queue; the endpoint's answer or the error.
    public func test(channel name: String, message: AlertMessage) async -> Result<String, DeliveryError> {
        let (queue, broken) = state.withLock { ($0.queues[name]?.queue, $0.broken[name]) }
        if let broken { return .failure(DeliveryError(.permanent, broken)) }
        guard let queue else { return .failure(DeliveryError(.permanent, "no channel \(name)")) }
        do {
            return .success(try await queue.channel.send(message))
        } catch {
            return .failure(error)
        }
    }

    /// At shutdown: lets the queues send what they hold for up to `grace` seconds, then closes
    /// the HTTP client.
    public func shutdown(grace: Double) async {
        let queues = state.withLock { state -> [DeliveryQueue] in
            state.stopped = true
            defer { state.queues = [:] }
            return state.queues.values.map(\.queue)
        }
        await withTaskGroup(of: Void.self) { group in
            for queue in queues { group.addTask { await queue.finish(grace: grace) } }
        }
        try? await http.shutdown()
    }
}
