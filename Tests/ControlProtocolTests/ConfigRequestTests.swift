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
}
