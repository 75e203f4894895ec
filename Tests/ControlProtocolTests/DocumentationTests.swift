import Foundation
import Testing
@testable import ControlProtocol

/// The examples in docs/control-protocol.md are what the code reads and writes, byte for byte.
@Suite struct DocumentationTests {
    static let document: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/control-protocol.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// Re-encodes a decoded success line with the result type the command answers with.
    private func reencode(_ payload: ResultPayload, id: RequestID?, for command: Command) throws -> [UInt8] {
        switch command {
        case .status: return ResponseEncoder.success(id: id, result: try payload.decode(StatusResult.self))
        case .tasks: return ResponseEncoder.success(id: id, result: try payload.decode(TasksResult.self))
        case .task: return ResponseEncoder.success(id: id, result: try payload.decode(TaskDetail.self))
        case .enable, .disable, .clear: return ResponseEncoder.success(id: id, result: try payload.decode(ToggleResult.self))
        case .runNow: return ResponseEncoder.success(id: id, result: try payload.decode(RunInfo.self))
        case .history: return ResponseEncoder.success(id: id, result: try payload.decode(HistoryResult.self))
        case .next, .plan: return ResponseEncoder.success(id: id, result: try payload.decode(NextResult.self))
        case .reload: return ResponseEncoder.success(id: id, result: try payload.decode(ReloadResult.self))
        case .configShow: return ResponseEncoder.success(id: id, result: try payload.decode(ConfigResult.self))
        case .audit: return ResponseEncoder.success(id: id, result: try payload.decode(AuditResult.self))
        case .taskAdd, .taskSet, .taskRemove, .settingsSet:
            return ResponseEncoder.success(id: id, result: try payload.decode(ConfigChangeResult.self))
        case .metrics: return ResponseEncoder.success(id: id, result: try payload.decode(MetricsResult.self))
        case .notifyTest: return ResponseEncoder.success(id: id, result: try payload.decode(NotifyTestResult.self))
        }
    }

    @Test func examplesDecodeAndReencodeIdentically() throws {
        let lines = Self.document.split(separator: "\n").map(String.init).filter { $0.hasPrefix("{\"") && !$0.contains("{...}") }
        var requests = 0
        var responses = 0
        var command: Command?
        for line in lines {
            let bytes = Array(line.utf8)
            if line.hasPrefix(#"{"v":"#) {
                let decoded = RequestDecoder.decode(line: bytes)
                #expect(decoded.error == nil, "\(line)")
                command = decoded.request?.command
                if let request = decoded.request {
                    #expect(RequestEncoder.encode(request, id: decoded.id, onBehalfOf: decoded.onBehalfOf) == bytes + [0x0A], "\(line)")
                }
                requests += 1
                continue
            }
            let response = try ResponseDecoder.decode(line: bytes).get()
            switch response {
            case .success(let id, let payload):
                let command = try #require(command, "a response example follows its request")
                #expect(try reencode(payload, id: id, for: command) == bytes + [0x0A], "\(line)")
            case .failure(let id, let error):
                #expect(ResponseEncoder.failure(id: id, error) == bytes + [0x0A], "\(line)")
            case .event(let id, let event):
                #expect(ResponseEncoder.event(id: id, event) == bytes + [0x0A], "\(line)")
            }
            responses += 1
        }
        #expect(requests >= 11)
        #expect(responses >= 14)
    }

    @Test func everyErrorCodeAndCommandIsDocumented() {
        for code in ErrorCode.allCases {
            #expect(Self.document.contains("| `\(code.rawValue)` |"), "\(code.rawValue)")
        }
        for command in Command.allCases {
            #expect(Self.document.contains("`\(command.rawValue)`"), "\(command.rawValue)")
            for field in command.fields {
                #expect(Self.document.contains("| `\(field)` |"), "\(command).\(field)")
            }
        }
    }
}
