import ArgumentParser
import ControlProtocol
import Foundation

/// `v6ctl graph [--format text|dot]`: what runs after what (`after:`), from the daemon's
/// configuration.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph", abstract: "Show the task dependencies (after:) as trees, or as Graphviz dot.",
        discussion: """
            text: a tree under each task that others run after and that runs after none; a task \
            after two others appears under both, the second time as "(see above)". Tasks without \
            dependencies are named at the end.

            dot: a digraph whose edges point from a task to the one that runs after it; tasks in \
            no dependency are left out. --json prints the daemon's task list (each task's \
            "after" and "dependents").

            Example: v6ctl graph --format dot | dot -Tsvg > dependencies.svg
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "text (default) or dot.") var format: GraphFormat = .text

    enum GraphFormat: String, ExpressibleByArgument, CaseIterable { case text, dot }

    func run() throws {
        let payload = try DaemonSession.call(.tasks(), options: global)
        if global.json { return DaemonSession.printJSON(payload) }
        let tasks = try DaemonSession.decode(payload, as: TasksResult.self).tasks
        Output.write(format == .dot ? DependencyGraphText.dot(tasks) : DependencyGraphText.trees(tasks))
    }
}

/// The dependency graph of a task list as text.
enum DependencyGraphText {
    /// Trees from each task that has dependents and no upstreams, in name order.
    static func trees(_ tasks: [TaskStatus]) -> String {
        let byName = Dictionary(tasks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var lines: [String] = []
        var shown = Set<String>()
        func label(_ task: TaskStatus) -> String {
            task.name + "  " + task.schedule + (task.enabled ? "" : "  (disabled)")
        }
        func below(_ name: String, prefix: String) {
            let children = byName[name]?.dependents ?? []
            for (i, child) in children.enumerated() {
                let last = i == children.count - 1
                let branch = prefix + (last ? "└── " : "├── ")
                guard let task = byName[child] else { continue }
                if shown.insert(child).inserted {
                    lines.append(branch + label(task))
                    below(child, prefix: prefix + (last ? "    " : "│   "))
                } else {
                    lines.append(branch + child + "  (see above)")
                }
            }
        }
        for task in tasks.sorted(by: { $0.name < $1.name }) where task.after == nil && task.dependents != nil {
            shown.insert(task.name)
            lines.append(label(task))
            below(task.name, prefix: "")
        }
        if lines.isEmpty { lines.append("no task has after: (no dependencies)") }
        let alone = tasks.filter { $0.after == nil && $0.dependents == nil }.map(\.name).sorted()
        if !alone.isEmpty, alone.count < tasks.count {
            // Wrapped to 100 columns.
            var line = "(no dependencies:"
            for (i, name) in alone.enumerated() {
                let word = " " + name + (i == alone.count - 1 ? ")" : ",")
                if line.count + word.count > 100 {
                    lines.append(line)
                    line = " "
                }
                line += word
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Graphviz digraph, edges from upstream to dependent.
    static func dot(_ tasks: [TaskStatus]) -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        }
        func quoted(_ text: String) -> String { "\"" + escaped(text) + "\"" }
        var lines = ["digraph dependencies {", "  rankdir=LR;", "  node [shape=box];"]
        let linked = tasks.filter { $0.after != nil || $0.dependents != nil }.sorted { $0.name < $1.name }
        for task in linked {
            let style = task.enabled ? "" : ", style=dashed"
            // Graphviz's \n (backslash n) breaks the label's line.
            let label = "\"" + escaped(task.name) + "\\n" + escaped(task.schedule) + "\""
            lines.append("  \(quoted(task.name)) [label=\(label)\(style)];")
        }
        for task in linked {
            for dependent in task.dependents ?? [] { lines.append("  \(quoted(task.name)) -> \(quoted(dependent));") }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
