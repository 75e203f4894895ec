import ControlProtocol
import DashboardServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The dashboard against a real daemon over its real control socket, and the real executable.
@Suite(.serialized) struct RealDaemonTests {
    /// A daemon in the test's folder, with a log file (the Logs page and its tail read it).
    static let header = """
        scheduler:
          working_directory: "{{DIR}}"
          state_directory: "{{DIR}}/state"
          control_socket: "{{DIR}}/control.sock"
          log_directory: "{{DIR}}/logs"
          tasks:

        """

    static let config = RealDaemonTests.header + """
            noisy:
              command: ["/bin/sh", "-c", "echo 'line one'; echo '<script>alert(1)</script>'; echo 'to stderr' >&2; exit 0"]
              at: "03:00"
              days: every_day
            quiet:
              command: ["/bin/true"]
              at: "04:00"
              days: every_day
        """

    @Test func actionsReachTheDaemonAndTheDaemonDownIs503ThenBack() async throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        let dashboard = Dashboard(gateway: SocketGateway(socketPath: daemon.socketPath), credentials: Credentials(token: RouterHarness.token))
        let app = Application(router: dashboard.router())
        try await app.test(.router) { client in
            let browser = try await Browser.signIn(client)
            let today = try await browser.get(client, "/")
            #expect(today.status == .ok)
            #expect(today.text.contains("id=\"task-noisy\"") && today.text.contains("id=\"task-quiet\""))
            #expect(!today.text.contains("banner readonly"))  // the test runs as the daemon's own user
            #expect(try await browser.post(client, "/tasks/quiet/disable").status == .seeOther)
            let list = try daemon.v6ctl(["list"])
            #expect(list.stdout.split(separator: "\n").contains { $0.hasPrefix("quiet") && $0.contains("no") })
            // Both tasks are in the table though status lists only the disabled one: the table is a page
            // of the daemon's tasks; its counts and filter are the daemon's too.
            let counted = try await browser.get(client, "/").text
            #expect(counted.contains(">2 tasks</a>") && counted.contains(">1 disabled</a>") && counted.contains("id=\"task-noisy\""))
            let disabled = try await browser.get(client, "/?q=disabled").text
            #expect(disabled.contains("id=\"task-quiet\"") && !disabled.contains("id=\"task-noisy\""))
            // The daemon records whom the change was for (on_behalf_of), beside the dashboard's own peer:
            // in its log line and in the toggle's set_by.
            #expect(daemon.waitForLog(" for dashboard"))
            #expect(daemon.log.range(of: #"disabled by uid \#(getuid()) pid [0-9]+ for dashboard"#, options: .regularExpression) != nil)
            let setBy = try Command.run("/usr/bin/env", ["python3", "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("
                + "\"select set_by from toggles where task = 'quiet'\").fetchone()[0])", daemon.stateDirectory + "/state.db"])
            #expect(setBy.stdout.range(of: #"^uid \#(getuid()) pid [0-9]+ for dashboard\n$"#, options: .regularExpression) != nil, "\(setBy.stdout)\(setBy.stderr)")
            // Run a task and watch its output and outcome arrive.
            let start = try await browser.post(client, "/tasks/noisy/run")
            let live = try #require(start.headers[.location])
            let events = try await browser.get(client, live + "/events").text
            #expect(events.contains(#""text":"line one""#))
            #expect(events.contains(#""stream":"stderr","text":"to stderr""#))
            #expect(events.contains(#"event: final"#) && events.contains(#""outcome":"success""#))
            let runID = try #require(events.components(separatedBy: #""run_id":""#).last?.prefix { $0.isNumber })
            let run = try await browser.get(client, "/runs/\(runID)").text
            #expect(run.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !run.contains("<script>alert"))
            // The Timeline's ticks are the daemon's own plan (`plan`): quiet at 04:00, noisy at 03:00.
            let timeline = try await browser.get(client, "/timeline?date=2026-12-02").text
            #expect(timeline.contains("<title>planned 04:00</title>") && timeline.contains("<title>planned 03:00</title>"))
            for path in ["/timeline", "/tasks/noisy", "/history?task=noisy", "/logs", "/metrics"] {
                #expect(try await browser.get(client, path).status == .ok, "\(path)")
            }
            #expect(try await browser.get(client, "/logs?task=noisy").text.contains("line one"))
            // The daemon goes away: a clear page, not a crash; then it comes back.
            #expect(daemon.stop() == 0)
            let down = try await browser.get(client, "/")
            #expect(down.status == .serviceUnavailable)
            #expect(down.text.contains("is v6-scheduler running?"))
            try daemon.start()
            #expect(try await browser.get(client, "/").status == .ok)
        }
    }

    @Test func theFormsChangeTheRunningConfigurationForTheSignedInUser() async throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        let dashboard = Dashboard(gateway: SocketGateway(socketPath: daemon.socketPath),
                                  credentials: Credentials(token: RouterHarness.token, apiKeys: [RouterHarness.readKey: ("scraper", .readOnly)]))
        try await Application(router: dashboard.router()).test(.router) { client in
            let browser = try await Browser.signIn(client)
            // A bad value: the daemon's checker's message beside its field, what was typed kept, nothing added.
            let bad = try await browser.post(client, "/tasks/new", [("name", "added"), ("command", "/bin/echo added"), ("at", "25:00")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains(#"id="at-error" role="alert">&quot;25:00&quot; is out of range (hours 00-23, minutes and seconds 00-59)</span>"#))
            #expect(bad.text.contains(#"name="at" type="text" value="25:00""#))
            #expect(try daemon.v6ctl(["list"]).stdout.contains("added") == false)
            // A good one is in v6ctl list, and the audit names the dashboard's user.
            let good = try await browser.post(client, "/tasks/new", [("name", "added"), ("command", "/bin/echo added"), ("at", "05:00"), ("days", "every_day")])
            #expect(good.status == .seeOther)
            #expect(try daemon.v6ctl(["list"]).stdout.split(separator: "\n").contains { $0.hasPrefix("added") })
            #expect(try daemon.v6ctl(["audit", "--json"]).stdout.contains(#""on_behalf_of":"dashboard""#))
            // Its page says where each value comes from; the edit form changes the timeout.
            let page = try await browser.get(client, "/tasks/added").text
            #expect(page.range(of: #"<tr><th>at</th><td><code>\[&quot;05:00&quot;\]</code></td><td class="source">[^<]*90-runtime\.yaml:[0-9]+</td></tr>"#,
                               options: .regularExpression) != nil)
            #expect(page.contains(#"<tr><th>retries</th><td><code>0</code></td><td class="source">default</td></tr>"#))
            let revision = try #require(page.components(separatedBy: #"name="revision" value=""#).dropFirst().first?.prefix { $0 != "\"" })
            let edit = try await browser.post(client, "/tasks/added/edit", [("revision", String(revision)), ("timeout_seconds", "2min")])
            #expect(edit.status == .seeOther)
            #expect(try daemon.v6ctl(["show", "added"]).stdout.contains("120"))
            // The same revision again is stale now: the page says so and keeps what was typed.
            let stale = try await browser.post(client, "/tasks/added/edit", [("revision", String(revision)), ("retries", "2")])
            #expect(stale.status == .conflict)
            #expect(stale.text.contains("The configuration changed while this form was open") && stale.text.contains(#"name="retries" type="text" value="2""#))
            // Settings.
            #expect(try await browser.post(client, "/settings", [("enable_holiday_check", "true"), ("enable_logging", "false")]).status == .seeOther)
            #expect(try daemon.v6ctl(["config", "show"]).stdout.contains("enable_logging: false"))
            // A scraper's /metrics is the daemon's own exposition.
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(RouterHarness.readKey)"])
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text.contains(#"v6_task_enabled{task="added"} 1"#), "\(metrics.text)")
        }
    }

    @Test func theExecutablePrintsOneLineAndServesHealthz() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        let dashboard = try DashboardProcess(socket: daemon.socketPath, directory: daemon.directory)
        defer { _ = dashboard.stop() }
        #expect(dashboard.line.range(of: #"^dashboard: http://127\.0\.0\.1:[0-9]+/\?token=[A-Za-z0-9_-]{43}$"#, options: .regularExpression) != nil, "\(dashboard.line)")
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.directory.file("token"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try dashboard.request("/healthz").status == 200)
        #expect(try dashboard.request("/").status == 303)
        let login = try dashboard.request("/?token=\(dashboard.token)")
        #expect(login.text.contains("Set-Cookie: v6_session="))
        // Header lines are bounded.
        let huge = try dashboard.request("/healthz", headers: ["X-Pad: " + String(repeating: "a", count: 20_000)])
        #expect(huge.status == 431 || huge.status == 400 || huge.status == 0)
        #expect(try dashboard.request("/healthz").status == 200)  // and the server is still there
        #expect(dashboard.stop() == 0)
    }

    @Test func badArgumentsExitWithTheirCodes() throws {
        let directory = try TemporaryDirectory("v6dash")
        let usage = try Command.run("v6-dashboard", ["--listen", "nowhere"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--listen: 'nowhere' is not ADDR:PORT"))
        _ = try directory.write("token", "short\n")
        let token = try Command.run("v6-dashboard", ["--token-file", directory.file("token")])
        #expect(token.status == 1)
        #expect(token.stderr.contains("token must be at least 16"))
        _ = try directory.write("keys", "ci operator short\n")
        let keys = try Command.run("v6-dashboard", ["--token-file", directory.file("token2"), "--api-keys", directory.file("keys")])
        #expect(keys.status == 1)
        #expect(keys.stderr.contains("keys:1: the key of ci is too short"))
    }
}

/// Streams under stress: stalled browsers, the log tail.
@Suite(.serialized) struct StreamTests {
    static let config = RealDaemonTests.header + """
            flood:
              command: ["/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo \\"line $i of a flood of output that fills buffers quickly ......................................................................\\"; i=$((i+1)); done; echo flood-done"]
              at: "03:00"
              days: every_day
              timeout_seconds: 120
            marker:
              command: ["/bin/echo", "tail-marker"]
              at: "03:00"
              days: every_day
        """

    @Test func stalledBrowsersSlowNeitherTheDaemonNorOtherViewers() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        let dashboard = try DashboardProcess(socket: daemon.socketPath, directory: daemon.directory)
        defer { _ = dashboard.stop() }
        let (cookie, csrf) = try dashboard.signIn()
        let start = try dashboard.request("/tasks/flood/run", method: "POST",
                                          headers: ["Cookie: \(cookie)", "Content-Type: application/x-www-form-urlencoded"], body: "csrf=\(csrf)")
        let live = try #require(start.text.components(separatedBy: "Location: ").dropFirst().first?.components(separatedBy: "\r\n").first)
        // Three browsers that open the run's stream and never read it.
        let stalled = try (0..<3).map { _ in try dashboard.open("GET", live + "/events", headers: ["Cookie: \(cookie)"]) }
        defer { stalled.forEach { close($0) } }
        // The run still ends (the daemon's stream to the dashboard never backs up)...
        let ended = E2EPoll.until(timeout: 60) {
            let history = try? daemon.v6ctl(["history", "flood", "--limit", "1"])
            return history?.stdout.contains("success") == true
        }
        #expect(ended)
        // ...and another viewer gets the whole story, and the dashboard answers at once.
        let viewer = try dashboard.open("GET", live + "/events", headers: ["Cookie: \(cookie)"])
        defer { close(viewer) }
        #expect(dashboard.read(viewer, until: "event: final"))
        #expect(try dashboard.request("/healthz").status == 200)
    }

    @Test func theLogTailShowsNewLines() throws {
        let daemon = try DaemonHarness(config: Self.config)
        try daemon.start()
        defer { daemon.stop() }
        let dashboard = try DashboardProcess(socket: daemon.socketPath, directory: daemon.directory)
        defer { _ = dashboard.stop() }
        let (cookie, _) = try dashboard.signIn()
        let tail = try dashboard.open("GET", "/logs/events?task=marker", headers: ["Cookie: \(cookie)"])
        defer { close(tail) }
        #expect(dashboard.read(tail, until: "retry: 2000"))  // the stream is open before the line is written
        #expect(try daemon.v6ctl(["run-now", "marker", "--wait"]).status == 0)
        #expect(dashboard.read(tail, until: #""text":"tail-marker"#))
        close(tail)
        #expect(dashboard.stop() == 0)  // an open log tail does not hold the shutdown up
    }
}

/// Polling for an outcome with a deadline (never a fixed sleep).
enum E2EPoll {
    static func until(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}
