import Testing
@testable import ControlProtocol

/// Every error `RequestDecoder` answers with, from raw bytes.
@Suite struct RequestErrorTests {
    private func decode(_ text: String) -> DecodedRequest { RequestDecoder.decode(line: Array(text.utf8)) }
    private func decode(_ bytes: [UInt8]) -> DecodedRequest { RequestDecoder.decode(line: bytes) }

    private func error(_ text: String) -> ProtocolError? { decode(text).error }

    @Test func requestTooLarge() {
        let request = #"{"v":1,"cmd":"status"}"#
        let exact = request + String(repeating: " ", count: ProtocolLimits.maxRequestBytes - request.utf8.count)
        #expect(decode(exact).request == .status, "65536 bytes is still accepted")
        let over = decode(exact + " ")
        #expect(over.error == ProtocolError(.requestTooLarge,
            "request line is 65537 bytes; the limit is 65536 (one JSON object per line)"))
        #expect(over.id == nil)
        #expect(decode([UInt8](repeating: 0xFF, count: 1_000_000)).error?.code == .requestTooLarge)
    }

    @Test func invalidJSON() {
        let cases: [(String, String)] = [
            ("{", "invalid JSON at byte 1: unexpected end of line, expected an object key in double quotes"),
            (#"{"v":1,"#, "invalid JSON at byte 7: unexpected end of line, expected an object key in double quotes"),
            ("nope", "invalid JSON at byte 0: invalid literal, expected null"),
            ("status", "invalid JSON at byte 0: unexpected 's', expected a JSON value"),
            (#"{"v":1 "cmd":"status"}"#, "invalid JSON at byte 7: unexpected '\"', expected ',' or '}'"),
            (#"{"v":1,"cmd":"status"} x"#, "invalid JSON at byte 23: unexpected 'x' after the JSON value"),
            (#"{"v":1,"cmd":"status"}{"v":1,"cmd":"status"}"#, "invalid JSON at byte 22: unexpected '{' after the JSON value"),
            (#"{'v':1}"#, "invalid JSON at byte 1: unexpected ''', expected an object key in double quotes"),
            (#"{"v":01,"cmd":"status"}"#, "invalid JSON at byte 5: invalid number: leading zeros are not allowed"),
            (#"{"v":1.,"cmd":"status"}"#, "invalid JSON at byte 7: invalid number: expected a digit after '.'"),
            (#"{"v":-,"cmd":"status"}"#, "invalid JSON at byte 6: invalid number: expected a digit"),
            (#"{"v":1,"cmd":"sta"#, "invalid JSON at byte 13: unterminated string"),
            (#"{"v":1,"cmd":"\q"}"#, "invalid JSON at byte 14: invalid escape \\'q'"),
            (#"{"v":1,"cmd":"\ud800"}"#, "invalid JSON at byte 14: lone surrogate \\ud800 in a string"),
            (#"{"v":1,"cmd":"\udc00x"}"#, "invalid JSON at byte 14: lone surrogate \\udc00 in a string"),
            (#"{"v":1,"cmd":"\u12G4"}"#, "invalid JSON at byte 18: invalid \\u escape: expected a hex digit, found 'G'"),
            (#"{"v":1,"cmd":"status",}"#, "invalid JSON at byte 22: unexpected '}', expected an object key in double quotes"),
            (#"[1,]"#, "invalid JSON at byte 3: unexpected ']', expected a JSON value"),
            ("", "empty line: send one JSON object per line, e.g. {\"v\":1,\"cmd\":\"status\"}"),
            ("  \r", "empty line: send one JSON object per line, e.g. {\"v\":1,\"cmd\":\"status\"}"),
        ]
        for (line, message) in cases {
            let decoded = decode(line)
            #expect(decoded.error == ProtocolError(.invalidJSON, message), "\(line)")
            #expect(decoded.id == nil)
        }
    }

    @Test func invalidJSONFromBinary() {
        let invalidUTF8 = Array(#"{"v":1,"cmd":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(decode(invalidUTF8).error == ProtocolError(.invalidJSON, "invalid JSON at byte 13: invalid UTF-8 in a string"))
        let nulOutside = Array(#"{"v":1,"#.utf8) + [0] + Array(#""cmd":"status"}"#.utf8)
        #expect(decode(nulOutside).error == ProtocolError(.invalidJSON,
            "invalid JSON at byte 7: unexpected byte 0x00, expected an object key in double quotes"))
        let rawNewlineInString = Array(#"{"v":1,"cmd":"a"#.utf8) + [0x0A] + Array(#""}"#.utf8)
        #expect(decode(rawNewlineInString).error == ProtocolError(.invalidJSON,
            "invalid JSON at byte 15: raw control character 0x0A in a string (escape it)"))
        #expect(decode([0xEF, 0xBB, 0xBF] + Array(#"{"v":1}"#.utf8)).error?.code == .invalidJSON, "no BOM")
        #expect(decode([0x80]).error == ProtocolError(.invalidJSON, "invalid JSON at byte 0: unexpected byte 0x80, expected a JSON value"))
    }

    @Test func deepNestingIsRefusedWithoutRecursingDeeply() {
        let deep = String(repeating: "[", count: 60_000)
        #expect(decode(deep).error == ProtocolError(.invalidJSON, "invalid JSON at byte 64: nested deeper than 64 levels"))
        let objects = String(repeating: #"{"a":"#, count: 10_000)
        #expect(decode(objects).error?.message == "invalid JSON at byte 320: nested deeper than 64 levels")
        let fine = String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
        #expect(decode(#"{"v":1,"cmd":"status","x":"# + fine + "}").error?.code == .unknownField, "63 levels inside the object parse")
    }

    @Test func invalidRequest() {
        for (line, found) in [("[]", "an array"), (#""status""#, "a string"), ("42", "a number"), ("null", "null"), ("true", "a boolean")] {
            #expect(error(line) == ProtocolError(.invalidRequest,
                #"a request is a JSON object such as {"v":1,"cmd":"status"}, found "# + found))
        }
        #expect(error(#"{"v":1,"cmd":"enable","task":"a","task":"b"}"#)
            == ProtocolError(.invalidRequest, #"field "task" appears twice (byte 33)"#))
    }

    @Test func unsupportedVersion() {
        #expect(error(#"{"cmd":"status"}"#)
            == ProtocolError(.unsupportedVersion, #"missing "v": every request carries the protocol version, "v":1"#))
        #expect(error(#"{"v":null,"cmd":"status"}"#)?.code == .unsupportedVersion)
        #expect(error(#"{"v":2,"cmd":"status"}"#) == ProtocolError(.unsupportedVersion,
            "protocol version 2 is not supported: this daemon speaks version 1 (use a v6ctl of the same release)"))
        #expect(error(#"{"v":1.5,"cmd":"status"}"#)?.code == .unsupportedVersion)
        #expect(error(#"{"v":0,"cmd":"status"}"#)?.code == .unsupportedVersion)
        // The version is checked before the command: a v2 command we do not know is a version problem.
        #expect(error(#"{"v":2,"cmd":"frobnicate"}"#)?.code == .unsupportedVersion)
    }

    @Test func wrongType() {
        let cases: [(String, String)] = [
            (#"{"v":"1","cmd":"status"}"#, #""v" must be a number ("v":1), found a string"#),
            (#"{"v":1,"cmd":5}"#, #""cmd" must be a string, found a number"#),
            (#"{"v":1,"cmd":["status"]}"#, #""cmd" must be a string, found an array"#),
            (#"{"v":1,"cmd":"enable","task":5}"#, #""task" must be a string (the task's name), found a number"#),
            (#"{"v":1,"cmd":"enable","task":{"name":"x"}}"#, #""task" must be a string (the task's name), found an object"#),
            (#"{"v":1,"cmd":"run_now","task":"x","force":"yes"}"#, #""force" must be true or false, found a string"#),
            (#"{"v":1,"cmd":"run_now","task":"x","wait":1}"#, #""wait" must be true or false, found a number"#),
            (#"{"v":1,"cmd":"task","task":"x","output":"true"}"#, #""output" must be true or false, found a string"#),
            (#"{"v":1,"cmd":"history","limit":"5"}"#, #""limit" must be an integer, found a string"#),
            (#"{"v":1,"cmd":"history","run_id":"3"}"#, #""run_id" must be an integer (a run id from history), found a string"#),
            (#"{"v":1,"cmd":"history","cursor":"3"}"#, #""cursor" must be an integer (next_cursor of an earlier answer), found a string"#),
            (#"{"v":1,"cmd":"disable","task":"x","until":1700000000}"#, #""until" must be a string (an ISO-8601 instant), found a number"#),
        ]
        for (line, message) in cases {
            #expect(error(line) == ProtocolError(.wrongType, message), "\(line)")
        }
        for id in ["true", "[]", "{}"] {
            let decoded = decode(#"{"v":1,"id":"# + id + #","cmd":"status"}"#)
            #expect(decoded.error?.code == .wrongType)
            #expect(decoded.error?.message.hasPrefix(#""id" must be a number or a string, found "#) == true)
            #expect(decoded.id == nil, "an unusable id is not echoed")
        }
    }

    @Test func unknownCommandWithDidYouMean() {
        let list = "commands: status, tasks, task, enable, disable, clear, run_now, history, next, reload, config_show, audit, task_add, task_set, task_rm, settings_set, metrics, notify_test, plan"
        let cases: [(String, String)] = [
            ("enabel", #"unknown command "enabel" (did you mean "enable"?); "#),
            ("run", #"unknown command "run" (did you mean "run_now"?); "#),
            ("run-now", #"unknown command "run-now" (did you mean "run_now"?); "#),
            ("RunNow", #"unknown command "RunNow" (did you mean "run_now"?); "#),
            ("Status", #"unknown command "Status" (did you mean "status"?); "#),
            ("list", #"unknown command "list" (did you mean "tasks"?); "#),
            ("histroy", #"unknown command "histroy" (did you mean "history"?); "#),
            ("relaod", #"unknown command "relaod" (did you mean "reload"?); "#),
            ("xyzzy", #"unknown command "xyzzy"; "#),
            ("", #"unknown command ""; "#),
        ]
        for (name, prefix) in cases {
            #expect(error(#"{"v":1,"cmd":""# + name + #""}"#) == ProtocolError(.unknownCommand, prefix + list), "\(name)")
        }
        let long = String(repeating: "a", count: 1000)
        #expect(error(#"{"v":1,"cmd":""# + long + #""}"#)?.message.count ?? 0 < list.count + 100, "a huge name is cut in the message")
    }

    @Test func unknownFieldNamesItAndWhatTheCommandTakes() {
        #expect(error(#"{"v":1,"cmd":"enable","task":"x","untill":"2026-11-27T16:00:00-05:00"}"#)
            == ProtocolError(.unknownField, #"enable does not take "untill" (did you mean "until"?); it takes "task", "until", "on_behalf_of""#))
        #expect(error(#"{"v":1,"cmd":"status","task":"x"}"#)
            == ProtocolError(.unknownField, #"status does not take "task"; it takes no fields"#))
        // A typo'd required field is reported as unknown (with the fix), not as missing.
        #expect(error(#"{"v":1,"cmd":"clear","tsak":"x"}"#)
            == ProtocolError(.unknownField, #"clear does not take "tsak" (did you mean "task"?); it takes "task", "on_behalf_of""#))
        #expect(error(#"{"v":1,"cmd":"clear","task":"x","until":"2026-11-27T16:00:00-05:00"}"#)?.code == .unknownField)
        #expect(error(#"{"v":1,"cmd":"run_now","task":"x","Force":true}"#)?.message.contains(#"did you mean "force"?"#) == true)
        let long = String(repeating: "k", count: 5000)
        #expect(error(#"{"v":1,"cmd":"status",""# + long + #"":1}"#)?.message
            == #"status does not take ""# + String(repeating: "k", count: 64) + #"..."; it takes no fields"#)
    }

    @Test func missingField() {
        #expect(error(#"{"v":1}"#) == ProtocolError(.missingField,
            #"missing "cmd": the command, one of status, tasks, task, enable, disable, clear, run_now, history, next, reload, config_show, audit, task_add, task_set, task_rm, settings_set, metrics, notify_test, plan"#))
        #expect(error(#"{"v":1,"cmd":"plan"}"#) == ProtocolError(.missingField, #"plan needs "from": the first ET date, YYYY-MM-DD"#))
        #expect(error(#"{"v":1,"cmd":"plan","from":"2026-11-27","to":"tomorrow"}"#)?.code == .invalidValue)
        #expect(error(#"{"v":1,"cmd":"plan","from":20261127}"#)?.code == .wrongType)
        for command in ["task", "enable", "disable", "clear", "run_now"] {
            #expect(error(#"{"v":1,"cmd":""# + command + #""}"#)
                == ProtocolError(.missingField, command + #" needs "task": the task's name as in the configuration"#))
        }
        #expect(error(#"{"v":1,"cmd":"enable","task":null}"#)?.code == .missingField)
    }

    @Test func invalidValue() {
        let cases: [(String, String)] = [
            (#"{"v":1,"cmd":"enable","task":""}"#, #""task" is empty: give the task's name"#),
            (#"{"v":1,"cmd":"history","limit":0}"#, #""limit" must be a whole number from 1 to 10000"#),
            (#"{"v":1,"cmd":"next","limit":-1}"#, #""limit" must be a whole number from 1 to 10000"#),
            (#"{"v":1,"cmd":"next","limit":10001}"#, #""limit" must be a whole number from 1 to 10000"#),
            (#"{"v":1,"cmd":"next","limit":2.5}"#, #""limit" must be a whole number from 1 to 10000"#),
            (#"{"v":1,"cmd":"next","limit":1e2}"#, #""limit" must be a whole number from 1 to 10000"#),
            (#"{"v":1,"cmd":"next","limit":99999999999999999999999}"#, #""limit" must be a whole number from 1 to 10000"#),
            (#"{"v":1,"cmd":"history","run_id":0}"#, #""run_id" must be a positive whole number (a run id from history)"#),
            (#"{"v":1,"cmd":"history","cursor":0}"#, #""cursor" must be a positive whole number (next_cursor of an earlier answer)"#),
        ]
        for (line, message) in cases {
            #expect(error(line) == ProtocolError(.invalidValue, message), "\(line)")
        }
        for until in ["tomorrow", "2026-11-27", "2026-11-27T16:00:00", "2026-11-27 16:00:00-05:00", "2026-13-27T16:00:00-05:00",
                      "2026-11-27T16:00-05:00", "2026-11-27T16:00:00+5:00"] {
            #expect(error(#"{"v":1,"cmd":"disable","task":"x","until":""# + until + #""}"#)
                == ProtocolError(.invalidValue,
                    #""until" must be an ISO-8601 instant with an offset, such as 2026-11-27T16:00:00-05:00, found ""# + until + "\""))
        }
        #expect(decode(#"{"v":1,"cmd":"disable","task":"x","until":"2026-11-27T16:00:00+05:30"}"#).request
            == .disable(task: "x", until: "2026-11-27T16:00:00+05:30"))
    }

    @Test func theIDIsRecoveredWheneverTheObjectHasOne() {
        #expect(decode(#"{"id":9,"v":2,"cmd":"status"}"#).id == 9)
        #expect(decode(#"{"id":"a","v":1,"cmd":"nope"}"#).id == "a")
        #expect(decode(#"{"id":9,"v":1,"cmd":"enable"}"#).id == 9)
        #expect(decode(#"{"id":9,"v":1,"cmd":"enable""#).id == nil, "not JSON: nothing to recover")
        let line = ResponseEncoder.failure(for: decode(#"{"id":9,"v":1,"cmd":"enable"}"#))
        #expect(line.map { String(decoding: $0, as: UTF8.self) }
            == #"{"id":9,"ok":false,"error":{"code":"missing_field","message":"enable needs \"task\": the task's name as in the configuration"}}"# + "\n")
        #expect(ResponseEncoder.failure(for: decode(#"{"v":1,"cmd":"status"}"#)) == nil)
    }

    @Test func everyRequestErrorCodeIsReachable() {
        let lines = [
            String(repeating: " ", count: 70_000), "{", "[]", #"{"cmd":"status"}"#, #"{"v":1,"cmd":"x"}"#,
            #"{"v":1,"cmd":"status","x":1}"#, #"{"v":1,"cmd":1}"#, #"{"v":1,"cmd":"clear"}"#,
            #"{"v":1,"cmd":"clear","task":""}"#,
        ]
        let codes = Set(lines.compactMap { error($0)?.code })
        #expect(codes == [.requestTooLarge, .invalidJSON, .invalidRequest, .unsupportedVersion, .unknownCommand,
                          .unknownField, .wrongType, .missingField, .invalidValue])
    }
}
