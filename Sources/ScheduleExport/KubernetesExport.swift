import MarketCalendar
import Scheduling

/// `--format k8s`: a CronJob per cron line of each task (`batch/v1`, `timeZone:
/// America/New_York`), the container's command wrapped in `v6ctl gate`.
enum KubernetesExport {
    /// CronJob names: DNS labels of at most 52 characters (the Job controller appends 11).
    static let maxNameLength = 52

    static func render(_ firings: [TaskFiring], config: SchedulerConfig, options: ExportOptions) -> (files: [ExportFile], notes: [ExportNote]) {
        var notes: [ExportNote] = []
        var docs: [String] = []
        for firing in firings {
            var taskNotes = Exporter.notes(firing, config, .k8s)
            let lines = firing.lines.filter { !$0.systemdOnly }
            let base = options.prefix.lowercased() + firing.task.name.lowercased().replacingOccurrences(of: "_", with: "-")
            let names = lines.count == 1 ? [base] : lines.indices.map { "\(base)-\($0 + 1)" }
            if let bad = names.first(where: { !isDNSLabel($0) }) {
                notes.append(.only(.k8s, firing.task.name, "\"\(bad)\" is not a valid CronJob name (lowercase letters, digits and -, at most \(maxNameLength)): not exported (try a shorter --prefix)"))
                continue
            }
            if lines.count > 1, firing.task.overlap != .queue {
                taskNotes.append(.only(.k8s, firing.task.name, "overlap: \(firing.task.overlap.rawValue) holds within each of its \(lines.count) CronJobs, not across them"))
            }
            for (i, line) in lines.enumerated() where line.pattern.seconds != [0] {
                taskNotes.append(.only(.k8s, firing.task.name, "CronJob \(names[i]): only the runs at second 0 of a minute are exported: cron starts at whole minutes"))
            }
            notes += taskNotes
            var header = Exporter.header(firing, notes: taskNotes)
            for (i, line) in lines.enumerated() {
                guard line.pattern.seconds.contains(0), let schedule = CrontabExport.cronSchedule(line.pattern) else { continue }
                docs.append((header + cronJob(firing, line: line, name: names[i], schedule: schedule, config: config, options: options))
                    .joined(separator: "\n"))
                header = []
            }
        }
        let banner = Exporter.banner(.k8s, config: config, notes: DaemonOnlyFeatures.configurationNotes(config), extra: [
            "# Apply with `kubectl apply -f FILE`. The image must hold v6ctl and the tasks' programs."])
        let text = banner.joined(separator: "\n") + "\n" + docs.map { "---\n" + $0 + "\n" }.joined()
        return ([ExportFile(name: "\(options.prefix)cronjobs.yaml", text: text)], notes)
    }

    static func cronJob(_ firing: TaskFiring, line: TaskFiring.Line, name: String, schedule: String,
                        config: SchedulerConfig, options: ExportOptions) -> [String] {
        let task = firing.task
        let q = Quoting.yaml
        var labels = [("app.kubernetes.io/managed-by", "v6-scheduler"), ("v6-scheduler/task", task.name)]
        labels += options.labels.map { ($0.key, $0.value) }
        func labelLines(_ indent: String) -> [String] { ["\(indent)labels:"] + labels.map { "\(indent)  \($0.0): \(q($0.1))" } }
        let gate = firing.gate(for: line)
        // Late starts: the gate's tolerance for at: times; a day's worth for catch-up (the gate bounds it).
        let deadline = task.catchUp ? (line.at.isEmpty ? 43_200 : Int(gate.tolerance)) : 60
        let command = [options.v6ctl, "gate"] + gate.arguments + ["--"] + task.command
        var out = ["apiVersion: batch/v1", "kind: CronJob", "metadata:", "  name: \(q(name))"]
        if let namespace = options.namespace { out.append("  namespace: \(q(namespace))") }
        out += labelLines("  ")
        out += ["spec:",
                "  schedule: \(q(schedule))",
                "  timeZone: \"America/New_York\"",
                "  concurrencyPolicy: \(task.overlap == .replace ? "Replace" : "Forbid")",
                "  startingDeadlineSeconds: \(deadline)",
                "  jobTemplate:",
                "    metadata:"]
        out += labelLines("      ")
        out += ["    spec:",
                "      backoffLimit: \(task.retries)",
                "      podFailurePolicy:",
                "        rules:",
                "          # exit 2 is fatal: never retried",
                "          - action: FailJob",
                "            onExitCodes: {containerName: \"task\", operator: In, values: [2]}",
                "          # only exit 1 and a timeout (killed at activeDeadlineSeconds: 137, 143) are retried, as by the daemon",
                "          - action: FailJob",
                "            onExitCodes: {containerName: \"task\", operator: NotIn, values: [1, 137, 143]}",
                "      template:",
                "        metadata:"]
        out += labelLines("          ")
        out += ["        spec:",
                "          restartPolicy: Never",
                "          activeDeadlineSeconds: \(task.timeoutSeconds)",
                "          terminationGracePeriodSeconds: \(task.killGraceSeconds)",
                "          containers:",
                "            - name: \"task\"",
                "              image: \(q(options.image))",
                "              workingDir: \(q(config.workingDirectory))",
                "              command: [" + command.map(q).joined(separator: ", ") + "]"]
        let env = Exporter.environment(task)
        if !env.isEmpty {
            out.append("              env:")
            for (key, value) in env { out += ["                - name: \(q(key))", "                  value: \(q(value))"] }
        }
        return out
    }

    static func isDNSLabel(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= maxNameLength, name.first != "-", name.last != "-" else { return false }
        return name.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }
}
