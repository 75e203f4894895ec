import DashboardViews
import Foundation
import NIOConcurrencyHelpers

/// The daemon's log for the Logs page: the last lines of its plain log file (or, without one, of
/// its journal entries), and a live tail of the file that every viewer shares. One poller reads
/// the file (every 50 ms, only while someone watches); each viewer has a bounded buffer of its
/// own, so a stalled browser loses old lines and slows nobody.
final class LogTail: Sendable {
    /// What a viewer receives: a line, or (every 15 s without one) a keep-alive, whose write
    /// finds out whether the browser is still there.
    enum Item: Sendable {
        case line(LogLine)
        case keepAlive
    }

    private struct Watch {
        var viewers: [Int: AsyncStream<Item>.Continuation] = [:]
        var nextID = 0
        var poller: Task<Void, Never>?
    }
    private let watches = NIOLockedValueBox<[String: Watch]>([:])
    static let pollInterval: Duration = .milliseconds(50)

    /// The last `limit` lines of the file at `path` (reading at most its last 1 MiB).
    static func recent(path: String, limit: Int) -> [LogLine]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 1_048_576 ? size - 1_048_576 : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        if start > 0, !lines.isEmpty { lines.removeFirst() }  // a partial first line
        return lines.suffix(limit * 4).compactMap(LogLine.parse(fileLine:)).suffix(limit)
    }

    /// The daemon's last journal entries (its own and its tasks' lines share its pid), when
    /// `journalctl` can read them.
    static func journal(pid: Int, limit: Int) -> [LogLine]? {
        guard let journalctl = ["/usr/bin/journalctl", "/bin/journalctl"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: journalctl)
        process.arguments = ["_PID=\(pid)", "-n", String(limit), "-o", "json", "--no-pager", "-q"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let levels = ["critical", "critical", "critical", "error", "warning", "notice", "info", "debug"]
        let lines: [LogLine] = data.split(separator: UInt8(ascii: "\n")).compactMap { raw in
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any],
                  let message = object["MESSAGE"] as? String else { return nil }
            let priority = (object["PRIORITY"] as? String).flatMap(Int.init) ?? 6
            let micros = (object["__REALTIME_TIMESTAMP"] as? String).flatMap(Int64.init) ?? 0
            let time = TimeText(now: .init(seconds: micros / 1_000_000)).full(.init(seconds: micros / 1_000_000))
            return LogLine(time: time, level: levels[min(max(priority, 0), 7)], task: object["V6_TASK"] as? String, text: message)
        }
        return lines.isEmpty ? nil : lines
    }

    static let keepAliveEvery: Duration = .seconds(15)

    /// New lines of the file at `path` from now on, until the stream's consumer goes away or
    /// `stop` is called.
    func follow(path: String) -> (items: AsyncStream<Item>, stop: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingNewest(Limits.viewerBuffer))
        watches.withLockedValue { watches in
            var watch = watches[path] ?? Watch()
            let id = watch.nextID
            watch.nextID += 1
            watch.viewers[id] = continuation
            continuation.onTermination = { [weak self] _ in self?.leave(path: path, id: id) }
            if watch.poller == nil { watch.poller = Task.detached { [weak self] in await self?.poll(path: path) } }
            watches[path] = watch
        }
        return (stream, { continuation.finish() })
    }

    private func leave(path: String, id: Int) {
        watches.withLockedValue { watches in
            watches[path]?.viewers.removeValue(forKey: id)
            if watches[path]?.viewers.isEmpty == true {
                watches[path]?.poller?.cancel()
                watches.removeValue(forKey: path)
            }
        }
    }

    private func poll(path: String) async {
        var offset = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
        var partial = Data()
        let clock = ContinuousClock()
        var lastSent = clock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: LogTail.pollInterval)
            if clock.now - lastSent >= LogTail.keepAliveEvery {
                lastSent = clock.now
                for viewer in watches.withLockedValue({ Array(($0[path]?.viewers ?? [:]).values) }) { viewer.yield(.keepAlive) }
            }
            guard let handle = FileHandle(forReadingAtPath: path) else { continue }
            let size = (try? handle.seekToEnd()) ?? 0
            if size < offset { offset = 0; partial = Data() }  // rotated or truncated: start over
            if size > offset {
                try? handle.seek(toOffset: offset)
                let data = (try? handle.read(upToCount: Int(min(size - offset, 4_194_304)))) ?? Data()
                offset += UInt64(data.count)
                partial.append(data)
                if let last = partial.lastIndex(of: UInt8(ascii: "\n")) {
                    let complete = partial[partial.startIndex...last]
                    partial = Data(partial[(last + 1)...])
                    let lines = String(decoding: complete, as: UTF8.self).split(separator: "\n").compactMap(LogLine.parse(fileLine:))
                    let viewers = watches.withLockedValue { Array(($0[path]?.viewers ?? [:]).values) }
                    for line in lines { for viewer in viewers { viewer.yield(.line(line)) } }
                    if !lines.isEmpty { lastSent = clock.now }
                }
            }
            try? handle.close()
        }
    }
}
