import Testing
@testable import ControlProtocol

/// `on_behalf_of` on the toggles and `run_now`: the person a client (the dashboard) acts for, read
/// beside the request (the `Request` cases stay as they are) and refused like the edits' field.
@Suite struct OnBehalfOfTests {
    private func decode(_ text: String) -> DecodedRequest { RequestDecoder.decode(line: Array(text.utf8)) }

    static let changes: [Request] = [
        .enable(task: "collect"), .disable(task: "collect", until: "2026-11-27T16:00:00-05:00"), .clear(task: "collect"),
        .runNow(task: "collect", force: true, wait: true, withDependents: true),
    ]

    @Test(arguments: changes)
    func roundTrip(_ request: Request) {
        let line = RequestEncoder.encode(request, id: 4, onBehalfOf: "Zoë O'Brien")
        #expect(String(decoding: line, as: UTF8.self).hasSuffix(#","on_behalf_of":"Zoë O'Brien"}"# + "\n"))
        let decoded = RequestDecoder.decode(line: line.dropLast())
        #expect(decoded.request == request)
        #expect(decoded.onBehalfOf == "Zoë O'Brien")
        #expect(RequestDecoder.decode(line: RequestEncoder.encode(request).dropLast()).onBehalfOf == nil)
    }

    @Test func onlyTheseCommandsTakeIt() {
        #expect(Command.allCases.filter(\.takesOnBehalfOf) == [.enable, .disable, .clear, .runNow])
        // The encoder leaves it out where the command does not take it at the top level...
        #expect(String(decoding: RequestEncoder.encode(.status, onBehalfOf: "alice"), as: UTF8.self) == #"{"v":1,"cmd":"status"}"# + "\n")
        // ...and the decoder refuses it there, naming the field.
        #expect(decode(#"{"v":1,"cmd":"reload","on_behalf_of":"alice"}"#).error?.code == .unknownField)
        #expect(decode(#"{"v":1,"cmd":"history","on_behalf_of":"alice"}"#).error?.code == .unknownField)
        // The edits keep theirs inside the request, for the audit.
        let edit = decode(#"{"v":1,"cmd":"task_rm","task":"x","revision":"r","on_behalf_of":"alice"}"#)
        #expect(edit.request == .config(.taskRemove(task: "x", revision: "r", onBehalfOf: "alice")))
        #expect(edit.onBehalfOf == nil)
    }

    @Test func aBadNameIsRefusedWithTheRequestsID() {
        for bad in [#""""#, #""  ""#, #""a\nb""#, #""a\u0007b""#, "\"" + String(repeating: "a", count: 129) + "\""] {
            let decoded = decode(#"{"v":1,"id":5,"cmd":"enable","task":"x","on_behalf_of":"# + bad + "}")
            #expect(decoded.error == ProtocolError(.invalidValue, #""on_behalf_of" must be a person's name: 1 to 128 printable characters"#), "\(bad)")
            #expect(decoded.id == 5)
        }
        #expect(decode(#"{"v":1,"cmd":"run_now","task":"x","on_behalf_of":["alice"]}"#).error?.code == .wrongType)
        #expect(decode(#"{"v":1,"cmd":"clear","task":"x","on_behalf_of":null}"#).onBehalfOf == nil)
    }
}
