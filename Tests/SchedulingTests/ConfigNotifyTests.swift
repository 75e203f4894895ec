import Foundation
import Testing
import TestSupport
@testable import Scheduling

/// `scheduler.notify`, `notify_default`, `notify_repeat`, `dashboard_url` and tasks' `notify:`:
/// what loads, the exact messages of what does not, and that no message shows a secret.
@Suite struct ConfigNotifyTests {
    static let channels = """
        notify_default: [desk_slack, desk_mail]
        notify_repeat: 30min
        dashboard_url: "https://scheduler.desk.example/"
        notify:
          desk_slack:
            type: slack
            url: env:SLACK_WEBHOOK_URL
          desk_mail:
            type: email
            host: smtp.desk.example
            user: scheduler
            password: file:secrets/smtp
            from: scheduler@desk.example
            to: [ops@desk.example, risk@desk.example]
            events: [failed, recovered, daemon]
          audit_hook:
            type: webhook
            url: file:/run/credentials/v6-scheduler.service/hook_url
            secret: env:HOOK_SECRET
            timeout_seconds: 3
            retries: 2
            retry_backoff_seconds: 1
        """

    @Test func channelsLoadWithTheirDefaults() throws {
        let yaml = ConfigTest.task("command: \"true\"\nat: \"08:00\"", scheduler: Self.channels)
        let config = try #require(ConfigTest.load(yaml)).config
        #expect(config.notify.channels.map(\.name) == ["audit_hook", "desk_mail", "desk_slack"])
        #expect(config.notify.defaultChannels == ["desk_slack", "desk_mail"])
        #expect(config.notify.repeatSeconds == 1800)
        #expect(config.notify.dashboardURL == "https://scheduler.desk.example")
        let slack = try #require(config.notify.channel(named: "desk_slack"))
        #expect(slack.kind == .slack(url: .environment("SLACK_WEBHOOK_URL")))
        #expect(slack.events == [.failed, .recovered, .missed, .daemon])
        #expect(slack.timeoutSeconds == 10 && slack.retries == 4 && slack.retryBackoffSeconds == 2)
        let mail = try #require(config.notify.channel(named: "desk_mail"))
        #expect(mail.kind == .email(EmailSettings(host: "smtp.desk.example", port: 587, security: .starttls, user: "scheduler",
                                                  password: .file("/srv/app/config/secrets/smtp"), from: "scheduler@desk.example",
                                                  to: ["ops@desk.example", "risk@desk.example"])))
        #expect(mail.events == [.failed, .recovered, .daemon])
        let hook = try #require(config.notify.channel(named: "audit_hook"))
        #expect(hook.kind == .webhook(url: .file("/run/credentials/v6-scheduler.service/hook_url"), secret: .environment("HOOK_SECRET")))
        #expect(hook.timeoutSeconds == 3 && hook.retries == 2 && hook.retryBackoffSeconds == 1)
        #expect(config.task(named: "job")?.notify == ["desk_slack", "desk_mail"])
    }

    @Test func aTaskChoosesItsChannelsOrNone() throws {
        let scheduler = Self.channels + "\ntasks:\n  quiet:\n    command: \"true\"\n    at: \"09:00\"\n    notify: []\n"
            + "  loud:\n    command: \"true\"\n    at: \"09:00\"\n    notify: [audit_hook]\n"
        let yaml = "scheduler:\n" + ConfigTest.indent(scheduler, 2)
        let config = try #require(ConfigTest.load(yaml)).config
        #expect(config.task(named: "quiet")?.notify == [])
        #expect(config.task(named: "loud")?.notify == ["audit_hook"])
    }

    @Test func noNotifyKeysMeansNoChannels() throws {
        let config = try #require(ConfigTest.load(ConfigTest.task("command: \"true\"\nat: \"08:00\""))).config
        #expect(config.notify == NotifySettings())
        #expect(config.task(named: "job")?.notify == [])
    }

    @Test func emailPortFollowsSecurity() throws {
        for (security, port) in [("tls", 465), ("starttls", 587), ("none", 25)] {
            let yaml = ConfigTest.task("command: \"true\"\nat: \"08:00\"", scheduler: """
                notify:
                  mail:
                    type: email
                    host: relay.local
                    security: \(security)
                    from: a@b.example
                    to: c@d.example
                """)
            let config = try #require(ConfigTest.load(yaml)).config
            guard case .email(let settings)? = config.notify.channel(named: "mail")?.kind else {
                Issue.record("not an email channel")
                continue
            }
            #expect(settings.port == port)
            #expect(settings.to == ["c@d.example"])
        }
    }

    @Test(arguments: [
        ("type: sms\nurl: env:X", "config/test.yaml:4: scheduler.notify.c.type: \"sms\" is not a channel type (use one of slack, discord, webhook, email)"),
        ("url: env:X", "config/test.yaml:3: scheduler.notify.c: has no type (add type: slack, discord, webhook or email)"),
        ("type: slack", "config/test.yaml:3: scheduler.notify.c: has no url (add url: env:SLACK_WEBHOOK_URL, or file:PATH for a systemd credential)"),
        ("type: slack\nurl: env:9X", "config/test.yaml:5: scheduler.notify.c.url: env:9X: \"9X\" is not a variable name (letters, digits and _)"),
        ("type: slack\nurl: env:X\nhost: smtp", "config/test.yaml:6: scheduler.notify.c.host: applies only to type: email (this channel is type: slack; remove it)"),
        ("type: slack\nurl: env:X\nevents: [failed, recoverd]", "config/test.yaml:6: scheduler.notify.c.events: \"recoverd\" is not an event (did you mean recovered?)"),
        ("type: slack\nurl: env:X\ntimeout_seconds: 0", "config/test.yaml:6: scheduler.notify.c.timeout_seconds: 0 is out of range (from 1 to 300 seconds)"),
        ("type: slack\nurl: \"ftp://hooks.example/T000/B000/XXXXSECRETXXXX\"", "config/test.yaml:5: scheduler.notify.c.url: is not an http(s) URL (the value is not shown: it is a secret)"),
        ("type: email\nhost: h\nfrom: a@b\nto: nobody", "config/test.yaml:7: scheduler.notify.c.to: \"nobody\" is not an e-mail address (write name@domain)"),
        ("type: email\nhost: h\nfrom: a@b\nto: x@y\nuser: u", "config/test.yaml:8: scheduler.notify.c: user and password go together (write both, or neither for a relay without login)"),
        ("type: email\nhost: h\nfrom: a@b\nto: x@y\nuser: u\npassword: env:P\nsecurity: none", "config/test.yaml:10: scheduler.notify.c.security: none sends the password in clear text (use starttls or tls, or remove user and password)"),
    ])
    func badChannels(settings: String, expected: String) {
        let yaml = "scheduler:\n  notify:\n    c:\n" + ConfigTest.indent(settings, 6) + "  tasks:\n    job:\n      command: \"true\"\n      at: \"08:00\"\n"
        #expect(ConfigTest.errors(yaml) == [expected])
    }

    @Test func unknownChannelNamesAreReportedWithASuggestion() {
        let yaml = ConfigTest.task("command: \"true\"\nat: \"08:00\"\nnotify: [desk_slak]", scheduler: Self.channels)
        #expect(ConfigTest.errors(yaml) == [
            "config/test.yaml:28: scheduler.tasks.job.notify: \"desk_slak\" is not a channel of scheduler.notify (did you mean desk_slack?)",
        ])
        let defaults = ConfigTest.task("command: \"true\"\nat: \"08:00\"", scheduler: "notify_default: [pager]")
        #expect(ConfigTest.errors(defaults) == [
            "config/test.yaml:2: scheduler.notify_default: \"pager\" is not a channel of scheduler.notify (scheduler.notify defines no channels)",
        ])
    }

    @Test func aSecretWrittenInTheFileIsAcceptedWithAWarningThatDoesNotShowIt() throws {
        let secretURL = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX"
        let yaml = ConfigTest.task("command: \"true\"\nat: \"08:00\"", scheduler: "notify:\n  s:\n    type: slack\n    url: \"\(secretURL)\"")
        let loaded = try #require(ConfigTest.load(yaml))
        #expect(loaded.warnings.map(\.description) == [
            "config/test.yaml:5: scheduler.notify.s.url: is written in the file, readable by anyone who can read it (prefer env:NAME or file:PATH)",
        ])
        let channel = try #require(loaded.config.notify.channel(named: "s"))
        // Every way of printing the configuration masks it.
        for text in ["\(loaded.config)", String(describing: loaded.config), String(reflecting: loaded.config), dumped(loaded.config)] {
            #expect(!text.contains("XXXXSECRETXXXX"))
        }
        #expect("\(channel.kind)".contains("<hidden>"))
    }

    @Test func secretsResolveFromTheEnvironmentAndFilesWithoutShowingThem() throws {
        let dir = try TemporaryDirectory("v6secret")
        let path = try dir.write("smtp", "hunter2-very-secret\nsecond line ignored\n")
        let fromFile = try Secret.file(path).resolved(in: [:])
        #expect(fromFile.reveal() == "hunter2-very-secret")
        #expect("\(fromFile)" == "file:\(path)")
        let fromEnv = try Secret.environment("PW").resolved(in: ["PW": "s3cr3t-value"])
        #expect(fromEnv.reveal() == "s3cr3t-value")
        #expect(dumped(fromEnv).contains("env:PW") && !dumped(fromEnv).contains("s3cr3t"))
        #expect(fromEnv.redact("login failed for s3cr3t-value") == "login failed for env:PW")
        #expect(throws: SecretError.self) { try Secret.environment("MISSING").resolved(in: [:]) }
        do {
            _ = try Secret.file(dir.file("absent")).resolved(in: [:])
            Issue.record("an absent file resolved")
        } catch {
            #expect(error.description == "file:\(dir.file("absent")): cannot read \(dir.file("absent")): No such file or directory")
        }
    }

    private func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}
