import Foundation
import Testing
@testable import ControlProtocol

/// Response lines written by `ResponseEncoder` (the daemon) and read by `ResponseDecoder` (v6ctl).
@Suite struct ResponseTests {
    static let finished = RunInfo(
        runID: 12, task: "collect", trigger: .schedule, scheduledAt: "2026-11-27T09:30:00-05:00",
        startedAt: "2026-11-27T09:30:00-05:00", finishedAt: "2026-11-27T09:30:42-05:00", outcome: .failed,
        exitCode: 3, attempt: 2, durationMS: 42_013, reason: nil, outputTail: ["fetched 0 rows", "error: \"timeout\""])
    static let killed = RunInfo(runID: 13, task: "report", trigger: .manual, startedAt: "2026-11-27T10:00:00-05:00",
                                outcome: .timeout, signal: 9, durationMS: 600_000, reason: "killed after timeout 600s")
    static let skipped = RunInfo(runID: 14, task: "report", trigger: .catchUp, scheduledAt: "2026-11-26T16:05:00-05:00",
                                 outcome: .skipped, reason: "not a trading day: an NYSE holiday (Thanksgiving Day)")
    static let status = TaskStatus(name: "collect", enabled: false, enabledSource: "env SCHEDULER_COLLECT_ENABLED",
                                   toggleUntil: "2026-11-27T16:00:00-05:00", schedule: "every 5 minutes from 09:30 to 16:00",
                                   days: "trading days", running: true, lastRun: finished, nextRun: "2026-11-30T09:30:00-05:00")

