import AlertChannels
import AsyncHTTPClient
import Foundation
import Monitoring
import Scheduling
import Synchronization
import Testing
import TestSupport

/// `DeliveryQueue`: retries with backoff on timeouts, refused connections, 429 (after its
/// Retry-After) and 5xx, then a reported give-up; never blocks the caller.
@Suite(.serialized) struct AlertDeliveryTests {
    /// Collects what a queue reports; `wait` polls for a condition.
    final class Events: Sendable {
        let list = Mutex<[DeliveryEvent]>([])
        func add(_ event: DeliveryEvent) { list.withLock { $0.append(event) } }
        var all: [DeliveryEvent] { list.withLock { $0 } }

        var finished: [DeliveryEvent] {
            all.filter { if case .retrying = $0 { false } else { true } }
        }

        /// Generous: in the full suite, synchronous end-to-end tests occupy the cooperative threads
        /// these waits and the queues' workers run on.
        func wait(timeout: Double = 180, _ condition: ([DeliveryEvent]) -> Bool) async -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if condition(all) { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return condition(all)
        }
    }

    /// An HTTP stand-in, an HTTP client and the queues made on them; `close()` ends them all.
    final class Fixture {
        let sink: AlertSink
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        private var queues: [DeliveryQueue] = []
        private let directory: TemporaryDirectory

        init() throws {
            directory = try TemporaryDirectory("v6deliver")
            sink = try AlertSink("http", in: directory, name: "http")
        }

        /// A webhook queue to `path` on the stand-in (or to `url`), reporting to `events`.
        func queue(_ path: String, url: String? = nil, retries: Int, backoff: Double, timeout: Int = 60, events: Events) throws -> DeliveryQueue {
            let channel = NotifyChannel(name: "hook", kind: .webhook(url: .literal(url ?? sink.url(path)), secret: nil), timeoutSeconds: timeout)
            let http = try #require(HTTPAlertChannel(channel, client: client))
            let queue = DeliveryQueue(channel: http, policy: RetryPolicy(retries: retries, backoffSeconds: backoff), report: events.add)
            queues.append(queue)
            return queue
        }

        func close() async throws {
            for queue in queues { await queue.finish(grace: 1) }
            try await client.shutdown()
            sink.stop()
        }
    }

    static func isGiveUp(_ event: DeliveryEvent) -> Bool { if case .failed = event { true } else { false } }

    @Test func serverErrorsAreRetriedThenGivenUp() async throws {
        let fixture = try Fixture()
        let events = Events()
        try fixture.queue("/status/503", retries: 3, backoff: 0.2, events: events).enqueue(AlertChannelTests.message())
        #expect(await events.wait { $0.last.map(Self.isGiveUp) == true })
        try await fixture.close()
        guard case .failed(_, _, let error, let attempts)? = events.all.last else {
            Issue.record("no give-up: \(events.all)")
            return
        }
        #expect(attempts == 4)
        #expect(error.message == "HTTP 503: status 503")
        #expect(events.all.count == 4)  // three retrying, one failed
        #expect(fixture.sink.records(path: "/status/503").count == 4)
    }

    @Test func aFlakyEndpointIsDeliveredOnARetry() async throws {
        let fixture = try Fixture()
        let events = Events()
        try fixture.queue("/flaky/2", retries: 4, backoff: 0.1, events: events).enqueue(AlertChannelTests.message())
        #expect(await events.wait { $0.contains { if case .sent = $0 { true } else { false } } })
        try await fixture.close()
        guard case .sent(_, _, let answer, let attempts)? = events.finished.first else {
            Issue.record("\(events.all)")
            return
        }
        #expect(attempts == 3)
        #expect(answer == "HTTP 200: flaky")
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        let fixture = try Fixture()
        let events = Events()
        // Backoff 0: any wait between the attempts is the server's Retry-After (2 s).
        try fixture.queue("/retry-after/2", retries: 1, backoff: 0, events: events).enqueue(AlertChannelTests.message())
        #expect(await events.wait { $0.contains(where: Self.isGiveUp) })
        try await fixture.close()
        let times = fixture.sink.records(path: "/retry-after/2").compactMap { $0["time"] as? Double }
        #expect(times.count == 2)
        if times.count == 2 { #expect(times[1] - times[0] >= 2.0, "retried after \(times[1] - times[0]) s") }
        guard case .retrying(_, _, _, _, let delay)? = events.all.first else {
            Issue.record("\(events.all)")
            return
        }
        #expect(delay == 2)
    }

    @Test func hangingAndRefusingEndpointsAreRetriedThenGivenUp() async throws {
        let fixture = try Fixture()
        let hangEvents = Events(), refusedEvents = Events()
        try fixture.queue("/hang", retries: 1, backoff: 0.1, timeout: 1, events: hangEvents).enqueue(AlertChannelTests.message())
        try fixture.queue("", url: "http://127.0.0.1:\(AlertSink.refusedPort())/x", retries: 2, backoff: 0.1, timeout: 1, events: refusedEvents)
            .enqueue(AlertChannelTests.message())
        #expect(await hangEvents.wait { $0.contains(where: Self.isGiveUp) })
        #expect(await refusedEvents.wait { $0.contains(where: Self.isGiveUp) })
        try await fixture.close()
        guard case .failed(_, _, let hangError, 2)? = hangEvents.all.last else {
            Issue.record("\(hangEvents.all)")
            return
        }
        #expect(hangError.message.hasPrefix("no answer within 1s"))
        #expect(fixture.sink.records(path: "/hang").count == 2)
        guard case .failed(_, _, _, 3)? = refusedEvents.all.last else {
            Issue.record("\(refusedEvents.all)")
            return
        }
    }

    /// A channel whose endpoint never answers, in-process.
    struct StuckChannel: AlertChannel {
        let name = "stuck"
        let type = "webhook"
        func send(_ message: AlertMessage) async throws(DeliveryError) -> String {
            try? await Task.sleep(for: .seconds(3600))
            throw DeliveryError(.retryable(retryAfter: nil), "cancelled")
        }
    }

    @Test func aFullQueueDropsTheOldestAndNeverBlocks() async throws {
        let events = Events()
        let queue = DeliveryQueue(channel: StuckChannel(), policy: RetryPolicy(retries: 0, backoffSeconds: 0), capacity: 10, report: events.add)
        for i in 1...50 {
            var message = AlertChannelTests.message()
            message.runID = String(i)
            queue.enqueue(message)
        }
        let dropped = events.all.compactMap { event -> String? in if case .dropped(_, let m) = event { m.runID } else { nil } }
        // One is in flight (or about to be), ten wait: the rest, the oldest ones, made room.
        #expect(dropped.count == 39 || dropped.count == 40)
        #expect(dropped.first == "1" || dropped.first == "2")
        #expect(!dropped.contains("50"))
        // At shutdown the stuck attempt is cancelled and whatever waits is reported, not silently lost.
        await queue.finish(grace: 0.2)
        let gaveUp = events.all.filter { if case .failed = $0 { true } else { false } }
        #expect(gaveUp.count == 50 - dropped.count)
    }
}
