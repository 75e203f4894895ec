import ControlClient
import ControlProtocol
import DashboardViews
import Foundation
import Hummingbird

extension Dashboard {
    /// The Logs page's live tail: new lines of the daemon's log file as server-sent events.
    func addLogEventRoutes(_ router: Router<DashboardRequestContext>) {
        router.get("/logs/events") { request, _ in
            let query = Dashboard.query(request)
            let level = query["level"].flatMap { LogLine.levels.contains($0) ? $0 : nil }
            let task = query["task"].flatMap { $0.isEmpty ? nil : $0 }
            let status: StatusResult
            do { status = try await self.gateway.call(.status, as: StatusResult.self) } catch let error as ControlClientError {
                return Responses.text("daemon unreachable: \(error.message)\n", status: .serviceUnavailable)
            }
            guard let file = status.logFile else { return Responses.text("the daemon writes no log file\n", status: .notFound) }
            guard self.streams.acquire() else { return Responses.text("too many live streams open; try again later\n", status: .serviceUnavailable) }
            let (items, stop) = self.logs.follow(path: file)
            let streams = self.streams
            return Dashboard.eventStream(stop: stop) { writer in
                defer { streams.release() }
                for await item in items {
                    switch item {
                    case .keepAlive:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    case .line(let line) where (level == nil || line.isAtLeast(level!)) && (task == nil || line.task == task):
                        try await writer.write(ServerSentEvents.frame("line", ["time": line.time, "level": line.level, "task": line.task ?? "", "text": line.text]))
                    case .line:
                        continue
                    }
                }
            }
        }
    }
}
