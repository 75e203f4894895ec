import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport
@testable import SchedulerDaemon

/// A task's stdout and stderr, read line by line while it runs.
@Suite struct ProcessOutputTests {
    typealias Support = ProcessTestSupport

    @Test func linesArriveInOrderOnTheirStream() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let script = "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; printf 'last without newline'"
        let (process, termination, lines) = try await Support.run(Support.request(["sh", "-c", script], in: dir.path))
        #expect(termination == .exited(0))
        #expect(lines.texts(.stdout) == ["out1", "out2", "out3", "out4", "out5", "last without newline"])
        #expect(lines.texts(.stderr) == ["err1", "err2", "err3", "err4", "err5"])
        // Everything small fits in the tail: every byte, each stream's bytes in order.
        let tail = String(decoding: process.outputTail, as: UTF8.self)
        #expect(process.outputTail.count == 5 * 10 + 20)
        // How the two streams interleave depends on read timing; each one's bytes are in order.
        var stdoutPart = tail
        for index in 1...5 { stdoutPart = stdoutPart.replacingOccurrences(of: "err\(index)\n", with: "") }
        #expect(stdoutPart == "out1\nout2\nout3\nout4\nout5\nlast without newline")
    }

    @Test func overlongLinesArriveInPiecesAndInvalidUTF8IsReplaced() async throws {
        let dir = try TemporaryDirectory("v6proc")
        // 40,000 'a' then a newline; then bytes FF FE that are not UTF-8.
        let script = "head -c 40000 /dev/zero | tr '\\0' a; echo; printf '\\377\\376 ok\\n'"
        let (_, termination, lines) = try await Support.run(Support.request(["sh", "-c", script], in: dir.path))
        #expect(termination == .exited(0))
        let out = lines.texts(.stdout)
        #expect(out.map(\.utf8.count) == [16384, 16384, 7232, 9])
        #expect(out.prefix(3).allSatisfy { $0.allSatisfy { $0 == "a" } })
        #expect(out.last == "\u{FFFD}\u{FFFD} ok")
    }

    /// What a run keeps of a flood is bounded by construction: the 64 KiB tail and one line of at
    /// most `OutputLine.maximumLength` at a time, checked here. (The resident memory of this test
    /// process, shared with every other suite running beside it, says nothing about that; the
    /// daemon's own under a 300 MB flood is a `make bench` figure.)
    @Test func aFloodKeepsTheTailAt64KiBAndLinesCut() async throws {
        let dir = try TemporaryDirectory("v6proc")
        let counter = ByteCounter()
        // 200 MB without a single newline, then a marker line.
        let script = "head -c 200000000 /dev/zero | tr '\\0' x; echo; echo END"
        let process = try TaskProcess.spawn(Support.request(["sh", "-c", script], in: dir.path), onLine: counter.add)
        let termination = await Support.wait(process, timeout: 300)
        #expect(termination == .exited(0))
        #expect(process.outputByteCount == 200_000_000 + 1 + 4)
        #expect(counter.bytes == 200_000_000 + 3)
        #expect(counter.longest == OutputLine.maximumLength)
        let tail = process.outputTail
        #expect(tail.count == 64 * 1024)
        #expect(tail.suffix(5) == Array("\nEND\n".utf8))
        #expect(tail.dropLast(5).allSatisfy { $0 == UInt8(ascii: "x") })
    }
}

/// Counts what arrives without keeping it.
final class ByteCounter: Sendable {
    private let state = Mutex<(bytes: Int, longest: Int)>((0, 0))
    var add: @Sendable (OutputLine) -> Void {
        { line in self.state.withLock { $0.bytes += line.text.utf8.count; $0.longest = max($0.longest, line.text.utf8.count) } }
    }
    var bytes: Int { state.withLock { $0.bytes } }
    var longest: Int { state.withLock { $0.longest } }
}
