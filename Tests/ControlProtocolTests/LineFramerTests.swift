import Testing
import TestSupport
@testable import ControlProtocol

@Suite struct LineFramerTests {
    private func lines(_ chunks: [[UInt8]], max: Int = 16) -> [FramedLine] {
        var framer = LineFramer(maxLineBytes: max)
        var out: [FramedLine] = []
        for chunk in chunks {
            framer.append(chunk)
            while let item = framer.next() { out.append(item) }
        }
        if let rest = framer.finish() { out.append(rest) }
        return out
    }

    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    private func line(_ s: String) -> FramedLine { .line(Array(s.utf8)) }

    @Test func splitsOnNewlines() {
        #expect(lines([bytes("a\nbc\n\ndef\n")]) == [line("a"), line("bc"), line(""), line("def")])
        #expect(lines([bytes("x\r\n")]) == [line("x\r")], "\\r is left to the JSON parser, which treats it as whitespace")
    }

    @Test func sameLinesWhateverTheChunking() {
        let stream = bytes("{\"v\":1}\nsecond line\n\nthird\nunterminated")
        let expected = [line("{\"v\":1}"), line("second line"), line(""), line("third"), line("unterminated")]
        #expect(lines([stream]) == expected)
        #expect(lines(stream.map { [$0] }) == expected, "byte by byte")
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            var chunks: [[UInt8]] = []
            var i = 0
            while i < stream.count {
                let n = Int(rng.next() % 6)
                chunks.append(Array(stream[i..<min(stream.count, i + n)]))
                i += n
            }
            #expect(lines(chunks) == expected)
        }
    }

    @Test func theLimitIsInclusive() {
        let exact = String(repeating: "a", count: 16)
        #expect(lines([bytes(exact + "\n")]) == [line(exact)])
        #expect(lines([bytes(exact + "a\nok\n")]) == [.oversized, line("ok")])
        #expect(lines([bytes(exact), bytes("a"), bytes("\nok\n")]) == [.oversized, line("ok")])
    }

    @Test func anOversizedLineIsReportedOnceAndDiscardedAsItArrives() {
        var framer = LineFramer(maxLineBytes: 16)
        var seen: [FramedLine] = []
        framer.append(bytes("short\n"))
        while let item = framer.next() { seen.append(item) }
        for _ in 0..<1000 {
            framer.append([UInt8](repeating: 0x41, count: 100))
            while let item = framer.next() { seen.append(item) }
            #expect(framer.pendingByteCount <= 116, "the oversized line is not buffered")
        }
        framer.append(bytes("AAAA\nafter\npart"))
        while let item = framer.next() { seen.append(item) }
        #expect(seen == [line("short"), .oversized, line("after")])
        #expect(framer.pendingByteCount == 4)
        #expect(framer.finish() == line("part"))
        #expect(framer.finish() == nil, "finish resets")
    }

    @Test func finishAtEndOfInput() {
        var framer = LineFramer(maxLineBytes: 4)
        #expect(framer.finish() == nil)
        framer.append(bytes("abc"))
        #expect(framer.next() == nil)
        #expect(framer.finish() == line("abc"))
        framer.append(bytes("abcdefgh"))
        #expect(framer.next() == .oversized)
        #expect(framer.finish() == nil, "the rest of a reported line is not a line")
    }

    @Test func theDefaultLimitIsTheProtocols() {
        let framer = LineFramer()
        #expect(framer.maxLineBytes == 65_536)
        let big = [UInt8](repeating: 0x20, count: 65_536)
        #expect(lines([big + [0x0A], big + [0x20, 0x0A]], max: 65_536) == [.line(big), .oversized])
    }

    @Test func manyLinesInOneLargeChunk() {
        var stream: [UInt8] = []
        for i in 0..<10_000 { stream += bytes("line \(i)\n") }
        let out = lines([stream], max: 64)
        #expect(out.count == 10_000)
        #expect(out.last == line("line 9999"))
    }
}