    private func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        let line = ResponseEncoder.success(id: 7, result: value)
        #expect(line.last == 0x0A && !line.dropLast().contains(0x0A))
        guard case .success(let id, let payload) = try ResponseDecoder.decode(line: line.dropLast()).get() else {
            Issue.record("not a success line")
            return value
        }
        #expect(id == 7)
        return try payload.decode(T.self)
    }

    @Test func everyResultRoundTrips() throws {
        let statusResult = StatusResult(
            version: "6.0.0", pid: 4242, startedAt: "2026-11-27T04:00:00-05:00", uptimeSeconds: 19_800,
            configPath: "/etc/v6-scheduler/production.yaml", now: "2026-11-27T09:30:00-05:00", marketPhase: "open",
            phaseUntil: "2026-11-27T13:00:00-05:00", tradingDay: true, dayNote: "an early close (13:00)",
            nextSession: "2026-11-30T09:30:00-05:00", running: 1, stateError: "database not writable: disk full",
            tasks: [Self.status, TaskStatus(name: "idle", enabled: true, enabledSource: "default", schedule: "at 16:05", days: "every day")])
        #expect(try roundTrip(statusResult) == statusResult)
        #expect(try roundTrip(TasksResult(tasks: [Self.status])) == TasksResult(tasks: [Self.status]))
        let detail = TaskDetail(status: Self.status, command: ["/opt/v6/bin/collect", "--all"], timeoutSeconds: 600, retries: 2,
                                retryBackoffSeconds: 30, overlap: "skip", catchUp: true, forceRun: false,
                                environmentKeys: ["API_KEY", "REGION"], lastRuns: [Self.finished, Self.killed],
                                nextRuns: ["2026-11-30T09:30:00-05:00", "2026-11-30T09:35:00-05:00"])
        #expect(try roundTrip(detail) == detail)
        for run in [Self.finished, Self.killed, Self.skipped] {
            #expect(try roundTrip(run) == run)
        }
        let history = HistoryResult(runs: [Self.finished, Self.killed, Self.skipped])
        #expect(try roundTrip(history) == history)
        let next = NextResult(runs: [NextRun(task: "collect", at: "2026-11-30T09:30:00-05:00")])
        #expect(try roundTrip(next) == next)
        let toggle = ToggleResult(task: "collect", enabled: false, source: "runtime", until: "2026-11-27T16:00:00-05:00")
        #expect(try roundTrip(toggle) == toggle)
        let cleared = ToggleResult(task: "collect", enabled: true, source: "yaml")
        #expect(try roundTrip(cleared) == cleared)
        let reload = ReloadResult(tasks: 12, warnings: ["tasks.old: days: ignored for @hourly"])
        #expect(try roundTrip(reload) == reload)
    }

    @Test func everyTriggerAndOutcomeRoundTrips() throws {
        for trigger in RunTrigger.allCases {
            for outcome in RunOutcome.allCases {
                let run = RunInfo(runID: 1, task: "t", trigger: trigger, outcome: outcome)
                #expect(try roundTrip(run) == run)
            }
        }
        #expect(RunOutcome.allCases.filter(\.isFinal) == [.success, .failed, .fatal, .timeout, .skipped, .abandoned])
    }

    @Test func resultKeysAreSnakeCaseSortedAndAbsentOptionalsAreLeftOut() {
        let line = String(decoding: ResponseEncoder.success(id: nil, result: Self.killed), as: UTF8.self)
        #expect(line == #"{"ok":true,"result":{"attempt":1,"duration_ms":600000,"outcome":"timeout","reason":"killed after timeout 600s","#
            + #""run_id":13,"signal":9,"started_at":"2026-11-27T10:00:00-05:00","task":"report","trigger":"manual"}}"# + "\n")
    }

    @Test func taskDetailIsOneFlatObject() throws {
        let detail = TaskDetail(status: TaskStatus(name: "a", enabled: true, enabledSource: "yaml", schedule: "at 09:00", days: "weekdays"),
                                command: ["/bin/true"], timeoutSeconds: 60, retries: 0, retryBackoffSeconds: 30,
                                overlap: "queue", catchUp: false, forceRun: true)
        let line = String(decoding: ResponseEncoder.success(id: 1, result: detail), as: UTF8.self)
        #expect(line == #"{"id":1,"ok":true,"result":{"catch_up":false,"command":["/bin/true"],"days":"weekdays","enabled":true,"#
            + #""enabled_source":"yaml","environment_keys":[],"force_run":true,"last_runs":[],"name":"a","next_runs":[],"#
            + #""overlap":"queue","retries":0,"retry_backoff_seconds":30,"running":false,"schedule":"at 09:00","timeout_seconds":60}}"# + "\n")
    }

    @Test func failureLines() throws {
        let line = ResponseEncoder.failure(id: 7, code: .unknownTask, message: #"no task named "colect" (did you mean "collect"?)"#)
        #expect(String(decoding: line, as: UTF8.self)
            == #"{"id":7,"ok":false,"error":{"code":"unknown_task","message":"no task named \"colect\" (did you mean \"collect\"?)"}}"# + "\n")
        #expect(try ResponseDecoder.decode(line: line.dropLast()).get()
            == .failure(id: 7, error: ProtocolError(.unknownTask, #"no task named "colect" (did you mean "collect"?)"#)))
        for code in ErrorCode.allCases {
            let decoded = try ResponseDecoder.decode(line: ResponseEncoder.failure(id: nil, ProtocolError(code, "m\n2")).dropLast()).get()
            #expect(decoded == .failure(id: nil, error: ProtocolError(code, "m\n2")))
            #expect(decoded.isFinal)
        }
    }

    @Test func eventsRoundTripAndStayOnOneLine() throws {
        let running = RunInfo(runID: 12, task: "collect", trigger: .manual, startedAt: "2026-11-27T09:30:00-05:00", outcome: .running)
        let events: [RunEvent] = [
            .started(running),
            .output(runID: 12, stream: .stdout, line: "fetched 120 rows"),
            .output(runID: 12, stream: .stderr, line: "tab\there \"quoted\" back\\slash \u{1}\u{7F} é 😀 \u{FFFD}"),
            .output(runID: 12, stream: .stdout, line: ""),
            .retrying(RunInfo(runID: 12, task: "collect", trigger: .manual, outcome: .retrying, exitCode: 1)),
        ]
        for event in events {
            let line = ResponseEncoder.event(id: "w", event)
            #expect(line.last == 0x0A && !line.dropLast().contains(0x0A))
            let decoded = try ResponseDecoder.decode(line: line.dropLast()).get()
            #expect(decoded == .event(id: "w", event: event))
            #expect(!decoded.isFinal)
            #expect(decoded.id == "w")
        }
        #expect(String(decoding: ResponseEncoder.event(id: 7, .output(runID: 12, stream: .stdout, line: "a\nb")), as: UTF8.self)
            == #"{"id":7,"event":"output","run_id":12,"stream":"stdout","line":"a\nb"}"# + "\n")
    }

    @Test func aStreamedRunAsTheClientReadsIt() throws {
        // run_now with wait: events, then the final RunInfo; the client stops at the first final line.
        let run = RunInfo(runID: 5, task: "t", trigger: .manual, outcome: .running)
        var done = run
        done.outcome = .success
        done.exitCode = 0
        let stream = ResponseEncoder.event(id: 1, .started(run)) + ResponseEncoder.event(id: 1, .output(runID: 5, stream: .stdout, line: "hi"))
            + ResponseEncoder.success(id: 1, result: done)
        var framer = LineFramer(maxLineBytes: ProtocolLimits.maxResponseBytes)
        framer.append(stream)
        var lines: [ResponseLine] = []
        while case .line(let bytes)? = framer.next() { lines.append(try ResponseDecoder.decode(line: bytes).get()) }
        #expect(lines.map(\.isFinal) == [false, false, true])
        guard case .success(_, let payload) = lines[2] else { Issue.record("no final line"); return }
        #expect(try payload.decode(RunInfo.self) == done)
    }

    struct Unencodable: Encodable {
        func encode(to encoder: any Encoder) throws {
            throw EncodingError.invalidValue(0, .init(codingPath: [], debugDescription: "boom"))
        }
    }

    @Test func anUnencodableResultBecomesAnInternalError() throws {
        let line = ResponseEncoder.success(id: 3, result: Unencodable())
        guard case .failure(let id, let error) = try ResponseDecoder.decode(line: line.dropLast()).get() else {
            Issue.record("expected a failure line")
            return
        }
        #expect(id == 3)
        #expect(error.code == .internal)
        #expect(error.message.hasPrefix("could not encode the result: "))
    }

    @Test func malformedDaemonLinesAreInvalidResponse() {
        let cases = [
            "garbage", "[]", #"{"id":true,"ok":true,"result":{}}"#, #"{"ok":true}"#, #"{"ok":"yes","result":{}}"#,
            #"{"id":1}"#, #"{"ok":false}"#, #"{"ok":false,"error":{"code":"busy"}}"#, #"{"event":"exploded"}"#,
            #"{"event":5}"#, #"{"event":"output","run_id":1,"stream":"stdin","line":"x"}"#, #"{"event":"started"}"#,
            #"{"event":"started","run":{"run_id":1}}"#,
        ]
        for line in cases {
            guard case .failure(let error) = ResponseDecoder.decode(line: Array(line.utf8)) else {
                Issue.record("accepted \(line)")
                continue
            }
            #expect(error.code == .invalidResponse, "\(line)")
            #expect(error.message.hasPrefix("unexpected line from the daemon: "))
        }
    }

    @Test func anErrorCodeFromANewerDaemonKeepsItsName() throws {
        let decoded = try ResponseDecoder.decode(line: Array(#"{"ok":false,"error":{"code":"rate_limited","message":"slow down"}}"#.utf8)).get()
        #expect(decoded == .failure(id: nil, error: ProtocolError(.internal, "[rate_limited] slow down")))
    }

    @Test func aResultOfTheWrongShapeIsInvalidResponse() throws {
        let line = ResponseEncoder.success(id: nil, result: ReloadResult(tasks: 1))
        guard case .success(_, let payload) = try ResponseDecoder.decode(line: line.dropLast()).get() else {
            Issue.record("not a success")
            return
        }
        #expect(throws: ProtocolError.self) { try payload.decode(StatusResult.self) }
        let error = #expect(throws: ProtocolError.self) { try payload.decode(RunInfo.self) }
        #expect(error?.code == .invalidResponse)
        #expect(error?.message.hasPrefix("the daemon's result is not a RunInfo: ") == true)
    }
}
