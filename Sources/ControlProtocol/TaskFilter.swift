/// Which tasks `tasks` (`v6ctl list --filter`) answers with: comma-separated terms, all of which
/// a task must match. A term is a state word or a pattern on the name:
///
/// - `running`, `failed` (the last run failed, timed out, could not start or was abandoned),
///   `waiting` (queued, waiting for a free slot, a retry or its upstreams), `disabled`, `enabled`, and
///   `attention` (any of running, failed, waiting, disabled: what `status` lists);
/// - anything else is a pattern on the task's name: `*`, `?` and `[...]` as in the shell
///   (`collect_*`, `*_eod`), or, without any of them, a part of the name (`option`).
///
/// `failed,collect*` is the failed tasks whose names start with `collect`. A task named like a
/// state word is matched by a bracket pattern: `[f]ailed`.
public struct TaskFilter: Sendable, Equatable, CustomStringConvertible {
    public enum State: String, Sendable, CaseIterable {
        case running, failed, waiting, disabled, enabled, attention
    }

    public enum Term: Sendable, Equatable {
        case state(State)
        case name(String)
    }

    public let terms: [Term]
    /// The filter as written.
    public let description: String

    /// Longest filter accepted.
    public static let maxLength = 256

    public init(parsing text: String) throws(ProtocolError) {
        guard !text.isEmpty else {
            throw ProtocolError(.invalidValue, "\"filter\" is empty: give a state (\(Self.stateWords)) or a name pattern such as collect_*")
        }
        guard text.utf8.count <= Self.maxLength else {
            throw ProtocolError(.invalidValue, "\"filter\" is longer than \(Self.maxLength) bytes")
        }
        var terms: [Term] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let term = raw.trimmingSpaces
            guard !term.isEmpty else {
                throw ProtocolError(.invalidValue, "\"filter\" \"\(RequestDecoder.shown(text))\" has an empty term (terms are separated by commas)")
            }
            if let state = State(rawValue: term.lowercased()) {
                terms.append(.state(state))
            } else {
                try Glob.validate(term)
                terms.append(.name(term))
            }
        }
        self.terms = terms
        self.description = text
    }

    static var stateWords: String { State.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Whether a task with these facts passes every term.
    public func matches(_ task: TaskFacts) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .state(let state): return task.is(state)
            case .name(let pattern): return Glob.matches(pattern, task.name)
            }
        }
    }

    /// True when the filter needs `TaskFacts.failed` (which costs the daemon a database read).
    public var needsLastOutcome: Bool {
        terms.contains { $0 == .state(.failed) || $0 == .state(.attention) }
    }
}

/// What the filter and the `status` summary look at, for one task; cheap for the daemon to tell.
public struct TaskFacts: Sendable, Equatable {
    public var name: String
    public var enabled: Bool
    public var running: Bool
    /// The last run failed, timed out, could not start (`fatal`) or was `abandoned`.
    public var failed: Bool
    /// A run is queued behind a running one, waiting for a free slot or to retry, or a scheduled
    /// run of a task with `after:` waits for its upstreams.
    public var waiting: Bool

    public init(name: String, enabled: Bool, running: Bool = false, failed: Bool = false, waiting: Bool = false) {
        self.name = name
        self.enabled = enabled
        self.running = running
        self.failed = failed
        self.waiting = waiting
    }

    /// Running, failed last, waiting or disabled: `status` lists it.
    public var needsAttention: Bool { running || failed || waiting || !enabled }

    public func `is`(_ state: TaskFilter.State) -> Bool {
        switch state {
        case .running: return running
        case .failed: return failed
        case .waiting: return waiting
        case .disabled: return !enabled
        case .enabled: return enabled
        case .attention: return needsAttention
        }
    }

    /// The order `status` lists tasks in: failed first, then running, waiting, disabled; then by name.
    public var attentionRank: Int {
        failed ? 0 : running ? 1 : waiting ? 2 : !enabled ? 3 : 4
    }
}

private extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
