import Foundation
import Synchronization
import Testing
import TestSupport

/// A hostile (or merely careless) client of the control socket, against the real daemon: what it
/// sends is answered, costs the daemon a bounded amount of memory and time, cannot lock operators
/// out, and never delays the 1-second task by much (docs/control-protocol.md, "Limits").
@Suite(.serialized) struct E2ESocketLimitsTests {
    /// A 1 s task to watch for lateness, and one whose runs each leave a 64 KiB output tail.
    static let config = E2E.header + E2E.ticker + """
            talker:
              command: ["/bin/sh", "-c", "yes 0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz | head -c 70000"]
              frequency: "1s"
              market_phase: any
              days: every_day

        """

    /// N connections that each send `{` and then a space every half second, reconnecting when cut
    /// off; it prints what the daemon answered them.
    static let slowClient = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Benchmarks/slow_client.py")

    /// Lateness bound for the 1 s task while a client misbehaves: behaviour, not a benchmark.
    static let latenessBoundMs = 2000.0

    /// The ticker's lateness (ms) of the runs started after the first `skip` ones.
    static func tickerLateness(_ daemon: DaemonHarness, after skip: Int) -> [Double] {
        LogScan.starts(of: "e2e_ticker", in: daemon.logPath).dropFirst(skip).compactMap { $0.value("lateness_ms").flatMap(Double.init) }
    }

    /// `echo '{"v":1,"cmd":"status"}' | socat - UNIX-CONNECT:...`: the client sends its lines and
    /// shuts its side down at once. Every line is answered, in order, then the daemon closes.
    @Test func halfClosedClientGetsEveryAnswerThenTheClose() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        for attempt in 1...5 {
            let client = try UnixStreamClient(path: daemon.socketPath)
            // The last line has no newline: at EOF it counts as a line too.
            #expect(client.send(Array(#"{"v":1,"id":1,"cmd":"status"}"#.utf8) + [10]
                + Array(#"{"v":1,"id":2,"cmd":"history","limit":1}"#.utf8) + [10]
                + Array(#"{"v":1,"id":3,"cmd":"tasks"}"#.utf8)))
            client.shutdownWrite()
            var ids: [Int] = []
            while case .line(let line) = client.readLine() {
                let answer = try JSONText.object(line)
                #expect(answer["ok"] as? Bool == true, "\(line.prefix(200))")
                ids.append(answer["id"] as? Int ?? -1)
            }
            #expect(ids == [1, 2, 3], "attempt \(attempt): answers \(ids)")
            #expect(client.readLine(timeout: 0) == .closed)
            client.close()
        }
    }

    /// A reader sends thousands of large history requests on one connection and never reads. The
    /// daemon stops reading it (the client's sends stall), its memory stays bounded, operators get
    /// `status` promptly, and once the client is gone the daemon goes quiet at once.
    @Test func aClientThatNeverReadsCannotQueueWork() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        let pid = daemon.pid
        // Runs with 64 KiB tails: each history answer below is at least 1.3 MB.
        #expect(waitUntil(timeout: 60, interval: 0.5) { (try? daemon.runs(of: "talker", limit: 30).count) ?? 0 >= 20 },
                "the talker did not run 20 times")
        let ticksBefore = LogScan.starts(of: "e2e_ticker", in: daemon.logPath).count
        let rssBefore = ProcessProbe.residentKiB(pid) ?? 0

