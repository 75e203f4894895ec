import Foundation
import Glibc
import Testing
import TestSupport
@testable import SchedulerDaemon

/// Spawn failures are typed errors that name the cause, never crashes.
@Suite struct ProcessErrorTests {
    typealias Support = ProcessTestSupport

    private func spawnError(_ request: SpawnRequest) -> SpawnError? {
        do {
            let process = try TaskProcess.spawn(request) { _ in }
            Issue.record("spawned pid \(process.pid) although it should have failed")
            Support.killEverything(of: process)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingExecutableNamesTheFileAndFolder() throws {
        let dir = try TemporaryDirectory("v6proc")
        let error = spawnError(Support.request(["scripts/x.py"], in: dir.path))
        #expect(error?.code == .executableNotFound)
        #expect(error?.description == "scripts/x.py: no such file (cwd \(dir.path))")
    }

    @Test func programMissingFromPATHNamesThePATH() throws {
        let dir = try TemporaryDirectory("v6proc")
        let error = spawnError(Support.request(["v6-no-such-program"], in: dir.path, environment: ["PATH": "/usr/bin:/bin"]))
        #expect(error?.code == .executableNotFound)
        #expect(error?.description == "v6-no-such-program: not found in PATH (/usr/bin:/bin)")
    }

    @Test func scriptWithoutExecutePermissionSaysChmod() throws {
        let dir = try TemporaryDirectory("v6proc")
        try dir.write("scripts/x.py", "#!/usr/bin/env python3\nprint('hi')\n", mode: 0o644)
        let error = spawnError(Support.request(["scripts/x.py"], in: dir.path))
        #expect(error?.code == .notExecutable)
        #expect(error?.description == "scripts/x.py: not executable (mode 0644; chmod +x it) (cwd \(dir.path))")
    }

    @Test func missingWorkingDirectoryIsNamed() throws {
        let dir = try TemporaryDirectory("v6proc")
        let missing = dir.file("no/such/dir")
        let error = spawnError(Support.request(["/bin/true"], in: missing))
        #expect(error?.code == .workingDirectoryMissing)
        #expect(error?.description == "working directory \(missing) does not exist (create it or fix working_directory)")
    }

    @Test func workingDirectoryThatIsAFileIsNamed() throws {
        let dir = try TemporaryDirectory("v6proc")
        let file = try dir.write("plain", "")
        let error = spawnError(Support.request(["/bin/true"], in: file))
        #expect(error?.code == .workingDirectoryNotDirectory)
        #expect(error?.description == "working directory \(file) is not a directory")
    }

    @Test func directoryAsProgramIsNamed() throws {
        let dir = try TemporaryDirectory("v6proc")
        try FileManager.default.createDirectory(atPath: dir.file("scripts"), withIntermediateDirectories: true)
        let error = spawnError(Support.request(["./scripts"], in: dir.path))
        #expect(error?.code == .notExecutable)
        #expect(error?.description == "./scripts: is a directory, not a program (cwd \(dir.path))")
    }

    @Test func scriptWithoutShebangIsNotAnExecutableFormat() throws {
        let dir = try TemporaryDirectory("v6proc")
        try dir.write("job", "echo no shebang line\n", mode: 0o755)
        let error = spawnError(Support.request(["./job"], in: dir.path))
        #expect(error?.code == .cannotExecute)
        #expect(error?.description == "./job: not an executable format (a script needs a #! line, e.g. #!/bin/sh)")
    }

    @Test func missingInterpreterIsNamed() throws {
        let dir = try TemporaryDirectory("v6proc")
        try dir.write("job.py", "#!/usr/bin/v6-no-such-python -u\nprint('hi')\n", mode: 0o755)
        let error = spawnError(Support.request(["./job.py"], in: dir.path))
        #expect(error?.code == .cannotExecute)
        #expect(error?.description == "./job.py: its interpreter /usr/bin/v6-no-such-python (from the #! line) does not exist")
    }

    @Test func unusableRequestsAreRejected() throws {
        let dir = try TemporaryDirectory("v6proc")
        #expect(spawnError(Support.request([], in: dir.path))?.code == .invalidRequest)
        #expect(spawnError(Support.request([""], in: dir.path))?.code == .invalidRequest)
        #expect(spawnError(Support.request(["/bin/true"], in: dir.path, runID: ""))?.code == .invalidRequest)
        #expect(spawnError(Support.request(["/bin/true"], in: dir.path, runID: "a=b"))?.code == .invalidRequest)
        #expect(spawnError(Support.request(["/bin/echo", "a\u{0}b"], in: dir.path))?.code == .invalidRequest)
        #expect(spawnError(Support.request(["/bin/true"], in: dir.path, environment: ["A=B": "c"]))?.code == .invalidRequest)
    }
}
