import Glibc

/// Cuts a byte stream into lines. Holds at most `maximumLength` bytes of an unfinished line,
/// so a task that never writes a newline cannot grow the daemon's memory: longer lines come
/// out in pieces of `maximumLength` bytes (cut before a UTF-8 sequence, not inside one).
/// Invalid UTF-8 becomes U+FFFD.
struct LineSplitter {
    let maximumLength: Int
    private var pending: [UInt8] = []

    init(maximumLength: Int = OutputLine.maximumLength) {
        precondition(maximumLength >= 4, "a line piece must hold any UTF-8 sequence")
        self.maximumLength = maximumLength
    }

    /// Bytes held for the line not yet finished.
    var pendingCount: Int { pending.count }

    /// Feeds `chunk`, calling `emit` for each finished line (or piece), in order.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (String) -> Void) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var start = 0
        while start < chunk.count {
            let restStart = base + start
            let rest = UnsafeRawBufferPointer(start: restStart, count: chunk.count - start)
            // memchr: the flood case is 200 MB through here, byte loops would dominate.
            if let newline = memchr(restStart, Int32(UInt8(ascii: "\n")), rest.count) {
                let length = base.distance(to: UnsafeRawPointer(newline)) - start
                let line = UnsafeRawBufferPointer(start: base + start, count: length)
                if pending.isEmpty && length <= maximumLength {
                    emit(Self.decode(line))
                } else {
                    append(line, emit)
                    emit(Self.decode(pending))
                    pending.removeAll(keepingCapacity: true)
                }
                start += length + 1
            } else {
                append(rest, emit)
                break
            }
        }
    }

    /// Emits what is left of an unfinished last line (at end of stream).
    mutating func finish(_ emit: (String) -> Void) {
        guard !pending.isEmpty else { return }
        emit(Self.decode(pending))
        pending.removeAll()
    }

    /// Adds bytes of an unfinished line, emitting full pieces as the limit is reached.
    private mutating func append(_ bytes: UnsafeRawBufferPointer, _ emit: (String) -> Void) {
        var offset = 0
        while pending.count + (bytes.count - offset) > maximumLength {
            let take = maximumLength - pending.count
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            let cut = Self.characterBoundary(pending)
            emit(Self.decode(pending[0..<cut]))
            pending.removeSubrange(0..<cut)
        }
        pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
    }

    /// The largest prefix length of `bytes` that does not end inside a UTF-8 sequence.
    static func characterBoundary(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        var index = count - 1
        // Walk back over at most 3 continuation bytes to the sequence's lead byte.
        while index >= 0, index > count - 4, bytes[index] & 0xC0 == 0x80 { index -= 1 }
        guard index >= 0 else { return count }
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        // Cutting at 0 would emit nothing and loop: a broken sequence that long goes out whole.
        return index + length > count && index > 0 ? index : count
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
    }

    static func decode(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
