import Foundation
import Testing
import TestSupport

/// Metrics end to end: `v6ctl metrics` passes `promtool check metrics`, docs/alerts.yml passes
/// `promtool check rules`, a real Prometheus scrapes the exposition, and each run's CPU time and
/// peak memory (wait4's rusage) reach the history and the gauges.
@Suite(.serialized) struct E2EMetricsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `promtool` from Debian's prometheus package (make test-deps installs it).
    static func promtool(_ arguments: [String], stdin: String? = nil) throws -> CommandResult {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") else {
            throw HarnessError("promtool is missing: run make test-deps (Debian's prometheus package)")
        }
        guard let stdin else { return try Command.run("/usr/bin/promtool", arguments) }
        let dir = try TemporaryDirectory("v6promtool")
        let input = try dir.write("input.prom", stdin)
        return try Command.run("/bin/sh", ["-c", "exec /usr/bin/promtool \"$@\" < \"$0\"", input] + arguments)
    }

    static let config = E2E.header.replacingOccurrences(of: "  tasks:\n", with: """
          tasks:
            crunch:
              # About half a second of CPU and a 64 MiB buffer touched page by page.
              command: ["python3", "-c", "import time\\nb = bytearray(64 * 1024 * 1024)\\nfor i in range(0, len(b), 4096): b[i] = 1\\nt = time.process_time()\\nwhile time.process_time() - t < 0.5: pass"]
              at: "03:00"
              days: every_day
            tick:
              command: ["true"]
              frequency: 2s
              timeout_seconds: 1
              days: every_day

        """)

    @Test func eachRunsCostIsRecorded() throws {
        let daemon = try DaemonHarness(config: Self.config, label: "v6cost")
        try daemon.start()
        defer { daemon.stop() }
        let run = try daemon.v6ctl(["run-now", "crunch", "--wait", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let last = try #require(try daemon.runs(of: "crunch").first)
        let cpu = try #require(last["cpu_ms"] as? Int)
        let rss = try #require(last["max_rss_bytes"] as? Int)
        #expect(cpu >= 450 && cpu < 5000, "cpu_ms \(cpu)")
        #expect(rss >= 64 * 1024 * 1024 && rss < 1024 * 1024 * 1024, "max_rss_bytes \(rss)")
        let table = try daemon.v6ctl(["history", "crunch"]).stdout
        #expect(table.contains("PEAK RSS"), "\(table)")
        let metrics = try daemon.v6ctl(["metrics"]).stdout
        let gauge = metrics.split(separator: "\n").first { $0.hasPrefix(#"v6_task_max_rss_bytes{task="crunch"}"#) }
        #expect(gauge.flatMap { Double($0.split(separator: " ").last ?? "") } == Double(rss))
        #expect(metrics.contains(#"v6_task_cpu_seconds{task="crunch"}"#))
    }

    @Test func promtoolAcceptsTheExpositionAndTheRules() throws {
        let daemon = try DaemonHarness(config: Self.config, label: "v6prom")
        try daemon.start()
        defer { daemon.stop() }
        _ = try daemon.waitForRuns(of: "tick", count: 1)
        _ = try daemon.v6ctl(["run-now", "crunch", "--wait"])
        _ = try daemon.v6ctl(["reload"])
        _ = try daemon.v6ctl(["nosuchcommand"])
        let metrics = try daemon.v6ctl(["metrics"])
        #expect(metrics.status == 0)
        let check = try Self.promtool(["check", "metrics"], stdin: metrics.stdout)
        #expect(check.status == 0, "promtool check metrics: \(check.stdout)\(check.stderr)\n\(metrics.stdout)")
        for name in ["v6_task_runs_total", "v6_task_duration_seconds", "v6_task_lateness_seconds", "v6_task_last_success_timestamp_seconds",
                     "v6_task_next_run_timestamp_seconds", "v6_task_running", "v6_task_enabled", "v6_market_phase", "v6_trading_day",
                     "v6_config_reloads_total", "v6_control_requests_total", "v6_build_info", "v6_task_cpu_seconds", "v6_task_max_rss_bytes"] {
            #expect(metrics.stdout.contains("# TYPE \(name) "), "\(name) missing")
        }
        #expect(metrics.stdout.contains(#"v6_task_runs_total{task="crunch",outcome="success"} 1"#)
                || metrics.stdout.contains(#"v6_task_runs_total{outcome="success",task="crunch"} 1"#), "\(metrics.stdout)")
        #expect(metrics.stdout.contains(#"v6_config_reloads_total{result="success"} 1"#))
        #expect(metrics.stdout.contains(#"v6_control_requests_total{command="reload",result="ok"} 1"#))
        let rules = try Self.promtool(["check", "rules", Self.repository.appendingPathComponent("docs/alerts.yml").path])
        #expect(rules.status == 0, "promtool check rules: \(rules.stdout)\(rules.stderr)")
    }

    @Test func aRealPrometheusScrapesTheMetrics() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus") else {
            throw HarnessError("prometheus is missing: run make test-deps (Debian's prometheus package)")
        }
        let daemon = try DaemonHarness(config: Self.config, label: "v6scrape")
        try daemon.start()
        defer { daemon.stop() }
        _ = try daemon.waitForRuns(of: "tick", count: 1)
        let dir = daemon.directory
        let bridge = try ScrapeBridge(daemon: daemon)
        defer { bridge.stop() }
        let promPort = AlertSink.refusedPort()
        try dir.write("prometheus.yml", """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: v6-scheduler
                static_configs:
                  - targets: ["127.0.0.1:\(bridge.port)"]
            """)
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = ["--config.file=\(dir.file("prometheus.yml"))", "--storage.tsdb.path=\(dir.file("tsdb"))",
                                "--web.listen-address=127.0.0.1:\(promPort)", "--log.level=warn"]
        let log = dir.file("prometheus.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        prometheus.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        prometheus.standardError = prometheus.standardOutput
        try prometheus.run()
        defer {
            kill(prometheus.processIdentifier, SIGTERM)
            prometheus.waitUntilExit()
        }
        var answer: [String: Any] = [:]
        let found = E2E.poll(timeout: 60, interval: 0.5) {
            // Python's urllib: Foundation on Linux has no HTTP without FoundationNetworking.
            let query = "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())"
            guard let fetched = try? Command.run("/usr/bin/env", ["python3", "-c", query,
                                                                 "http://127.0.0.1:\(promPort)/api/v1/query?query=v6_task_runs_total"]),
                  fetched.status == 0, let object = try? JSONText.object(fetched.stdout) else { return false }
            answer = object
            let result = (object["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
            return result.contains { ($0["metric"] as? [String: String])?["task"] == "tick" }
        }
        #expect(found, "Prometheus answered \(answer); its log: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(answer["status"] as? String == "success")
    }
}

/// `Tests/Support/metrics_bridge.py`: a scrape target serving `v6ctl metrics` (what the
/// dashboard's /metrics serves), stopped by pid.
final class ScrapeBridge {
    let port: Int
    private let process: Process

    init(daemon: DaemonHarness) throws {
        let script = E2EMetricsTests.repository.appendingPathComponent("Tests/Support/metrics_bridge.py").path
        let portFile = daemon.directory.file("bridge.port")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--v6ctl", Command.path(of: "v6ctl"), "--socket", daemon.socketPath, "--port-file", portFile]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        var port: Int?
        E2E.poll(timeout: 20) {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            return port != nil || !process.isRunning
        }
        guard let port else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw HarnessError("metrics_bridge.py did not start")
        }
        self.port = port
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        E2E.poll(timeout: 5, interval: 0.02) { !process.isRunning }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
