import Foundation
import Testing
import TestSupport

/// `v6-scheduler export` as an operator runs it.
@Suite struct ExportCLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let production = repository.appendingPathComponent("config/production.yaml").path

    @Test func crontabToStdoutWithNotesOnStderr() throws {
        let result = try Command.run("v6-scheduler", ["export", "--config", Self.production, "--format", "crontab"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\nCRON_TZ=America/New_York\n"))
        #expect(result.stdout.contains("15 13,16 * * 1-5  cd /srv/trading-bot && /usr/local/bin/v6ctl gate --days trading --at close+15m"))
        let notes = result.stderr.split(separator: "\n")
        #expect(!notes.isEmpty)
        #expect(notes.allSatisfy { $0.hasPrefix("v6-scheduler export: not expressible in crontab: ") })
        #expect(notes.contains { $0.contains("final_data_collection: retries: 2: cron does not retry") })
        // Each note is also a comment in the output.
        #expect(result.stdout.contains("#   not expressible: retries: 2: cron does not retry"))
    }

    @Test func systemdIntoADirectory() throws {
        let dir = try TemporaryDirectory()
        let out = dir.file("units")
        let result = try Command.run("v6-scheduler", ["export", "--config", Self.production, "--format", "systemd", "--out", out, "--user", "v6-scheduler"])
        #expect(result.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files.count == 30)
        #expect(files.contains("v6-health_check.timer") && files.contains("v6-health_check.service"))
        let service = try String(contentsOfFile: out + "/v6-final_data_collection.service", encoding: .utf8)
        #expect(service.contains("\nType=exec\n"))
        #expect(service.contains("\nExecCondition=/usr/local/bin/v6ctl gate --check --days trading --at close+15m --tolerance 2h59m\n"))
        #expect(service.contains("\nRuntimeMaxSec=3600\n") && service.contains("\nRestartPreventExitStatus=2\n") && service.contains("\nUser=v6-scheduler\n"))
        let timer = try String(contentsOfFile: out + "/v6-final_data_collection.timer", encoding: .utf8)
        #expect(timer.contains("\nOnCalendar=Mon..Fri *-*-* 13,16:15:00 America/New_York\n"))
        #expect(timer.contains("\nAccuracySec=1s\n") && timer.contains("\nPersistent=false\n"))
    }

    @Test func kubernetesNeedsAnImage() throws {
        let missing = try Command.run("v6-scheduler", ["export", "--config", Self.production, "--format", "k8s"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "v6-scheduler: --format k8s needs --image (the container image that holds v6ctl and the tasks' programs)\n")
        let result = try Command.run("v6-scheduler", ["export", "--config", Self.production, "--format", "k8s", "--image", "bot:1",
                                                      "--namespace", "trading", "--label", "team=desk"])
        #expect(result.status == 0)
        #expect(result.stdout.components(separatedBy: "\nkind: CronJob\n").count == 16)
        #expect(result.stdout.contains("  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 60\n"))
        #expect(result.stdout.contains("command: [\"v6ctl\", \"gate\", \"--days\", \"trading\", \"--at\", \"close+15m\", \"--tolerance\", \"2h59m\", \"--\", \"python3\", \"scripts/final_data_collection.py\"]"))
    }

    @Test(arguments: [
        (["--format", "cron"], "v6-scheduler: "),
        (["--format", "k8s", "--image", "x", "--label", "team"], "--label: 'team' is not KEY=VALUE"),
    ])
    func badUsageIsExitTwo(_ extra: [String], _ fragment: String) throws {
        let result = try Command.run("v6-scheduler", ["export", "--config", Self.production] + extra)
        #expect(result.status == 2)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aBadConfigurationIsReportedAsForPlan() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("bad.yaml", "scheduler:\n  tasks:\n    x: {command: \"true\", at: \"25:00\"}\n")
        let result = try Command.run("v6-scheduler", ["export", "--config", path, "--format", "crontab"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.yaml:3: scheduler.tasks.x.at:"))
    }
}
