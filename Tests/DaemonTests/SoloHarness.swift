import Foundation
import Testing
import TestSupport

/// Checks on process-wide state (the children a subreaper reaps, the count of open descriptors)
/// cannot share their process with other tests: those fork, open files and, in
/// `ClockedDaemonTests`, run whole daemons meanwhile. Such checks live in harness suites that are
/// enabled only in a second copy of this test binary, started by a front test with `run(_:)`,
/// where the one harness suite runs alone.
enum SoloHarness {
    static let variable = "V6_SOLO_HARNESS"

    /// The report folder in the copy; nil in the ordinary test process (harness suites disabled).
    static var directory: String? { ProcessInfo.processInfo.environment[variable] }

    static var isHarness: Bool { directory != nil }

    /// Runs the suite `suite` alone in a copy of this binary; fails the test unless it passed and
    /// every one of `tests` reported "ok" (a filter that matched nothing passes, but reports nothing).
    static func run(_ suite: String, reporting tests: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let dir = try TemporaryDirectory("v6solo")
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let path = dir.path
        let result = try await ProcessTestSupport.offPool {
            try Command.run(binary, ["--testing-library", "swift-testing", "--filter", suite], environment: [variable: path])
        }
        #expect(result.status == 0, "\(suite) stdout:\n\(result.stdout.suffix(4000))\nstderr:\n\(result.stderr.suffix(2000))",
                sourceLocation: sourceLocation)
        for test in tests {
            let report = try? String(contentsOfFile: dir.file(test), encoding: .utf8)
            #expect(report == "ok", "\(suite).\(test) reported: \(report ?? "nothing (did it run?)")", sourceLocation: sourceLocation)
        }
    }

    /// In the copy: writes the test's report, "ok" or its failures, for the front test to read.
    static func report(_ test: String, failures: [String]) {
        guard let directory else { return }
        let text = failures.isEmpty ? "ok" : failures.joined(separator: "\n")
        try? text.write(toFile: (directory as NSString).appendingPathComponent(test), atomically: true, encoding: .utf8)
    }
}

/// Collects a harness test's failed checks (each also an #expect in the copy's own output).
struct HarnessChecks {
    private(set) var failures: [String] = []

    mutating func check(_ condition: Bool, _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
        if !condition { failures.append(what()) }
        #expect(condition, "\(what())", sourceLocation: sourceLocation)
    }
}
