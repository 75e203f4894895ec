import Testing
@testable import ControlProtocol

/// The configuration commands' fields: what the decoder takes and what it refuses, with messages.
@Suite struct ConfigRequestTests {
    private func decode(_ text: String) -> DecodedRequest { RequestDecoder.decode(line: Array(text.utf8)) }
    private func error(_ text: String) -> ProtocolError? { decode(text).error }

    @Test func wireFormKeepsTheSettingsInOrder() {
        let request = Request.config(.taskSet(task: "collect", settings: [EditSetting(key: "timeout_seconds", value: "300"),
                                                                          EditSetting(key: "at", value: "[\"08:00\"]")],
                                              revision: "abc", onBehalfOf: "Alice"))
        #expect(String(decoding: RequestEncoder.encode(request, id: 3), as: UTF8.self)
            == #"{"v":1,"id":3,"cmd":"task_set","task":"collect","settings":{"timeout_seconds":"300","at":"[\"08:00\"]"},"revision":"abc","on_behalf_of":"Alice"}"# + "\n")
        #expect(decode(#"{"v":1,"cmd":"config_show","sources":true}"#).request == .config(.show(sources: true)))
    }

    @Test func editsNeedTheirFields() {
        #expect(error(#"{"v":1,"cmd":"task_set","task":"x","settings":{"retries":"1"}}"#)
            == ProtocolError(.missingField, #"task_set needs "revision": the configuration revision the edit is based on (from config_show)"#))
        #expect(error(#"{"v":1,"cmd":"task_set","task":"x","revision":"r"}"#)?.code == .missingField)
        #expect(error(#"{"v":1,"cmd":"settings_set","settings":{"a":"1"},"revision":"r","task":"x"}"#)?.code == .unknownField)
        #expect(error(#"{"v":1,"cmd":"task_rm","revision":"r"}"#)?.code == .missingField)
    }

    @Test func settingsAreAnObjectOfYAMLTexts() {
        #expect(error(#"{"v":1,"cmd":"task_set","task":"x","settings":{"retries":3},"revision":"r"}"#)
            == ProtocolError(.wrongType, #""settings"."retries" must be a string of YAML text ("300", "[mon, wed]"), found a number"#))
        #expect(error(#"{"v":1,"cmd":"task_set","task":"x","settings":{},"revision":"r"}"#)?.code == .invalidValue)
        #expect(error(#"{"v":1,"cmd":"task_set","task":"x","settings":["retries=3"],"revision":"r"}"#)?.code == .wrongType)
        #expect(error(#"{"v":1,"cmd":"task_set","task":"x","settings":{"a":"1","a":"2"},"revision":"r"}"#)?.code == .invalidRequest)
    }

    @Test func onBehalfOfIsAPrintableName() {
        #expect(decode(#"{"v":1,"cmd":"task_rm","task":"x","revision":"r","on_behalf_of":"Zoë O'Brien"}"#).request
            == .config(.taskRemove(task: "x", revision: "r", onBehalfOf: "Zoë O'Brien")))
        for bad in [#""""#, #""  ""#, #""a\nb""#, "\"" + String(repeating: "a", count: 129) + "\""] {
            #expect(error(#"{"v":1,"cmd":"task_rm","task":"x","revision":"r","on_behalf_of":"# + bad + "}")?.code == .invalidValue, "\(bad)")
        }
        #expect(error(#"{"v":1,"cmd":"task_rm","task":"x","revision":"r","on_behalf_of":7}"#)?.code == .wrongType)
    }

    @Test func configCommandsHaveDidYouMean() {
        #expect(error(#"{"v":1,"cmd":"task_remove"}"#)?.message.hasPrefix(#"unknown command "task_remove" (did you mean "task_rm"?)"#) == true)
        #expect(error(#"{"v":1,"cmd":"config"}"#)?.message.hasPrefix(#"unknown command "config" (did you mean "config_show"?)"#) == true)
    }

    @Test func mutatedConfigRequestsNeverTrapAndAreJudged() {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let seeds = RequestRoundTripTests.configRequests.map { Array(RequestEncoder.encode($0, id: 1).dropLast()) }
        var accepted = 0
        var codes: Set<ErrorCode> = []
        for _ in 0..<5_000 {
            var line = seeds[Int(next() % UInt64(seeds.count))]
            let at = Int(next() % UInt64(line.count))
            switch next() % 3 {
            case 0: line[at] = UInt8(truncatingIfNeeded: next())
            case 1: line.remove(at: at)
            default: line.insert(UInt8(truncatingIfNeeded: next()), at: at)
            }
            let decoded = RequestDecoder.decode(line: line)
            if let error = decoded.error { codes.insert(error.code) } else { accepted += 1 }
            if let request = decoded.request {
                #expect(RequestDecoder.decode(line: RequestEncoder.encode(request).dropLast()).request == request)
            }
        }
        #expect(accepted > 100)
        #expect(codes.isSuperset(of: [.invalidJSON, .unknownField]))
    }
}
