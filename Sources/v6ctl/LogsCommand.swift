import ArgumentParser
import ControlProtocol
import Foundation

/// `v6ctl logs TASK [-f] [-n N]`: the task's journal entries, or its stored output tails.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Show a task's log: its journal entries (output and daemon events).",
        discussion: """
            Reads the journal with: journalctl V6_TASK=TASK -n N [-f] -o short-iso. Without a \
            journal (no journalctl, or nothing in it), prints the output tails the daemon stored \
            with the task's last runs.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The task name.") var task: String
    @Flag(name: .shortAndLong, help: "Follow new entries.") var follow = false
    @Option(name: [.customShort("n"), .long], help: ArgumentHelp("How many lines.", valueName: "n")) var lines: Int = 50

    func run() throws {
        guard task.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw CLIError.usage("'\(task)' is not a task name (letters, digits, _)")
        }
        if let journalctl = LogsCommand.journalctl(), LogsCommand.journalHasEntries(journalctl, task: task) {
            var argv = [journalctl, "V6_TASK=\(task)", "-n", String(lines), "-o", global.json ? "json" : "short-iso", "--no-pager"]
            if follow { argv.append("-f") }
            try GateCommand.exec(argv)
        }
        // No journal: the stored output tails of the last runs.
        let payload = try DaemonSession.call(.history(task: task, limit: 5, output: true), options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let history = try DaemonSession.decode(payload, as: HistoryResult.self)
        var out: [String] = ["(no journal entries for \(task); output stored with its last runs)"]
        for run in history.runs.reversed() {
            out.append("-- run \(run.runID) \(run.startedAt ?? run.scheduledAt ?? "") \(run.outcome.rawValue) \(Render.exit(run))")
            out.append(contentsOf: (run.outputTail ?? []).suffix(lines))
        }
        Output.write(out.joined(separator: "\n") + "\n")
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
