import Testing
@testable import ControlProtocol

/// Requests written by `RequestEncoder` (v6ctl) and read by `RequestDecoder` (the daemon).
@Suite struct RequestRoundTripTests {
    static let until = "2026-11-27T16:00:00-05:00"

    static let requests: [Request] = [
        .status,
        .tasks(),
        .tasks(limit: 50, offset: 100),
        .tasks(filter: "failed,collect_*"),
        .tasks(limit: 1, offset: 0, filter: "[f]ailed"),
        .task(name: "collect"),
        .task(name: "collect", output: true),
        .enable(task: "collect"),
        .enable(task: "collect", until: until),
        .disable(task: "collect"),
        .disable(task: "collect", until: "2026-11-27T21:00:00Z"),
        .clear(task: "collect"),
        .runNow(task: "collect"),
        .runNow(task: "collect", force: true),
        .runNow(task: "collect", wait: true),
        .runNow(task: "collect", force: true, wait: true),
        .history(),
        .history(task: "collect"),
        .history(runID: 42),
        .history(task: "collect", limit: 20, output: true),
        .history(task: "collect", limit: 20, output: true, cursor: 1571),
        .next(),
        .next(limit: 5),
        .reload,
        .plan(from: "2026-11-27"),
        .plan(from: "2026-11-27", to: "2026-11-30"),
        .metrics,
        .notifyTest(channel: "desk_slack"),
        .task(name: "naïve \"quoted\" \\ name\twith\u{0}nul"),
    ]

    /// The configuration commands (kept apart: `FuzzTests` mutates `requests` with a fixed seed).
    static let configRequests: [Request] = [
        .config(.show()),
        .config(.show(sources: true)),
        .config(.audit()),
        .config(.audit(limit: 5)),
        .config(.taskAdd(task: "x", settings: [EditSetting(key: "command", value: "\"true\""), EditSetting(key: "at", value: "[\"08:00\"]")],
                         revision: "0123456789abcdef")),
        .config(.taskSet(task: "x", settings: [EditSetting(key: "retries", value: "3")], revision: "r", onBehalfOf: "Alice Smith")),
        .config(.taskRemove(task: "x", revision: "r")),
        .config(.settingsSet(settings: [EditSetting(key: "calendar.extra_closures", value: "[\"2031-01-10\"]")], revision: "r",
                             onBehalfOf: "Zoë")),
    ]

    private func decode(_ text: String) -> DecodedRequest { RequestDecoder.decode(line: Array(text.utf8)) }

    @Test func everyCommandIsCovered() {
        #expect(Set((Self.requests + Self.configRequests).map(\.command)) == Set(Command.allCases))
    }

    @Test(arguments: requests + configRequests)
    func roundTripWithAndWithoutID(_ request: Request) {
        for id in [RequestID?.none, 7, "req-1"] {
            let line = RequestEncoder.encode(request, id: id)
            #expect(line.last == 0x0A)
            #expect(line.dropLast().contains(0x0A) == false, "one line, whatever the strings hold")
            let decoded = RequestDecoder.decode(line: line.dropLast())
            #expect(decoded.request == request)
            #expect(decoded.id == id)
        }
    }

    @Test func wireFormIsTheDocumentedOne() {
        #expect(String(decoding: RequestEncoder.encode(.enable(task: "x"), id: 7), as: UTF8.self)
            == #"{"v":1,"id":7,"cmd":"enable","task":"x"}"# + "\n")
        #expect(String(decoding: RequestEncoder.encode(.status), as: UTF8.self) == #"{"v":1,"cmd":"status"}"# + "\n")
        #expect(String(decoding: RequestEncoder.encode(.runNow(task: "a", force: true, wait: true), id: "r"), as: UTF8.self)
            == #"{"v":1,"id":"r","cmd":"run_now","task":"a","force":true,"wait":true}"# + "\n")
        #expect(String(decoding: RequestEncoder.encode(.history(task: "a", runID: 3, limit: 2, output: true)), as: UTF8.self)
            == #"{"v":1,"cmd":"history","task":"a","run_id":3,"limit":2,"output":true}"# + "\n")
    }

    @Test func handWrittenRequestsInAnyKeyOrderAndSpacing() {
        #expect(decode(#"  { "task" : "x" , "cmd":"enable",  "v" : 1 }  "#).request == .enable(task: "x"))
        #expect(decode(#"{"cmd":"status","v":1}"# + "\r").request == .status, "a CRLF line from nc or socat")
        #expect(decode(#"{"v":1.0,"cmd":"status"}"#).request == .status, "1.0 is the integer 1")
        #expect(decode(#"{"v":1,"cmd":"next","limit":5.00}"#).request == .next(limit: 5))
        #expect(decode(#"{"v":1,"cmd":"task","task":"caf\u00e9"}"#).request == .task(name: "café"))
        #expect(decode(#"{"v":1,"cmd":"task","task":"\ud83d\ude00"}"#).request == .task(name: "😀"))
    }

    @Test func nullMeansAbsentForOptionalFields() {
        #expect(decode(#"{"v":1,"cmd":"enable","task":"x","until":null}"#).request == .enable(task: "x"))
        #expect(decode(#"{"v":1,"cmd":"run_now","task":"x","force":null,"wait":false}"#).request == .runNow(task: "x"))
        #expect(decode(#"{"v":1,"cmd":"history","task":null,"limit":null}"#).request == .history())
        #expect(decode(#"{"v":1,"id":null,"cmd":"status"}"#).id == nil)
    }

    @Test func idsAreEchoedExactlyAsSent() {
        for literal in ["7", "0", "-12", "1e3", "2.50", "-0.5E-7", "123456789012345678901234567890",
                        #""abc""#, #""""#, #""a\"b\\c""#, #""é""#] {
            let decoded = decode(#"{"v":1,"id":"# + literal + #","cmd":"status"}"#)
            #expect(decoded.request == .status)
            let response = String(decoding: ResponseEncoder.success(id: decoded.id, result: TasksResult(tasks: [])), as: UTF8.self)
            #expect(response == #"{"id":"# + literal + #","ok":true,"result":{"tasks":[]}}"# + "\n", "\(literal)")
        }
        #expect(decode(#"{"v":1,"id":7,"cmd":"status"}"#).id?.intValue == 7)
        #expect(decode(#"{"v":1,"id":"7","cmd":"status"}"#).id?.stringValue == "7")
        #expect(decode(#"{"v":1,"id":"7","cmd":"status"}"#).id?.intValue == nil)
        #expect(decode(#"{"v":1,"id":7.5,"cmd":"status"}"#).id?.intValue == nil)
    }

    @Test func privilegedCommandsAreTheMutatingOnes() {
        #expect(Set(Command.allCases.filter(\.isPrivileged))
            == [.enable, .disable, .clear, .runNow, .reload, .taskAdd, .taskSet, .taskRemove, .settingsSet, .notifyTest])
        #expect(Request.runNow(task: "a").command.isPrivileged)
        #expect(!Request.history(task: "a").command.isPrivileged)
        #expect(Request.clear(task: "a").taskName == "a")
        #expect(Request.status.taskName == nil)
    }
}
