import Testing
@testable import SchedulerDaemon

/// The pure parts of output handling: line splitting and the 64 KiB tail.
@Suite struct ProcessLineSplitterTests {
    private func split(_ chunks: [[UInt8]], maximum: Int = 16) -> [String] {
        var splitter = LineSplitter(maximumLength: maximum)
        var lines: [String] = []
        for chunk in chunks { chunk.withUnsafeBytes { splitter.feed($0) { lines.append($0) } } }
        splitter.finish { lines.append($0) }
        return lines
    }

    @Test func splitsOnNewlinesAcrossChunks() {
        #expect(split([Array("ab\ncd".utf8), Array("ef\n\ngh".utf8)]) == ["ab", "cdef", "", "gh"])
        #expect(split([Array("one\n".utf8)]) == ["one"])
        #expect(split([]) == [])
    }

    @Test func byteByByteGivesTheSameLinesAsOneChunk() {
        let text = Array("héllo wörld\nçava €uro 😀\n\nend".utf8)
        #expect(split(text.map { [$0] }, maximum: 7) == split([text], maximum: 7))
    }

    @Test func cutsOverlongLinesAtCharacterBoundaries() {
        // 14 ASCII + a 4-byte emoji: a 16-byte cut would split the emoji; the piece stops before it.
        let line = String(repeating: "a", count: 14) + "😀" + "bc"
        let pieces = split([Array((line + "\n").utf8)])
        #expect(pieces == [String(repeating: "a", count: 14), "😀bc"])
        #expect(pieces.joined() == line)
        let long = String(repeating: "é", count: 20)  // 40 bytes, 2 each: cuts at 16 exactly
        #expect(split([Array(long.utf8)]).map(\.utf8.count) == [16, 16, 8])
    }

    @Test func replacesInvalidUTF8() {
        #expect(split([[0x61, 0xFF, 0x62, 0x0A, 0xC3]]) == ["a\u{FFFD}b", "\u{FFFD}"])
    }

    @Test func tailKeepsTheLastBytesInOrder() {
        var tail = OutputTail(capacity: 10)
        for chunk in ["abc", "defg", "hijkl", "m"] { Array(chunk.utf8).withUnsafeBytes { tail.append($0) } }
        #expect(String(decoding: tail.bytes, as: UTF8.self) == "defghijklm")
        Array("0123456789012".utf8).withUnsafeBytes { tail.append($0) }
        #expect(String(decoding: tail.bytes, as: UTF8.self) == "3456789012")
        #expect(tail.totalBytes == 13 + 13)
        var small = OutputTail(capacity: 10)
        Array("xy".utf8).withUnsafeBytes { small.append($0) }
        #expect(small.bytes == Array("xy".utf8))
    }
}
