import Foundation
import MarketCalendar
import ScheduleExport
import Scheduling
import Testing
import TestSupport
@testable import v6ctl
import Yams

/// Reads exported text back the way each target would, and asks the gate about every firing.
enum ExportProof {
    static let zone = ZoneRules.newYork
    static let year = 2026
    static let first = LocalDate(year: year, month: 1, day: 1)!
    static let last = LocalDate(year: year, month: 12, day: 31)!
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let configs = ["config/production.yaml", "Tests/Fixtures/export-awkward.yaml"]

    static func load(_ relative: String) throws -> SchedulerConfig {
        try ConfigLoader.load(path: repository.appendingPathComponent(relative).path, envFile: nil, environment: [:]).config
    }

    static func export(_ config: SchedulerConfig, _ format: ExportFormat) -> ExportResult {
        Exporter.export(config, format: format, options: ExportOptions(asOf: first, v6ctl: "/usr/local/bin/v6ctl", image: "example/bot:1"))
    }

    /// The daemon's plan for the year, by task.
    static func plan(_ config: SchedulerConfig) -> [String: Set<Instant>] {
        Planner.plan(config, from: first, through: last).reduce(into: [:]) { $0[$1.task, default: []].insert($1.time) }
    }

    /// One schedule line of an export: when it fires, and the gate's arguments.
    struct GatedLine {
        let task: String
        let firings: [Instant]
        let gateArguments: [String]
    }

    /// The instants at which the lines run their task, after the gate (the real command's parser and rule).
    static func runs(_ lines: [GatedLine]) throws -> [String: Set<Instant>] {
        var result: [String: Set<Instant>] = [:]
        var deciders: [[String]: GateRule.Decider] = [:]
        for line in lines {
            let decider: GateRule.Decider
            if let cached = deciders[line.gateArguments] {
                decider = cached
            } else {
                decider = GateRule.Decider(try GateCommand.parse(line.gateArguments).rule())
                deciders[line.gateArguments] = decider
            }
            for t in line.firings where inYear(t) && decider.decide(at: t) == .run { result[line.task, default: []].insert(t) }
        }
        return result
    }

    static func inYear(_ t: Instant) -> Bool { zone.local(t).date.year == year }

    /// A cron line's firings over the year, by the project's own cron code (wall times, RFC 5545).
    static func cronFirings(_ schedule: String) throws -> [Instant] {
        let cron = try CronExpression(parsing: schedule)
        let task = TaskConfig(name: "line", command: ["true"], schedule: .cron(cron), ignoresHolidays: true)
        let times = TaskSchedule(task: task, calendar: NYSECalendar())
        return (first.dayNumber - 1...last.dayNumber + 1).flatMap { times.occurrences(on: LocalDate(dayNumber: $0)) }
    }

    /// Installed with systemd (make deps).
    static let systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? "/usr/bin/systemd-analyze"

