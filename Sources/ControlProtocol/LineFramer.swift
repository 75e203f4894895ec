/// What `LineFramer` yields.
public enum FramedLine: Sendable, Equatable {
    /// A complete line, without its newline (a trailing `\r` is kept; JSON treats it as whitespace).
    case line([UInt8])
    /// A line longer than the limit. Reported once per line; its bytes, up to and including the next
    /// newline, are discarded without being buffered.
    case oversized
}

/// Splits a byte stream into newline-terminated lines, for both ends of the socket. Plain `[UInt8]`,
/// no NIO, so that a `ByteToMessageDecoder` can wrap it and tests can drive it chunk by chunk.
///
///     var framer = LineFramer()
///     framer.append(chunk)
///     while let item = framer.next() { ... }
///
/// Memory stays bounded by the limit plus one chunk: an oversized line is dropped as it arrives.
public struct LineFramer: Sendable {
    /// The longest line accepted, in bytes, not counting the newline.
    public let maxLineBytes: Int

    private var buffer: [UInt8] = []
    /// Start of the first unconsumed byte in `buffer`.
    private var start = 0
    /// Bytes before this index (and from `start`) are known to hold no newline.
    private var scanned = 0
    /// Inside an oversized line that was already reported: drop bytes until a newline.
    private var discarding = false

    public init(maxLineBytes: Int = ProtocolLimits.maxRequestBytes) {
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes received but not yet returned as a line.
    public var pendingByteCount: Int { buffer.count - start }

    /// Adds received bytes. Call `next()` until it returns nil afterwards.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        if discarding { skipDiscarded() }
    }

    /// The next complete line, an `.oversized` report, or nil when more bytes are needed.
    public mutating func next() -> FramedLine? {
        if discarding {
            skipDiscarded()
            if discarding { return nil }
        }
        if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
            let lineStart = start
            start = newline + 1
            scanned = start
            defer { compact() }
            guard newline - lineStart <= maxLineBytes else { return .oversized }
            return .line(Array(buffer[lineStart..<newline]))
        }
        scanned = buffer.count
        guard buffer.count - start > maxLineBytes else { return nil }
        // Too long already, newline or not: report it now and drop the rest of it as it arrives.
        discarding = true
        start = buffer.count
        scanned = start
        compact()
        return .oversized
    }

    /// At end of input: the last line if it had no newline (nil if there is none), then a reset.
    public mutating func finish() -> FramedLine? {
        defer {
            buffer = []
            start = 0
            scanned = 0
            discarding = false
        }
        guard !discarding, start < buffer.count else { return nil }
        guard buffer.count - start <= maxLineBytes else { return .oversized }
        return .line(Array(buffer[start...]))
    }

    private mutating func skipDiscarded() {
        if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
            start = newline + 1
            discarding = false
        } else {
            start = buffer.count
        }
        scanned = start
        compact()
    }

    /// Drops consumed bytes once they are the larger part of the buffer (amortised O(1) per byte).
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 4 * maxLineBytes)
            start = 0
            scanned = 0
        } else if start > 4096, start > buffer.count / 2 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
    }
}