        let attacker = try UnixStreamClient(path: daemon.socketPath)
        var requests: [UInt8] = []
        let count = 50_000
        for id in 1...count {
            requests += Array(#"{"v":1,"id":\#(id),"cmd":"history","limit":10000,"output":true}"#.utf8) + [10]
        }
        var sent = 0
        var peakKiB = 0
        var statusSeconds: [Double] = []
        let attackEnds = Date().addingTimeInterval(20)
        while Date() < attackEnds {
            sent += attacker.send(Array(requests[sent...]), within: 0.5)
            peakKiB = max(peakKiB, ProcessProbe.residentKiB(pid) ?? 0)
            let started = Date()
            let status = try daemon.v6ctl(["status"])
            statusSeconds.append(Date().timeIntervalSince(started))
            #expect(status.status == 0, "v6ctl status under attack: \(status.stderr)")
        }
        // What it sent beyond a few requests waits in the socket buffers, not in the daemon.
        #expect(sent < requests.count / 2, "the daemon read \(sent) of \(requests.count) bytes of requests from a client that reads nothing")

        // The client leaves; what it asked for is dropped, not worked through: the daemon soon
        // uses less than a fifth of a core.
        attacker.close()
        var cpuUsed = 0.0
        var quiet = false
        for _ in 0..<10 where !quiet {
            // CPU time used over the next second (a rate needs a span of time to measure).
            let before = ProcessProbe.cpuSeconds(pid) ?? 0
            Thread.sleep(forTimeInterval: 1)
            cpuUsed = (ProcessProbe.cpuSeconds(pid) ?? 0) - before
            quiet = cpuUsed < 0.2
        }
        #expect(quiet, "the daemon still used \(cpuUsed) s of CPU a second, 10 s after the client left")
        let lateness = Self.tickerLateness(daemon, after: ticksBefore)
        #expect(!lateness.isEmpty)
        #expect((lateness.max() ?? 0) < Self.latenessBoundMs, "ticker lateness under attack: max \(lateness.max() ?? 0) ms")
        // One answer in flight (a page of at most 4 MiB, and its encoding), not one per request read.
        #expect(peakKiB - rssBefore < 64 * 1024, "daemon RSS grew from \(rssBefore / 1024) MB to \(peakKiB / 1024) MB")
        #expect((statusSeconds.max() ?? 0) < 5, "v6ctl status took up to \(statusSeconds.max() ?? 0) s under attack")
        print(String(format: "FIGURE: never-reading client: sent %d of %d bytes; daemon RSS %d -> peak %d MB; status max %.2f s; ticker lateness max %.0f ms; CPU after it left %.2f s/s",
                     sent, requests.count, rssBefore / 1024, peakKiB / 1024, statusSeconds.max() ?? 0, lateness.max() ?? 0, cpuUsed))
    }

