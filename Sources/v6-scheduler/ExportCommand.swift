import ArgumentParser
import Foundation
import MarketCalendar
import ScheduleExport
import Scheduling

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the enabled tasks as Kubernetes CronJobs, systemd timers or a crontab, each run gated by v6ctl gate.",
        discussion: """
            Reads every configuration layer, as plan does. Each target fires at every time a task may run \
            (close+15m: at 13:15 and at 16:15), and v6ctl gate keeps the daemon's occurrences: holidays, early closes, \
            phases and days.

            What a target cannot express (retry backoff, overlap: queue, on_failure, max_concurrent_tasks, ...) is \
            written as a comment in the output and listed on stderr, one line each; the exit code is still 0.

            Without --out the files go to stdout (systemd: each unit after a "# ==> NAME <==" line). With --out DIR: \
            v6-cronjobs.yaml (k8s), v6-TASK.timer and v6-TASK.service (systemd), v6-scheduler.crontab (crontab).

            Examples:
              v6-scheduler export --config /etc/v6-scheduler/production.yaml \\
                --format systemd --out /etc/systemd/system
              v6-scheduler export --config production.yaml --format k8s \\
                --image registry.local/trading-bot:1.4 --namespace trading
              v6-scheduler export --config production.yaml --format crontab > v6.crontab
            """
    )
    @OptionGroup var options: ConfigOptions
    @Option(help: "k8s, systemd or crontab.") var format: ExportFormat
    @Option(help: "Write the files into this directory (created if missing) instead of stdout.") var out: String?
    @Option(help: "How the units and the crontab call v6ctl (default /usr/local/bin/v6ctl; k8s: v6ctl from the image's PATH).") var v6ctl: String?
    @Option(help: "k8s: the container image (required for k8s): it holds v6ctl and the tasks' programs.") var image: String?
    @Option(help: "k8s: the namespace of the CronJobs.") var namespace: String?
    @Option(help: "k8s: a label KEY=VALUE for every CronJob, Job and Pod; repeatable.") var label: [String] = []
    @Option(help: "Unit and CronJob names start with this (default v6-).") var prefix: String = "v6-"
    @Option(help: "systemd: User= of the services.") var user: String?
    @Option(help: "crontab: where flock keeps each task's lock (default /run/lock).") var lockDir: String = "/run/lock"
    @Option(help: .hidden) var asOf: String?  // the day from which closes and clock changes count (tests)

    func run() throws {
        var exportOptions = ExportOptions(asOf: try day())
        exportOptions.v6ctl = v6ctl ?? (format == .k8s ? "v6ctl" : "/usr/local/bin/v6ctl")
        if format == .k8s {
            guard let image, !image.isEmpty else { throw usage("--format k8s needs --image (the container image that holds v6ctl and the tasks' programs)") }
            exportOptions.image = image
        }
        exportOptions.namespace = namespace
        exportOptions.labels = try label.map { text in
            let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw usage("--label: '\(text)' is not KEY=VALUE (write --label team=trading)") }
            return (String(parts[0]), String(parts[1]))
        }
        exportOptions.prefix = prefix
        exportOptions.user = user
        exportOptions.lockDirectory = lockDir

        let loaded = try LoadedConfigCommand.load(options)
        for warning in loaded.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        let result = Exporter.export(loaded.config, format: format, options: exportOptions)
        for note in result.notes {
            FileHandle.standardError.write(Data("v6-scheduler export: not expressible in \(format.rawValue): \(note)\n".utf8))
        }
        if let out { try write(result.files, into: out) } else { writeToStandardOutput(result.files) }
    }

    private func day() throws -> LocalDate {
        guard let asOf else { return NYSECalendar().zone.local(Instant(seconds: Int64(Date().timeIntervalSince1970))).date }
        guard let date = LocalDate(parsing: asOf) else { throw usage("--as-of: '\(asOf)' is not a date; use YYYY-MM-DD") }
        return date
    }

    private func writeToStandardOutput(_ files: [ExportFile]) {
        let text = files.count == 1 ? files[0].text : files.map { "# ==> \($0.name) <==\n" + $0.text }.joined(separator: "\n")
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func write(_ files: [ExportFile], into directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in files {
                let path = (directory as NSString).appendingPathComponent(file.name)
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                FileHandle.standardError.write(Data("v6-scheduler export: wrote \(path)\n".utf8))
            }
        } catch {
            throw CommandFailure(message: "v6-scheduler: --out \(directory): \(error.localizedDescription)", code: 1)
        }
    }

    private func usage(_ message: String) -> CommandFailure { CommandFailure(message: "v6-scheduler: \(message)", code: 2) }
}

extension ExportFormat: ExpressibleByArgument {}
