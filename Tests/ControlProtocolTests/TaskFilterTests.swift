import Testing
@testable import ControlProtocol

/// `tasks`' `filter` (v6ctl list --filter): state words and shell-style name patterns.
@Suite struct TaskFilterTests {
    static let collect = TaskFacts(name: "collect_options", enabled: true)
    static let failedEOD = TaskFacts(name: "eod_report", enabled: true, failed: true)
    static let disabled = TaskFacts(name: "collect_futures", enabled: false)
    static let running = TaskFacts(name: "health_check", enabled: true, running: true)
    static let waiting = TaskFacts(name: "failed", enabled: true, waiting: true)
    static let all = [collect, failedEOD, disabled, running, waiting]

    func names(_ filter: String) throws -> [String] {
        let parsed = try TaskFilter(parsing: filter)
        return Self.all.filter(parsed.matches).map(\.name)
    }

    @Test func stateWords() throws {
        #expect(try names("failed") == ["eod_report"])
        #expect(try names("running") == ["health_check"])
        #expect(try names("waiting") == ["failed"])
        #expect(try names("disabled") == ["collect_futures"])
        #expect(try names("enabled") == ["collect_options", "eod_report", "health_check", "failed"])
        #expect(try names("attention") == ["eod_report", "collect_futures", "health_check", "failed"])
        #expect(try names("FAILED") == ["eod_report"], "state words in any case")
    }

    @Test func namePatterns() throws {
        #expect(try names("collect_*") == ["collect_options", "collect_futures"])
        #expect(try names("*_report") == ["eod_report"])
        #expect(try names("collect") == ["collect_options", "collect_futures"], "no wildcard: a part of the name")
        #expect(try names("?od_*") == ["eod_report"])
        #expect(try names("[ce]*") == ["collect_options", "eod_report", "collect_futures"])
        #expect(try names("[!ce]*") == ["health_check", "failed"])
        #expect(try names("[a-f]ailed") == ["failed"], "a bracket matches a task named like a state word")
        #expect(try names("*") == Self.all.map(\.name))
        #expect(try names("c*s") == ["collect_options", "collect_futures"])
        #expect(try names("c*x") == [])
    }

    @Test func termsCombineWithAnd() throws {
        #expect(try names("enabled,collect_*") == ["collect_options"])
        #expect(try names("attention, collect") == ["collect_futures"], "spaces around terms are ignored")
        #expect(try names("failed,running") == [])
    }

    @Test func badFiltersAreInvalidValues() {
        for text in ["", ",", "failed,", "a,,b", "[abc", String(repeating: "x", count: 257)] {
            #expect(throws: ProtocolError.self, "\(text)") { try TaskFilter(parsing: text) }
            let line = #"{"v":1,"cmd":"tasks","filter":"# + "\"\(text)\"}"
            #expect(RequestDecoder.decode(line: Array(line.utf8)).error?.code == .invalidValue, "\(text)")
        }
    }

    @Test func pagingFieldsAreChecked() {
        func code(_ fields: String) -> ErrorCode? {
            RequestDecoder.decode(line: Array((#"{"v":1,"cmd":"tasks","# + fields + "}").utf8)).error?.code
        }
        #expect(code(#""offset":-1"#) == .invalidValue)
        #expect(code(#""offset":1.5"#) == .invalidValue)
        #expect(code(#""offset":"3""#) == .wrongType)
        #expect(code(#""limit":0"#) == .invalidValue)
        #expect(code(#""limit":10001"#) == .invalidValue)
        #expect(code(#""filter":3"#) == .wrongType)
        #expect(code(#""limit":10,"offset":0,"filter":"x""#) == nil)
        #expect(RequestDecoder.decode(line: Array(#"{"v":1,"cmd":"status","limit":3}"#.utf8)).error?.code == .unknownField)
    }

    @Test func statusCounts() {
        var counts = TaskCounts()
        for task in Self.all { counts.add(task) }
        #expect(counts == TaskCounts(total: 5, enabled: 4, disabled: 1, running: 1, failed: 1, waiting: 1, attention: 4, listed: 0))
        #expect(Self.all.sorted { ($0.attentionRank, $0.name) < ($1.attentionRank, $1.name) }.map(\.name)
            == ["eod_report", "health_check", "failed", "collect_futures", "collect_options"])
    }
}