    /// An OnCalendar= expression's elapses over the year, from `systemd-analyze calendar`
    /// (about 3 ms an elapse here: each expression is expanded once, in two halves at once).
    static func systemdFirings(_ expression: String) throws -> [Instant] {
        if let cached = firingsCache.withLock({ $0[expression] }) { return cached }
        let middle = LocalDate(year: year, month: 7, day: 1)!
        let halves = [(first.adding(days: -1), middle), (middle, last.adding(days: 2))]
        nonisolated(unsafe) var results: [Result<[Instant], Error>] = Array(repeating: .success([]), count: 2)
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let (from, to) = halves[i]
            results[i] = Result { try elapses(expression, from: zone.startOfDay(from), to: zone.startOfDay(to)) }
        }
        let firings = try results[0].get() + results[1].get()
        firingsCache.withLock { $0[expression] = firings }
        return firings
    }

    private static let firingsCache = Locked<[String: [Instant]]>([:])

    /// The elapses in [from, to).
    private static func elapses(_ expression: String, from: Instant, to: Instant) throws -> [Instant] {
        var result: [Instant] = []
        var base = from - 1
        var batchSize = 256
        while base < to {
            let output = try Command.run(systemdAnalyze, ["calendar", "--iterations=\(batchSize)", "--base-time=@\(base.seconds)", expression],
                                         environment: ["TZ": "UTC", "SYSTEMD_COLORS": "0"])
            guard output.status == 0 else { throw ProofError("systemd-analyze calendar '\(expression)': \(output.stderr)") }
            var batch: [Instant] = []
            for line in output.stdout.split(separator: "\n") where line.contains("UTC") && (line.contains("Iter.") || line.contains("Next elapse")) {
                // "    Iter. #2: Mon 2026-03-09 06:30:00 UTC"
                let words = line.split(separator: " ")
                guard let i = words.firstIndex(of: "UTC"), i >= 2,
                      let t = InstantParser.parse("\(words[i - 2])T\(words[i - 1])Z", zone: zone) else { continue }
                batch.append(t)
            }
            result += batch
            guard batch.count == batchSize, let next = batch.last else { break }
            base = next
            batchSize = min(batchSize * 4, 40_000)
        }
        return result.filter { $0 >= from && $0 < to }
    }

    /// Shell words (single and double quotes, backslashes), as cron's sh would split them.
    static func shellWords(_ text: String) -> [String] {
        var words: [String] = [], current = "", inWord = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            switch c {
            case "'":
                inWord = true
                while let d = chars.popFirst(), d != "'" { current.append(d) }
            case "\"":
                inWord = true
                while let d = chars.popFirst(), d != "\"" {
                    if d == "\\", let e = chars.popFirst() { current.append(e) } else { current.append(d) }
                }
            case "\\":
                inWord = true
                if let d = chars.popFirst() { current.append(d) }
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// The arguments between `gate` and `--` of a gated command line.
    static func gateArguments(_ words: [String]) -> [String]? {
        guard let gate = words.firstIndex(of: "gate") else { return nil }
        let rest = words[(gate + 1)...]
        return Array(rest.prefix { $0 != "--" })
    }

    // MARK: - The three targets, read back

    /// crontab: `# task: ...` headers, then `MIN HOUR DOM MON DOW  cd DIR && v6ctl gate ... -- ...` lines.
    static func crontabLines(_ text: String, tasks: Set<String>) throws -> [GatedLine] {
        var task: String? = nil
        var lines: [GatedLine] = []
        for raw in text.split(separator: "\n").map(String.init) {
            if raw.hasPrefix("# "), let name = raw.dropFirst(2).split(separator: ":").first.map(String.init), tasks.contains(name) {
                task = name
                continue
            }
            if raw.isEmpty || raw.hasPrefix("#") || raw.hasPrefix("CRON_TZ=") { continue }
            let fields = raw.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, let task else { throw ProofError("unexpected crontab line: \(raw)") }
            let command = String(fields[5]).replacingOccurrences(of: "\\%", with: "%")
            guard let args = gateArguments(shellWords(command)) else { throw ProofError("crontab line without v6ctl gate: \(raw)") }
            lines.append(GatedLine(task: task, firings: try cronFirings(fields[0..<5].joined(separator: " ")), gateArguments: args))
        }
        return lines
    }

    /// k8s: each CronJob's task label, schedule (in America/New_York) and container command.
    static func kubernetesLines(_ text: String) throws -> [GatedLine] {
        var lines: [GatedLine] = []
        for case let doc as [String: Any] in try Yams.load_all(yaml: text) {
            let spec = doc["spec"] as? [String: Any] ?? [:]
            let metadata = doc["metadata"] as? [String: Any] ?? [:]
            let task = (metadata["labels"] as? [String: Any])?["v6-scheduler/task"] as? String
            let pod = ((((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
            let command = ((pod?["containers"] as? [[String: Any]])?.first?["command"] as? [String])
            guard let task, spec["timeZone"] as? String == "America/New_York", let schedule = spec["schedule"] as? String,
                  let command, let args = gateArguments(command)
            else { throw ProofError("CronJob without a task label, timeZone America/New_York, schedule or gated command: \(doc)") }
            lines.append(GatedLine(task: task, firings: try cronFirings(schedule), gateArguments: args))
        }
        return lines
    }

    /// systemd: each timer's OnCalendar= lines, judged by its service's ExecCondition=.
    static func systemdLines(_ files: [ExportFile], prefix: String = "v6-") throws -> [GatedLine] {
        var lines: [GatedLine] = []
        for timer in files where timer.name.hasSuffix(".timer") {
            let unit = String(timer.name.dropLast(".timer".count))
            guard let service = files.first(where: { $0.name == unit + ".service" }),
                  let condition = service.text.split(separator: "\n").first(where: { $0.hasPrefix("ExecCondition=") })
            else { throw ProofError("\(timer.name) has no service with ExecCondition=") }
            let words = shellWords(String(condition.dropFirst("ExecCondition=".count)))
            guard let args = gateArguments(words), args.contains("--check") else { throw ProofError("not a gate check: \(condition)") }
            var firings = Set<Instant>()
            for line in timer.text.split(separator: "\n") where line.hasPrefix("OnCalendar=") {
                firings.formUnion(try systemdFirings(String(line.dropFirst("OnCalendar=".count))))
            }
            lines.append(GatedLine(task: String(unit.dropFirst(prefix.count)), firings: firings.sorted(), gateArguments: args))
        }
        return lines
    }
}

/// A value behind a lock (the tests of a suite may run at once).
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

struct ProofError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
