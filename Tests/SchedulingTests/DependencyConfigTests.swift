import Testing
@testable import Scheduling

/// `after:` and `after_wait` in the configuration: what loads, and each error with its exact
/// `FILE:LINE: key.path: message` line.
@Suite struct DependencyConfigTests {
    static let p = "config/test.yaml"

    /// Tasks `a` (line 3), `b` (line 6) and `c` (line 9), each with `command` and the given
    /// settings, one per line after it.
    static func three(a: String = "at: \"08:00\"", b: String, c: String = "at: \"10:00\"") -> String {
        """
        scheduler:
          tasks:
            a:
              command: "true"
              \(a)
            b:
              command: "true"
              \(b)
            c:
              command: "true"
              \(c)

        """
    }

    @Test func afterWithAndWithoutASchedule() throws {
        let yaml = Self.three(a: "after: [b, c]", b: "at: \"18:00\"\n      after: c\n      after_wait: 30min", c: "at: close+15m")
        let config = try #require(ConfigTest.load(yaml)).config
        let a = try #require(config.task(named: "a")), b = try #require(config.task(named: "b"))
        #expect(a.schedule == .afterUpstreams && a.isEventDriven)
        #expect(a.after == ["b", "c"] && a.afterWaitSeconds == 3600)
        #expect(b.schedule == .at([Build.wall("18:00")]) && !b.isEventDriven)
        #expect(b.after == ["c"] && b.afterWaitSeconds == 1800)  // one name needs no list
        #expect(ConfigSummary.lines(config).first == "a  after b, c    trading days  enabled (default)")
        #expect(ConfigSummary.dependencyLines(config) == [
            "dependencies (after:):",
            "  a  after b, c (once a day, when all have succeeded)",
            "  b  after c (waits at most 30min)",
        ])
    }

    @Test(arguments: [
        // Unknown names, with the nearest task when there is one.
        (three(b: "at: \"18:00\"\n      after: [c, fianl]", c: "at: close+15m"),
         ["\(p):9: scheduler.tasks.b.after: no task named \"fianl\" (name a task defined under tasks:)"]),
        (three(b: "at: \"18:00\"\n      after: [aa]"), ["\(p):9: scheduler.tasks.b.after: no task named \"aa\" (did you mean a?)"]),
        // A task after itself.
        (three(b: "at: \"18:00\"\n      after: [a, b]"), ["\(p):9: scheduler.tasks.b.after: b cannot run after itself (remove it from after:)"]),
        // Cycles, spelt out from the smallest name, at the entry that closes the loop.
        (three(a: "after: c", b: "after: a", c: "after: b"),
         ["\(p):5: scheduler.tasks.a.after: cycle: a -> b -> c -> a (each runs after the one before it, so none can start: remove one of these after: entries)"]),
        (three(a: "at: \"08:00\"\n      after: b", b: "after: a"),
         ["\(p):6: scheduler.tasks.a.after: cycle: a -> b -> a (each runs after the one before it, so none can start: remove one of these after: entries)"]),
        // The list itself.
        (three(b: "after: []"),
         ["\(p):8: scheduler.tasks.b.after: is an empty list (name the tasks this one runs after, e.g. [final_data_collection], or remove the key)"]),
        (three(b: "after: [a, a]"), ["\(p):8: scheduler.tasks.b.after: a is listed twice (remove one)"]),
        (three(b: "after: {a: 1}"), ["\(p):8: scheduler.tasks.b.after: expects a list of task names, found a mapping"]),
        // after_wait.
        (three(b: "at: \"18:00\"\n      after_wait: 1h"),
         ["\(p):9: scheduler.tasks.b.after_wait: applies only to tasks with after: (remove it, or add after:)"]),
        (three(b: "after: a\n      after_wait: 90"), ["\(p):9: scheduler.tasks.b.after_wait: \"90\" has no unit (write 90s, 90min or 90h)"]),
        (three(b: "after: a\n      after_wait: 25h"),
         ["\(p):9: scheduler.tasks.b.after_wait: \"25h\" is longer than a day (a run date's upstreams are waited for at most 24h)"]),
        (three(b: "after: a\n      catch_up: true"),
         ["\(p):9: scheduler.tasks.b.catch_up: applies only to tasks with a schedule (a task with after: alone runs after a restart anyway, once its upstreams have succeeded)"]),
        // Without a schedule, after: is the way to say when.
        (three(b: "days: trading"),
         ["\(p):6: scheduler.tasks.b: has no schedule (add one of at:, frequency:, cron:; or after: to run once other tasks have succeeded)"]),
    ] as [(String, [String])])
    func eachDependencyErrorHasItsLineAndMessage(yaml: String, expected: [String]) {
        #expect(ConfigTest.errors(yaml) == expected)
    }

    @Test func aTaskWithOtherErrorsIsStillCheckedForNamesAndCycles() {
        // b's own setting is wrong, yet its after: still counts: the cycle and the unknown name are reported.
        let yaml = Self.three(a: "after: [b, zz]", b: "after: a\n      retries: many")
        #expect(ConfigTest.errors(yaml) == [
            "\(Self.p):5: scheduler.tasks.a.after: no task named \"zz\" (name a task defined under tasks:)",
            "\(Self.p):5: scheduler.tasks.a.after: cycle: a -> b -> a (each runs after the one before it, so none can start: remove one of these after: entries)",
            "\(Self.p):9: scheduler.tasks.b.retries: expects a whole number, found \"many\"",
        ])
    }

    @Test func theGraphFindsEveryTaskOnACycleAndOrdersTheRest() {
        let graph = DependencyGraph(names: ["a", "b", "c", "d", "e", "x"], after: [["c"], ["a"], ["b"], ["a", "nope"], ["d", "d"], []])
        #expect(graph.cycles() == [["a", "b", "c", "a"]])
        #expect(graph.missing[3] == ["nope"])
        #expect(graph.upstreams[4] == [3])  // listed twice, one edge
        #expect(!graph.isLinked(5) && graph.isLinked(4))
        let acyclic = DependencyGraph(names: ["bottom", "left", "right", "top"], after: [["left", "right"], ["top"], ["top"], []])
        #expect(acyclic.cycles().isEmpty)
        let order = acyclic.topologicalOrder
        #expect(order.first == 3 && order.last == 0)
        #expect(acyclic.descendants(of: 3) == order.filter { $0 != 3 })
        #expect(acyclic.descendants(of: 1) == [0])
    }
}
