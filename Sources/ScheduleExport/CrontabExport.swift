import MarketCalendar
import Scheduling

/// `--format crontab`: one crontab under `CRON_TZ=America/New_York`, every line through `v6ctl gate`.
enum CrontabExport {
    static func render(_ firings: [TaskFiring], config: SchedulerConfig, options: ExportOptions) -> (files: [ExportFile], notes: [ExportNote]) {
        var notes: [ExportNote] = []
        var body: [String] = []
        for firing in firings {
            var taskNotes = Exporter.notes(firing, config, .crontab)
            var entries: [String] = []
            for line in firing.lines where !line.systemdOnly {
                let pattern = line.pattern
                if !pattern.seconds.contains(0) {
                    taskNotes.append(.only(.crontab, firing.task.name, "the runs at second \(pattern.seconds.map(String.init).joined(separator: ",")) of a minute "
                        + "(\(TimeOfDay(seconds: pattern.timesOfDay[0]).hhmmss), ...) are not exported: cron starts at whole minutes"))
                    continue
                }
                if pattern.seconds != [0] {
                    taskNotes.append(.only(.crontab, firing.task.name, "only the runs at second 0 of a minute are exported: cron starts at whole minutes"))
                }
                if case .wall(let t)? = line.at.first, t.second != 0 {
                    taskNotes.append(.only(.crontab, firing.task.name, "at: \(t) runs at \(t.hhmm):00: cron starts at whole minutes"))
                }
                guard let schedule = cronSchedule(pattern) else { continue }
                entries.append(schedule + "  " + command(firing, line: line, directory: config.workingDirectory, options: options))
            }
            notes += taskNotes
            body.append("")
            body += Exporter.header(firing, notes: taskNotes)
            body += entries
        }
        let banner = Exporter.banner(.crontab, config: config, notes: DaemonOnlyFeatures.configurationNotes(config), extra: [
            "# Install with `crontab FILE`. cronie (RHEL, Fedora, Arch) honours CRON_TZ; Debian's cron does not:",
            "# there, run the host in America/New_York (timedatectl set-timezone America/New_York)."])
        let text = (banner + ["CRON_TZ=America/New_York"] + body).joined(separator: "\n") + "\n"
        return ([ExportFile(name: "v6-scheduler.crontab", text: text)], notes)
    }

    /// `cd DIR && v6ctl gate ... -- [env ...] [flock -n LOCK] timeout -k GRACE TIMEOUT COMMAND...`
    static func command(_ firing: TaskFiring, line: TaskFiring.Line, directory: String, options: ExportOptions) -> String {
        let task = firing.task
        var words = [options.v6ctl, "gate"] + firing.gate(for: line).arguments + ["--"]
        let env = Exporter.environment(task)
        if !env.isEmpty { words += ["env"] + env.map { "\($0.0)=\($0.1)" } }
        // overlap: a second copy does not start while one runs (queue and replace have a note).
        words += ["flock", "-n", options.lockDirectory + "/\(options.prefix)\(task.name).lock"]
        words += ["timeout", "-k", "\(task.killGraceSeconds)s", "\(task.timeoutSeconds)s"] + task.command
        return "cd " + Quoting.shell(directory) + " && " + Quoting.crontab(words)
    }

    /// The five fields; nil for a pattern cron cannot hold.
    static func cronSchedule(_ pattern: FirePattern) -> String? {
        guard pattern.zone == .newYork else { return nil }
        let minutes = NumberList.render(pattern.minutes, range: 0...59, style: .cron)
        let hours = NumberList.render(pattern.hours, range: 0...23, style: .cron)
        switch pattern.days {
        case .weekdays(let days):
            let numbers = days.map { $0.rawValue % 7 }.sorted()
            return "\(minutes) \(hours) * * \(NumberList.render(numbers, range: 0...6, style: .cron))"
        case .cron(let cron):
            return "\(minutes) \(hours) \(dayFields(cron))"
        case .all:
            return nil
        }
    }

    /// Day of month, month, day of week, keeping which day field starts with `*` (Vixie's rule).
    static func dayFields(_ cron: CronExpression) -> String {
        let source = cron.source.split(whereSeparator: \.isWhitespace)
        func field(_ values: [Int], _ range: ClosedRange<Int>, starred: Bool, index: Int) -> String {
            let text = NumberList.render(values, range: range, style: .cron, star: starred)
            guard starred, text != "*", !text.hasPrefix("*") else { return text }
            // A starred field that selects only some days (`*/2`): its own text keeps the star.
            return source.count == 5 ? String(source[index]) : text
        }
        let dom = field(cron.daysOfMonth, 1...31, starred: cron.dayOfMonthStarred, index: 2)
        let months = NumberList.render(cron.monthNumbers, range: 1...12, style: .cron)
        let dow = field(cron.weekdayNumbers, 0...6, starred: cron.dayOfWeekStarred, index: 4)
        return "\(dom) \(months) \(dow)"
    }
}
