import Foundation
import Glibc
import Testing
import TestSupport
@testable import SchedulerDaemon

/// What a task starts with: argv, environment, working directory, descriptors; how it ends.
@Suite struct ProcessSpawnTests {
    typealias Support = ProcessTestSupport

    @Test func environmentIsExactlyTheGivenOnePlusRunID() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let runID = Support.newRunID()
        let environment = ["PATH": Support.path, "GREETING": "hello world", "EMPTY": "", "V6_RUN_ID": "ignored"]
        let (_, termination, lines) = try await Support.run(
            Support.request(["/usr/bin/env"], in: dir.path, environment: environment, runID: runID))
        #expect(termination == .exited(0))
        #expect(Set(lines.texts(.stdout)) == ["PATH=\(Support.path)", "GREETING=hello world", "EMPTY=", "V6_RUN_ID=\(runID)"])
    }

    @Test func workingDirectoryIsTheGivenOneAndRelativePathsStartThere() async throws {
        let dir = try TemporaryDirectory("v6proc")
        try Support.script(dir, "bin/where.sh", "echo \"$0\"; pwd -P")
        let (_, termination, lines) = try await Support.run(Support.request(["bin/where.sh"], in: dir.path))
        #expect(termination == .exited(0))
        let real = URL(fileURLWithPath: dir.path).resolvingSymlinksInPath().path
        #expect(lines.texts(.stdout) == ["bin/where.sh", real])
    }

    @Test func programsAreLookedUpInTheGivenPATH() async throws {
        let dir = try TemporaryDirectory("v6proc")
        try Support.script(dir, "tools/v6-hello", "echo hello from \"$0\"")
        let environment = ["PATH": dir.file("tools") + ":" + Support.path]
        let (_, termination, lines) = try await Support.run(
            Support.request(["v6-hello"], in: dir.path, environment: environment))
        #expect(termination == .exited(0))
        // Like execvp: the kernel hands a script the path found in PATH as $0.
        #expect(lines.texts(.stdout) == ["hello from \(dir.file("tools/v6-hello"))"])
    }

    @Test func stdinIsDevNull() async throws {
        let dir = try TemporaryDirectory("v6proc")
        // cat would wait forever on an inherited terminal or pipe; on /dev/null it ends at once.
        let (_, termination, lines) = try await Support.run(
            Support.request(["sh", "-c", "readlink /proc/self/fd/0; cat; echo done"], in: dir.path))
        #expect(termination == .exited(0))
        #expect(lines.texts(.stdout) == ["/dev/null", "done"])
    }

    @Test func onlyDescriptorsZeroOneTwoAreInherited() async throws {
        let dir = try TemporaryDirectory("v6proc")
        // A descriptor without close-on-exec in this process: only closefrom keeps it out.
        let leaky = open("/dev/null", O_RDONLY)
        #expect(leaky >= 3)
        defer { close(leaky) }
        let (_, termination, lines) = try await Support.run(
            Support.request(["sh", "-c", "ls /proc/$$/fd"], in: dir.path))
        #expect(termination == .exited(0))
        #expect(lines.texts(.stdout) == ["0", "1", "2"])
        #expect(lines.texts(.stderr) == [])
    }

    @Test(arguments: [0, 1, 2, 7] as [Int32])
    func exitCodesAreReported(code: Int32) async throws {
        let dir = try TemporaryDirectory("v6proc")
        let (_, termination, _) = try await Support.run(Support.request(["sh", "-c", "exit \(code)"], in: dir.path))
        #expect(termination == .exited(code))
    }

    @Test(arguments: [("KILL", SIGKILL), ("TERM", SIGTERM), ("USR1", SIGUSR1)] as [(String, Int32)])
    func deathBySignalIsReported(name: String, signal: Int32) async throws {
        let dir = try TemporaryDirectory("v6proc")
        let (_, termination, _) = try await Support.run(Support.request(["sh", "-c", "kill -\(name) $$"], in: dir.path))
        #expect(termination == .signaled(signal))
    }

    @Test func theTaskStartsWithDefaultSignalHandling() async throws {
        let dir = try TemporaryDirectory("v6proc")
        // The daemon ignores SIGPIPE (as NIO does) and blocks signals it reads through sources;
        // the task must get neither. (Ignoring SIGPIPE here is harmless for other tests.)
        signal(SIGPIPE, SIG_IGN)
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR2)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let lines = LineCollector()
        let process: TaskProcess
        do {
            process = try TaskProcess.spawn(
                Support.request(["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"], in: dir.path), onLine: lines.onLine)
        } catch {
            pthread_sigmask(SIG_SETMASK, &previous, nil)
            throw error
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        #expect(await Support.wait(process) == .exited(0))
        let masks = Dictionary(uniqueKeysWithValues: lines.texts(.stdout).map { line in
            let parts = line.split(separator: "\t")
            return (String(parts[0]), UInt64(parts[1], radix: 16) ?? .max)
        })
        // Signals 1-31; glibc's posix_spawn leaves its internal signals 32 and 33 ignored.
        #expect(masks["SigBlk:"].map { $0 & 0xFFFF_FFFF } == 0)
        #expect(masks["SigIgn:"].map { $0 & 0x7FFF_FFFF } == 0)
    }

    @Test func theTaskLeadsItsOwnSessionAndProcessGroup() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let (process, termination, lines) = try await Support.run(
            Support.request(["sh", "-c", "cut -d' ' -f5,6 /proc/$$/stat"], in: dir.path))
        #expect(termination == .exited(0))
        #expect(lines.texts(.stdout) == ["\(process.pid) \(process.pid)"])
    }

    @Test func manyRunsAtOnceKeepTheirOwnOutput() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let results = try await withThrowingTaskGroup(of: (Int, Termination?, [String]).self) { group in
            for index in 0..<24 {
                group.addTask {
                    let script = "for i in 1 2 3; do echo task\(index)-$i; sleep 0.01; done; exit \(index % 4)"
                    let (_, termination, lines) = try await Support.run(Support.request(["sh", "-c", script], in: dir.path))
                    return (index, termination, lines.texts(.stdout))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 24)
        for (index, termination, out) in results {
            #expect(termination == .exited(Int32(index % 4)))
            #expect(out == (1...3).map { "task\(index)-\($0)" })
        }
    }
}