    /// A line must be complete 10 s after its first byte: a byte now and then does not keep it open.
    @Test func aTricklingLineIsCutOffAtItsDeadline() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        let client = try UnixStreamClient(path: daemon.socketPath)
        let started = Date()
        #expect(client.send(Array("{".utf8)))
        var answer: UnixStreamClient.ReadResult = .timeout
        while Date().timeIntervalSince(started) < 30 {
            answer = client.readLine(timeout: 1)
            guard answer == .timeout else { break }
            client.send(Array(" ".utf8))
        }
        let elapsed = Date().timeIntervalSince(started)
        guard case .line(let line) = answer else { Issue.record("no answer after \(elapsed) s: \(answer)"); return }
        #expect(JSONText.errorCode(line) == "request_timeout", "\(line)")
        #expect(elapsed >= 9 && elapsed < 20, "cut off after \(elapsed) s")
        #expect(client.waitForClose(timeout: 5))
    }

    /// 64 slow connections from four other users (the most they may hold: 16 each, and not the 8
    /// slots kept for root and the control group), reconnecting as soon as they are cut off: root
    /// still gets `status` at once, every time, and the 1 s task stays on time.
    @Test func slowConnectionsFromOtherUsersDoNotLockOutRoot() throws {
        guard getuid() == 0 else {
            print("SKIP slowConnectionsFromOtherUsersDoNotLockOutRoot: needs root (it connects as four other uids with setpriv)")
            return
        }
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        // Other users may connect: the folder is traversable and the socket writable by all.
        chmod(daemon.directory.path, 0o755)
        chmod(daemon.socketPath, 0o666)
        // The benchmark's slow client (Tests/Benchmarks/slow_client.py), copied where the other uids can read it.
        let script = try daemon.directory.write("slow.py", try String(contentsOf: Self.slowClient, encoding: .utf8), mode: 0o755)
        let ticksBefore = LogScan.starts(of: "e2e_ticker", in: daemon.logPath).count
        let seconds = 25
        var attackers: [Process] = []
        var outputs: [Pipe] = []
        for uid in 60_001...60_004 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "/usr/bin/python3", script,
                                 daemon.socketPath, "16", String(seconds)]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            attackers.append(process)
            outputs.append(pipe)
        }
        defer { for process in attackers where process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Until the attackers hold their slots.
        #expect(E2E.poll(timeout: 10) { ProcFS.descriptors(of: daemon.pid).filter { $0.hasPrefix("socket:") }.count >= 56 })

        var statusSeconds: [Double] = []
        let attackEnds = Date().addingTimeInterval(Double(seconds) - 3)
        while Date() < attackEnds {
            let started = Date()
            let status = try daemon.v6ctl(["status"])
            statusSeconds.append(Date().timeIntervalSince(started))
            #expect(status.status == 0, "root's v6ctl status under attack: exit \(status.status): \(status.stderr)")
            Thread.sleep(forTimeInterval: 0.5)
        }
        var reports: [String] = []
        for (process, pipe) in zip(attackers, outputs) {
            process.waitUntilExit()
            reports.append(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        // Each attacker held its connections until their line deadlines cut them off.
        #expect(reports.allSatisfy { $0.contains("request_timeout=") && !$0.contains("request_timeout=0 ") }, "\(reports)")
        let lateness = Self.tickerLateness(daemon, after: ticksBefore)
        #expect((lateness.max() ?? 0) < Self.latenessBoundMs, "ticker lateness under attack: max \(lateness.max() ?? 0) ms")
        #expect((statusSeconds.max() ?? 0) < 5, "root's v6ctl status took up to \(statusSeconds.max() ?? 0) s")
        print(String(format: "FIGURE: 64 slow connections: root status %d/%d ok, max %.2f s; ticker lateness max %.0f ms; attackers: %@",
                     statusSeconds.count, statusSeconds.count, statusSeconds.max() ?? 0, lateness.max() ?? 0,
                     reports.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: " | ")))
    }

    /// SIGTERM while clients keep asking for large histories: the daemon stops cleanly (exit 0),
    /// never touching the run database after it closed it.
    @Test func stopDuringHistoryQueriesExitsCleanly() throws {
        let daemon = try DaemonHarness(config: Self.config)
        for round in 1...6 {
            try daemon.start()
            #expect(waitUntil(timeout: 30, interval: 0.5) { (try? daemon.runs(of: "talker", limit: 20).count) ?? 0 >= 5 })
            let clients = try (0..<15).map { _ in try UnixStreamClient(path: daemon.socketPath) }
            let asking = DispatchGroup()
            let answers = Atomic<Int>(0)
            for client in clients {
                DispatchQueue.global().async(group: asking) {
                    for id in 1...10_000 {
                        guard client.sendLine(#"{"v":1,"id":\#(id),"cmd":"history","task":"talker","limit":3,"output":\#(id % 2 == 0)}"#),
                              case .line = client.readLine(timeout: 20) else { return }
                        answers.add(1, ordering: .relaxed)
                    }
                }
            }
            // Stop while the queries pile up on the daemon.
            #expect(waitUntil(timeout: 30) { answers.load(ordering: .relaxed) >= 2 * clients.count },
                    "round \(round): \(answers.load(ordering: .relaxed)) answers")
            let status = daemon.stop(signal: SIGTERM)
            #expect(status == 0, "round \(round): exit status \(status)\n\(daemon.log.suffix(2000))")
            for client in clients { client.close() }
            asking.wait()
            guard status == 0 else { return }
        }
    }
}
