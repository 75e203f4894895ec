import Foundation
import Testing
import TestSupport

/// Alerts end to end: a real daemon, real task processes, local stand-ins for the services.
@Suite(.serialized) struct E2EAlertTests {
    /// Webhook bodies recorded at `path`, decoded.
    static func bodies(_ sink: AlertSink, _ path: String) -> [[String: Any]] {
        sink.records(path: path).compactMap { try? JSONText.object($0["body"] as? String ?? "") }
    }

    @Test func aFailureStreakAlertsOnceThenRecovered() throws {
        let dir = try TemporaryDirectory("v6streak")
        let sink = try AlertSink("http", ["--secret", "hook-key-1"], in: dir, name: "hook")
        defer { sink.stop() }
        let daemon = try DaemonHarness(config: E2E.header.replacingOccurrences(of: "  tasks:\n", with: """
              notify_default: [desk]
              notify:
                desk:
                  type: webhook
                  url: "\(sink.url("/webhook"))"
                  secret: env:HOOK_SECRET
                  events: [failed, recovered, daemon]
              tasks:
                flaky:
                  command: ["sh", "-c", "echo checking; test -f {{DIR}}/ok || { echo 'upstream feed missing' >&2; exit 1; }"]
                  frequency: 1s
                  days: every_day
                  timeout_seconds: 1

            """), label: "v6streak")
        try daemon.start(environment: ["HOOK_SECRET": "hook-key-1"])
        defer { daemon.stop() }
        #expect(E2E.poll(timeout: 20) { ((try? daemon.finishedRuns(of: "flaky")) ?? []).filter { $0["outcome"] as? String == "failed" }.count >= 4 })
        try "".write(toFile: daemon.directory.file("ok"), atomically: true, encoding: .utf8)
        #expect(E2E.poll(timeout: 20) { Self.bodies(sink, "/webhook").contains { $0["event"] as? String == "recovered" } })
        let events = Self.bodies(sink, "/webhook").map { $0["event"] as? String ?? "" }
        // The start notice, one alert for the whole streak, then recovered.
        #expect(events == ["daemon", "failed", "recovered"], "\(events)")
        let bodies = Self.bodies(sink, "/webhook")
        let failed = try #require(bodies.first { $0["event"] as? String == "failed" })
        #expect(failed["task"] as? String == "flaky")
        #expect(failed["exit_code"] as? Int == 1)
        #expect((failed["output_tail"] as? [String])?.contains("upstream feed missing") == true)
        #expect((failed["cpu_seconds"] as? Double).map { $0 >= 0 } == true)
        let recovered = try #require(bodies.first { $0["event"] as? String == "recovered" })
        #expect((recovered["failures"] as? Int ?? 0) >= 4)
        #expect(sink.records(path: "/webhook").allSatisfy { $0["signature_ok"] as? Bool == true })
        // The suppressed repeats are counted.
        var metrics = ""
        #expect(E2E.poll {
            metrics = (try? daemon.v6ctl(["metrics"]).stdout) ?? ""
            return metrics.contains(#"v6_notifications_total{channel="desk",result="sent"} 3"#)
        }, "\(metrics)")
        #expect(metrics.contains(#"v6_notifications_total{channel="desk",result="suppressed"}"#))
    }

    @Test func deadEndpointsNeverDelayTheSchedule() throws {
        let dir = try TemporaryDirectory("v6dead")
        let sink = try AlertSink("http", in: dir, name: "dead")
        defer { sink.stop() }
        let refused = AlertSink.refusedPort()
        let fast = "retries: 2\n      retry_backoff_seconds: 1\n      timeout_seconds: 2\n      events: [failed, recovered, retrying, missed, daemon]"
        let daemon = try DaemonHarness(config: E2E.header.replacingOccurrences(of: "  tasks:\n", with: """
              notify_repeat: 1s
              notify:
                hanging:
                  type: webhook
                  url: "\(sink.url("/hang"))"
                  \(fast)
                failing:
                  type: slack
                  url: "\(sink.url("/status/500"))"
                  \(fast)
                limited:
                  type: discord
                  url: "\(sink.url("/retry-after/1"))"
                  \(fast)
                refusing:
                  type: webhook
                  url: "http://127.0.0.1:\(refused)/hook"
                  \(fast)
              tasks:
                tick:
                  command: ["true"]
                  timeout_seconds: 1
                  frequency: 1s
                  days: every_day
                  notify: []
                broken:
                  command: ["false"]
                  timeout_seconds: 1
                  frequency: 1s
                  days: every_day
                  notify: [hanging, failing, limited, refusing]

            """), label: "v6dead")
        try daemon.start()
        defer { daemon.stop() }
        // Every second `broken` fails and (notify_repeat 1s) raises an alert on four dead endpoints.
        #expect(daemon.waitForLog("alert to refusing given up after 3 attempt(s)", timeout: 30), "\(daemon.log)")
        #expect(daemon.waitForLog("alert to failing given up after 3 attempt(s): HTTP 500: status 500", timeout: 30))
        #expect(daemon.waitForLog("alert to limited given up after 3 attempt(s): HTTP 429: slow down (Retry-After 1s)", timeout: 30))
        #expect(daemon.waitForLog("alert to hanging given up after 3 attempt(s): no answer within 2s", timeout: 40))
        #expect(sink.records(path: "/hang").count >= 3)
        #expect(sink.records(path: "/retry-after/1").count >= 3)
        // Meanwhile `tick` fired every second, each run starting within a second of its slot.
        _ = try daemon.waitForRuns(of: "tick", count: 15, timeout: 30)
        let ticks = try daemon.finishedRuns(of: "tick").filter { $0["trigger"] as? String == "schedule" }
        #expect(ticks.count >= 15, "\(ticks.count) ticks")
        let slots = ticks.compactMap { ($0["scheduled_at"] as? String).flatMap(Self.epoch) }
        let starts = ticks.compactMap { ($0["started_at"] as? String).flatMap(Self.epoch) }
        #expect(slots.count == ticks.count && starts.count == ticks.count,
                "runs without a slot or a start: \(ticks.filter { $0["scheduled_at"] == nil || $0["started_at"] == nil })")
        for (slot, start) in zip(slots, starts) { #expect(start - slot <= 1, "a tick started \(start - slot) s late") }
        for (a, b) in zip(slots, slots.dropFirst()) { #expect(b - a == 1, "a tick slot was skipped between \(a) and \(b)") }
        #expect(ticks.allSatisfy { $0["outcome"] as? String == "success" },
                "\(ticks.filter { $0["outcome"] as? String != "success" })")
    }

    static func epoch(_ iso: String) -> Int? {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: iso).map { Int($0.timeIntervalSince1970) }
    }

    @Test func secretsAreMaskedEverywhere() throws {
        let dir = try TemporaryDirectory("v6mask")
        let sink = try AlertSink("http", in: dir, name: "mask")
        defer { sink.stop() }
        let token = "XOXB-SECRET-9f8e7d"
        let yaml = E2E.header.replacingOccurrences(of: "  tasks:\n", with: """
              notify_default: [slack, hook, mail]
              notify:
                slack:
                  type: slack
                  url: "\(sink.url("/status/500/\(token)"))"
                  retries: 0
                hook:
                  type: webhook
                  url: env:HOOK_URL
                  secret: file:{{DIR}}/hook.secret
                  retries: 0
                mail:
                  type: email
                  host: localhost
                  port: \(AlertSink.refusedPort())
                  user: scheduler
                  password: env:SMTP_PASSWORD
                  from: scheduler@desk.example
                  to: ops@desk.example
                  retries: 0
              tasks:
                job:
                  command: ["sh", "-c", "echo hook url: ${HOOK_URL:-not in my environment}; exit 3"]
                  timeout_seconds: 1
                  frequency: 1s
                  days: every_day

            """)
        let daemon = try DaemonHarness(config: yaml, label: "v6mask")
        try daemon.directory.write("hook.secret", "HMAC-\(token)\n")
        let environment = ["HOOK_URL": sink.url("/webhook/\(token)"), "SMTP_PASSWORD": "pw-\(token)"]
        var seen: [String] = []
        // check-config: the summary and the warning about the literal URL.
        let check = try Command.run("v6-scheduler", ["check-config", "--config", daemon.configPath], environment: environment)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("slack") && check.stdout.contains("env:HOOK_URL") && check.stdout.contains("<hidden>"), "\(check.stdout)")
        seen += [check.stdout, check.stderr]
        // A config error in a secret value does not quote it.
        let bad = try daemon.directory.write("bad.yaml", yaml.replacingOccurrences(of: "{{DIR}}", with: daemon.directory.path)
            .replacingOccurrences(of: "url: \"\(sink.url("/status/500/\(token)"))\"", with: "url: \"ftp://\(token)\""))
        let rejected = try Command.run("v6-scheduler", ["check-config", "--config", bad], environment: environment)
        #expect(rejected.status == 2)
        #expect(rejected.stderr.contains("is not an http(s) URL (the value is not shown: it is a secret)"), "\(rejected.stderr)")
        seen += [rejected.stdout, rejected.stderr]
        try daemon.start(environment: environment)
        defer { daemon.stop() }
        #expect(daemon.waitForLog("alert to slack given up after 1 attempt(s)", timeout: 20), "\(daemon.log)")
        #expect(daemon.waitForLog("alert to mail given up after 1 attempt(s)", timeout: 20))
        #expect(E2E.poll { !sink.records(path: "/webhook/\(token)").isEmpty })
        for channel in ["slack", "hook", "mail"] {
            let test = try daemon.v6ctl(["notify", "test", channel])
            seen += [test.stdout, test.stderr]
        }
        let show = try daemon.v6ctl(["show", "job", "--output", "--json"])
        // The variables an env: secret names are not the tasks' to read.
        #expect(show.stdout.contains("hook url: not in my environment"), "\(show.stdout)")
        seen += [show.stdout, daemon.log, try daemon.v6ctl(["metrics"]).stdout]
        for text in seen { #expect(!text.contains(token), "a secret leaked into:\n\(text)") }
    }

    @Test func notifyTestReportsTheEndpointsAnswer() throws {
        let dir = try TemporaryDirectory("v6ntest")
        let sink = try AlertSink("http", in: dir, name: "ntest")
        defer { sink.stop() }
        let daemon = try DaemonHarness(config: E2E.header.replacingOccurrences(of: "  tasks:\n", with: """
              notify:
                good:
                  type: slack
                  url: "\(sink.url("/slack"))"
                bad:
                  type: discord
                  url: "\(sink.url("/status/403"))"
                unset:
                  type: webhook
                  url: env:V6_TEST_UNSET_URL
              tasks:
                job:
                  command: ["true"]
                  at: "03:00"

            """), label: "v6ntest")
        try daemon.start()
        defer { daemon.stop() }
        let good = try daemon.v6ctl(["notify", "test", "good"])
        #expect(good.status == 0)
        #expect(good.stdout == "good (slack): delivered: HTTP 200: ok\n")
        let texts = sink.records(path: "/slack").compactMap { try? JSONText.object($0["body"] as? String ?? "")["text"] as? String }
        #expect(texts.contains { $0.contains("test alert") }, "\(texts)")
        let bad = try daemon.v6ctl(["notify", "test", "bad"])
        #expect(bad.status == 1)
        #expect(bad.stderr == "v6ctl: bad (discord): not delivered: HTTP 403: status 403\n")
        let unset = try daemon.v6ctl(["notify", "test", "unset"])
        #expect(unset.status == 1)
        #expect(unset.stderr.contains("env:V6_TEST_UNSET_URL: V6_TEST_UNSET_URL is not set"), "\(unset.stderr)")
        let unknown = try daemon.v6ctl(["notify", "test", "godo"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "v6ctl: no channel named 'godo' in scheduler.notify (did you mean good?); channels: bad, good, unset [unknown_channel]\n")
    }
}
