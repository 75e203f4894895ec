import ArgumentParser
import ControlProtocol
import Foundation

/// `v6ctl logs TASK [-f] [-n N]`: the task's journal entries, or its stored output tails.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Show a task's log: its journal entries (output and daemon events).",
        discussion: """
            Reads the journal with: journalctl V6_TASK=TASK -n N [-f] -o short-iso. Without a \
            journal (no journalctl, or nothing in it), prints the last N lines of the output the \
            daemon stored with the task's runs (each run's last 64 KiB), oldest first, under a \
            line per run; with -f, then each run's output as the run finishes (asking the daemon \
            every 2 s; --json: one run per line).
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The task name.") var task: String
    @Flag(name: .shortAndLong, help: "Follow new entries.") var follow = false
    @Option(name: [.customShort("n"), .long], parsing: .unconditional,
            help: ArgumentHelp("How many lines (in total).", valueName: "n")) var lines: Int = 50

    /// How often `-f` asks the daemon for new runs when there is no journal to follow.
    static let followInterval = 2.0

    func validate() throws {
        guard lines >= 0 else { throw ValidationError("-n must be 0 or more lines, not \(lines)") }
    }

    func run() throws {
        guard task.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw CLIError.usage("'\(task)' is not a task name (letters, digits, _)")
        }
        if let journalctl = LogsCommand.journalctl(), LogsCommand.journalHasEntries(journalctl, task: task) {
            var argv = [journalctl, "V6_TASK=\(task)", "-n", String(lines), "-o", global.json ? "json" : "short-iso", "--no-pager"]
            if follow { argv.append("-f") }
            try GateCommand.exec(argv)
        }
        // No journal: the output tails stored with the runs, newest runs first until N lines.
        let history = try DaemonSession.history(task: task, limit: ProtocolLimits.maxListLimit, output: true, options: global) { runs in
            runs.reduce(0) { $0 + ($1.outputTail?.count ?? 0) } >= lines
        }
        let finished = history.runs.filter { !Self.inProgress($0) }
        if global.json {
            try DaemonSession.printJSON(HistoryResult(runs: finished))
        } else {
            Output.write("(no journal entries for \(task); output stored with its runs)\n" + Self.text(finished.reversed(), lastLines: lines))
        }
        guard follow else { return }
        var seen = Set(finished.map(\.runID))
        var newest = history.runs.map(\.runID).max() ?? 0
        while true {
            Thread.sleep(forTimeInterval: Self.followInterval)
            // The runs since the newest one seen, and those seen running then.
            let recent = try DaemonSession.history(task: task, limit: ProtocolLimits.maxListLimit, output: true, options: global) { runs in
                runs.contains { $0.runID <= newest }
            }
            newest = max(newest, recent.runs.map(\.runID).max() ?? 0)
            let done = recent.runs.reversed().filter { !Self.inProgress($0) && seen.insert($0.runID).inserted }
            for run in done {
                if global.json { try DaemonSession.printJSON(run) } else { Output.write(Self.text([run], lastLines: Int.max)) }
            }
        }
    }

    static func inProgress(_ run: RunInfo) -> Bool { run.outcome == .running || run.outcome == .queued }

    /// Runs, oldest first, each under a header line, with the last `lastLines` output lines in all.
    static func text(_ runs: some Sequence<RunInfo>, lastLines: Int) -> String {
        var budget = lastLines
        var blocks: [[String]] = []
        for run in Array(runs).reversed() {
            let tail = run.outputTail ?? []
            let shown = tail.suffix(max(0, budget))
            budget -= shown.count
            blocks.append(["-- run \(run.runID) \(run.startedAt ?? run.scheduledAt ?? "") \(run.outcome.rawValue) \(Render.exit(run))"] + shown)
            if budget <= 0 { break }
        }
        return blocks.reversed().flatMap { $0 }.map { $0 + "\n" }.joined()
    }

    static func journalctl() -> String? {
        ["/usr/bin/journalctl", "/bin/journalctl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func journalHasEntries(_ journalctl: String, task: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: journalctl)
        process.arguments = ["V6_TASK=\(task)", "-n", "1", "-q", "-o", "cat", "--no-pager"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 && !data.isEmpty
    }
}
