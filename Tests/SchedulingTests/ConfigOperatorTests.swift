import Foundation
import Testing
import TestSupport
@testable import Scheduling

/// What an operator writes that a first version of the checker got wrong: YAML merge keys, a
/// symlink loop, non-ASCII task names, a warning that asked for a value the ranges forbid.
@Suite struct ConfigOperatorTests {
    /// `<<: *defaults` adds the anchored mapping's keys where the task does not set them; the
    /// anchors live under top-level `x-` keys (ignored otherwise) or on a task.
    @Test func yamlMergeKeysAreHonoured() throws {
        let loaded = try #require(ConfigTest.load("""
            x-defaults: &defaults
              command: ["/bin/true"]
              days: every_day
              timeout_seconds: 60
            x-slow: &slow
              timeout_seconds: 900
              retries: 2
            scheduler:
              tasks:
                a:
                  <<: *defaults
                  at: "08:00"
                b:
                  <<: [*slow, *defaults]
                  at: "09:00"
                  retries: 1
                c: &c
                  command: "true"
                  at: "10:00"
                  timeout_seconds: 30
                d:
                  <<: *c
                  at: "11:00"

            """))
        let task = { (name: String) in try #require(loaded.config.task(named: name)) }
        let a = try task("a"), b = try task("b"), d = try task("d")
        #expect(a.command == ["/bin/true"] && a.days == .everyDay && a.timeoutSeconds == 60)
        // The first merged mapping wins over later ones; the task's own keys win over both.
        #expect(b.timeoutSeconds == 900 && b.retries == 1 && b.days == .everyDay && b.command == ["/bin/true"])
        #expect(d.timeoutSeconds == 30 && d.schedule == .at([Build.wall("11:00")]))
    }

    @Test func otherTopLevelKeysAreStillErrors() {
        #expect(ConfigTest.errors("defaults: {}\nscheduler:\n  tasks:\n    a: {command: \"true\", at: \"08:00\"}\n") == [
            "config/test.yaml:1: defaults: unknown key \"defaults\" (known keys: scheduler; keys starting with x- are ignored, a place for YAML anchors)",
        ])
    }

    @Test func aMergeKeyThatIsNotAMappingIsNamed() {
        #expect(ConfigTest.errors(ConfigTest.task("<<: [1, 2]\ncommand: \"true\"\nat: \"08:00\"")) == [
            "config/test.yaml:4: scheduler.tasks.job.<<: a merge key takes a mapping or a list of mappings, usually an alias such as *defaults; found \"1\"",
            "config/test.yaml:4: scheduler.tasks.job.<<: a merge key takes a mapping or a list of mappings, usually an alias such as *defaults; found \"2\"",
        ])
    }

    /// A task name with accents or another script gets a suggestion in plain ASCII.
    @Test(arguments: [("tâche_é", "tache_e"), ("задача", "zadaca"), ("Größe", "grosse")])
    func nonASCIINamesGetATransliteration(_ name: String, _ suggestion: String) {
        #expect(ConfigTest.errors("scheduler:\n  tasks:\n    \(name):\n      command: \"true\"\n      at: \"08:00\"\n") == [
            "config/test.yaml:3: scheduler.tasks.\(name): task names use only a-z, 0-9 and _, since they become SCHEDULER_<NAME>_ENABLED variables (try \(suggestion))",
        ])
    }

    /// A 1 s frequency with the default timeout: the fix the warning offers is one the ranges allow.
    @Test func theOverlapWarningForAOneSecondTaskAsksForOne() throws {
        let loaded = try #require(ConfigTest.load(ConfigTest.task("command: \"true\"\nfrequency: \"1s\"\nmarket_phase: any")))
        #expect(loaded.warnings.map(\.description) == [
            "config/test.yaml:5: scheduler.tasks.job: the default timeout (3600s) is longer than the frequency (1s): a slow run overlaps the next occurrences (overlap: skip); set timeout_seconds to at most 1",
        ])
        #expect(ConfigTest.load(ConfigTest.task("command: \"true\"\nfrequency: \"1s\"\nmarket_phase: any\ntimeout_seconds: 1"))?.warnings == [])
    }

    /// A configuration path that is a symlink loop is reported as one, not as a missing file.
    @Test func aSymlinkLoopIsCalledOne() throws {
        let dir = try TemporaryDirectory()
        let a = dir.file("a.yaml"), b = dir.file("b.yaml")
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
        do {
            _ = try ConfigLoader.load(path: a, envFile: nil, environment: [:])
            Issue.record("a symlink loop loaded")
        } catch {
            #expect(error.issues.map(\.description) == [
                "\(a): cannot read the configuration: Too many levels of symbolic links (check the path given to --config)",
            ])
        }
    }
}
