import Foundation
import Testing
import TestSupport

/// Bytes no v6ctl would send, straight onto the control socket: each gets its documented
/// error code, and the daemon keeps scheduling through it all.
@Suite(.serialized) struct E2ESocketAbuseTests {
    static let config = E2E.header + E2E.ticker

    /// Request bytes (a newline is added) and the error code docs/control-protocol.md gives them.
    static let badRequests: [(bytes: [UInt8], code: String)] = [
        (Array(#"{"v":1,"#.utf8), "invalid_json"),
        ([0x00, 0xFF, 0xFE, 0x00, 0x7B, 0x00, 0x22, 0xC3, 0x28, 0x01, 0x02, 0x00], "invalid_json"),  // NULs, invalid UTF-8
        (Array(#"{"v":1,"cmd":"sta\u0000tus"}"#.utf8), "unknown_command"),
        ([], "invalid_json"),  // an empty line
        (Array(#"[1,2,3]"#.utf8), "invalid_request"),
        (Array(#"{"v":1,"v":1,"cmd":"status"}"#.utf8), "invalid_request"),
        (Array(#"{"cmd":"status"}"#.utf8), "unsupported_version"),
        (Array(#"{"v":2,"cmd":"status"}"#.utf8), "unsupported_version"),
        (Array(#"{"v":1,"cmd":"frobnicate"}"#.utf8), "unknown_command"),
        (Array(#"{"v":1,"cmd":"status","tsak":"x"}"#.utf8), "unknown_field"),
        (Array(#"{"v":1,"cmd":"history","limit":"5"}"#.utf8), "wrong_type"),
        (Array(#"{"v":1,"cmd":"enable","task":7}"#.utf8), "wrong_type"),
        (Array(#"{"v":1,"cmd":"task"}"#.utf8), "missing_field"),
        (Array(#"{"v":1,"cmd":"history","limit":0}"#.utf8), "invalid_value"),
        (Array(#"{"v":1,"cmd":"task","task":"nope"}"#.utf8), "unknown_task"),
        (Array(#"{"v":1,"cmd":"history","run_id":999999}"#.utf8), "not_found"),
    ]

    /// Finished ticker runs, counted in the daemon's log (v6ctl may be turned away meanwhile).
    static func tickerRuns(_ daemon: DaemonHarness) -> Int { daemon.logLines(containing: "[e2e_ticker run=", "finished: success").count }

    @Test func badRequestsGetTheirErrorCodesAndTheDaemonKeepsScheduling() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        _ = try daemon.waitForRuns(of: "e2e_ticker", count: 1)
        let before = Self.tickerRuns(daemon)

        // One connection takes them all: an error never closes it (only an oversized line does).
        let connection = try UnixStreamClient(path: daemon.socketPath)
        for (bytes, code) in Self.badRequests {
            #expect(connection.send(bytes + [10]))
            let answer = connection.readLine()
            guard case .line(let line) = answer else {
                Issue.record("no answer to \(bytes.prefix(40)): \(answer)")
                continue
            }
            #expect(JSONText.errorCode(line) == code, "\(String(decoding: bytes, as: UTF8.self)) -> \(line)")
        }
        // The id comes back on errors decided after it was read.
        connection.sendLine(#"{"v":1,"id":"abc","cmd":"task"}"#)
        if case .line(let line) = connection.readLine() {
            #expect(try JSONText.object(line)["id"] as? String == "abc")
        } else { Issue.record("no answer") }
        connection.sendLine(#"{"v":1,"id":1,"cmd":"status"}"#)
        guard case .line(let ok) = connection.readLine() else { Issue.record("no status answer"); return }
        #expect(try JSONText.object(ok)["ok"] as? Bool == true)

        // Over 64 KiB without a newline: request_too_large, then the daemon hangs up.
        let flood = try UnixStreamClient(path: daemon.socketPath)
        flood.send(Array(repeating: UInt8(ascii: "a"), count: 70 * 1024) + [10])
        guard case .line(let tooLarge) = flood.readLine() else { Issue.record("no answer to a 70 KiB line"); return }
        #expect(JSONText.errorCode(tooLarge) == "request_too_large")
        #expect(flood.waitForClose(), "the connection stayed open after request_too_large")

        // Garbage and a hang-up mid-line.
        let rude = try UnixStreamClient(path: daemon.socketPath)
        rude.send([0x00, 0x01, 0x7B, 0x22])
        rude.close()

        #expect(try daemon.v6ctl(["status"]).status == 0)
        #expect(daemon.isRunning)
        #expect(E2E.poll(timeout: 10) { Self.tickerRuns(daemon) > before }, "the 1 s task stopped firing")
        let during = Self.tickerRuns(daemon)
        #expect(E2E.poll(timeout: 10) { Self.tickerRuns(daemon) > during }, "the 1 s task stopped firing")
    }

    /// docs/control-protocol.md: at most 16 connections at once from one uid (and 64 in all);
    /// further ones are accepted and closed at once, with a `busy` line that says which limit. So
    /// while 16 idle clients hold every slot of the uid, v6ctl of the same uid too gets a prompt
    /// `busy` (exit 1) rather than an answer, a hang or SIGPIPE; once slots free up it answers.
    @Test func connectionsBeyondTheLimitAreTurnedAwayAtOnce() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        _ = try daemon.waitForRuns(of: "e2e_ticker", count: 1)

        let sockets = { ProcFS.descriptors(of: daemon.pid).filter { $0.hasPrefix("socket:") }.count }
        // The harness's own v6ctl connections must be gone, or they would hold slots.
        var baseline = sockets()
        E2E.poll(timeout: 5, interval: 0.2) {
            let now = sockets()
            defer { baseline = now }
            return now == baseline
        }
        var idle: [UnixStreamClient] = []
        for _ in 0..<100 { idle.append(try UnixStreamClient(path: daemon.socketPath)) }

        // The 84 over the limit get busy and are closed; the 16 others stay open and silent.
        var rejected = Set<Int>()
        E2E.poll(timeout: 10) {
            for (index, client) in idle.enumerated() where !rejected.contains(index) {
                if case .line(let line) = client.readLine(timeout: 0) {
                    #expect(JSONText.errorCode(line) == "busy" && line.contains("from uid \(getuid())"), "\(line)")
                    #expect(client.waitForClose(timeout: 5))
                    rejected.insert(index)
                }
            }
            return rejected.count >= 84
        }
        #expect(rejected.count == 84)
        let admitted = idle.indices.filter { !rejected.contains($0) }
        #expect(admitted.allSatisfy { idle[$0].readLine(timeout: 0) == .timeout }, "an admitted idle connection was answered or closed")

        let crowded = try daemon.v6ctl(["status"])
        #expect(crowded.status == 1, "exit \(crowded.status): \(crowded.stdout)")
        #expect(crowded.stderr.contains("too many connections from uid"))

        let firing = Self.tickerRuns(daemon)
        #expect(E2E.poll(timeout: 10) { Self.tickerRuns(daemon) > firing }, "the 1 s task stopped firing while the slots were full")
        let freed = Self.tickerRuns(daemon)
        for index in admitted.prefix(10) { idle[index].close() }
        #expect(E2E.poll(timeout: 10) { (try? daemon.v6ctl(["status"]).status) == 0 }, "status did not answer after slots freed up")
        #expect(E2E.poll(timeout: 10) { Self.tickerRuns(daemon) > freed }, "the 1 s task stopped firing")
        for client in idle { client.close() }
        // Every connection, turned away or not, is closed on the daemon's side too.
        #expect(E2E.poll(timeout: 10) { sockets() <= baseline }, "socket descriptors: \(baseline) before, \(sockets()) after")
    }
}
