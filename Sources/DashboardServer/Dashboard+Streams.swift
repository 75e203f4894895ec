import ControlProtocol
import DashboardViews
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle

extension Dashboard {
    func addStreamRoutes(_ router: Router<DashboardRequestContext>) {
        router.get("/live/{key}") { _, context in
            let key = try context.parameters.require("key")
            let page = await self.pageContext(context)
            guard let run = self.live.run(key) else {
                return Responses.html(Layout.problem("No such run", message: "This live run is not followed (any more); finished runs are in the History.", hint: nil, context: page), status: .notFound)
            }
            let snapshot = run.snapshot
            var lines: [LivePage.Line] = []
            var outcome: RunInfo? = nil
            var failure: String? = nil
            for item in snapshot.items {
                switch item {
                case .started(let info): lines.append(.note("started: run \(info.runID), attempt \(info.attempt)"))
                case .output(let stream, let text): lines.append(.output(stderr: stream == .stderr, text: text))
                case .retrying(let info): lines.append(.note("attempt \(info.attempt) failed; retrying: \(info.reason ?? "")"))
                case .finished(let info): outcome = info
                case .failed(let message): failure = message
                }
            }
            return Responses.html(LivePage.render(task: run.task, key: key, lines: lines, dropped: snapshot.dropped,
                                                  outcome: outcome, failure: failure, context: page))
        }
        router.get("/live/{key}/events") { _, context in
            let key = try context.parameters.require("key")
            guard let run = self.live.run(key) else { return Responses.text("no such run\n", status: .notFound) }
            guard self.streams.acquire() else { return Responses.text("too many live streams open; try again later\n", status: .serviceUnavailable) }
            let (backlog, updates, stop) = run.subscribe()
            let streams = self.streams
            return Dashboard.eventStream(stop: stop) { writer in
                defer { streams.release() }
                // The page already shows the backlog; send it anyway so a reconnect is complete.
                var ended = false
                for item in backlog {
                    try await writer.write(ServerSentEvents.event(item))
                    ended = ended || item.isFinal
                }
                guard !ended else { return }
                for await item in updates {
                    try await writer.write(ServerSentEvents.event(item))
                }
            }
        }
    }

    /// A `text/event-stream` response whose body `produce` writes. On the server's graceful
    /// shutdown `stop` ends the stream's source, so an endless stream (the log tail) cannot hold
    /// the shutdown up.
    static func eventStream(stop: @escaping @Sendable () -> Void,
                            _ produce: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        Response(status: .ok,
                 headers: [.contentType: "text/event-stream", .cacheControl: "no-store", HTTPField.Name("X-Accel-Buffering")!: "no"],
                 body: ResponseBody { writer in
                     try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                     try await withGracefulShutdownHandler {
                         try await produce(&writer)
                     } onGracefulShutdown: {
                         stop()
                     }
                     try await writer.finish(nil)
                 })
    }
}

/// The `text/event-stream` framing: `event: NAME` and one `data:` line of JSON per event.
enum ServerSentEvents {
    static func event(_ item: LiveItem) -> ByteBuffer {
        switch item {
        case .started(let run): frame("started", ["text": "started: run \(run.runID), attempt \(run.attempt)"])
        case .output(let stream, let line): frame("output", ["stream": stream.rawValue, "text": line])
        case .retrying(let run): frame("note", ["text": "attempt \(run.attempt) failed; retrying: \(run.reason ?? "")"])
        case .finished(let run):
            frame("final", ["outcome": run.outcome.rawValue, "run_id": String(run.runID),
                            "text": [Badges.exit(run), TimeText.duration(ms: run.durationMS), run.reason ?? ""].filter { !$0.isEmpty && $0 != "–" }.joined(separator: ", ")])
        case .failed(let message): frame("final", ["outcome": "error", "text": message])
        }
    }

    static func frame(_ name: String, _ fields: [String: String]) -> ByteBuffer {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return ByteBuffer(string: "event: \(name)\ndata: \(String(decoding: data, as: UTF8.self))\n\n")
    }
}
