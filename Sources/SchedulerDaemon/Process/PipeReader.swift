import Dispatch
import Glibc

/// A read buffer shared by the two pipes of one task; both are read on the task's serial queue,
/// never at the same time, so one buffer per task bounds memory at any number of tasks.
final class ReadBuffer: @unchecked Sendable {
    static let size = 32 * 1024
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: ReadBuffer.size, alignment: 16)
    deinit { bytes.deallocate() }
}

/// Reads one of a task's output pipes as data arrives (readiness from `ProcessEventLoop`, reads
/// on the task's serial queue). Each chunk goes to `onBytes` (the tail), then its lines to
/// `onLine`, in order. Confined to the task's queue (hence @unchecked Sendable: its closures
/// run only on that queue).
final class PipeReader: @unchecked Sendable {
    /// Reads per readiness before yielding the queue: a writer faster than us must not keep
    /// the task's queue (its exit handling, its timers) waiting forever.
    static let burst = 16

    let stream: OutputLine.Stream
    private let fd: Int32
    private let queue: DispatchQueue
    private let buffer: ReadBuffer
    private var splitter = LineSplitter()
    private let onBytes: (UnsafeRawBufferPointer) -> Void
    private let onLine: (OutputLine) -> Void
    private let onClosed: () -> Void
    private var watch: ProcessEventLoop.Watch?
    /// EOF (or a read error) was seen, or the reader was closed by force; the fd is closed.
    private(set) var isClosed = false

    /// `fd` must be non-blocking; the reader owns it and closes it.
    init(fd: Int32, stream: OutputLine.Stream, queue: DispatchQueue, buffer: ReadBuffer,
         onBytes: @escaping (UnsafeRawBufferPointer) -> Void, onLine: @escaping (OutputLine) -> Void,
         onClosed: @escaping () -> Void) {
        self.fd = fd
        self.stream = stream
        self.queue = queue
        self.buffer = buffer
        self.onBytes = onBytes
        self.onLine = onLine
        self.onClosed = onClosed
    }

    /// Starts watching the pipe; false (errno set) if it cannot be watched.
    func start() -> Bool {
        watch = ProcessEventLoop.shared.watch(fd, queue: queue) { [self] in self.readable() }
        return watch != nil
    }

    /// Reads until the pipe is empty (EAGAIN) or ends, at most `burst` chunks, then re-arms.
    private func readable() {
        guard !isClosed, let watch else { return }
        for _ in 0..<Self.burst {
            switch readOnce() {
            case .data: continue
            case .empty: ProcessEventLoop.shared.rearm(watch); return
            case .end: close(); return
            }
        }
        ProcessEventLoop.shared.rearm(watch)  // still more: level-triggered, it fires again at once
    }

    private enum ReadResult { case data, empty, end }

    private func readOnce() -> ReadResult {
        let n = read(fd, buffer.bytes.baseAddress, buffer.bytes.count)
        if n > 0 {
            deliver(UnsafeRawBufferPointer(rebasing: buffer.bytes[0..<n]))
            return .data
        }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return .empty }
        return .end  // EOF, or an error that will not go away
    }

    private func deliver(_ chunk: UnsafeRawBufferPointer) {
        onBytes(chunk)
        let stream = self.stream
        splitter.feed(chunk) { onLine(OutputLine(stream: stream, text: $0)) }
    }

    /// Delivers the unfinished last line, stops watching and closes the pipe.
    private func close() {
        guard !isClosed else { return }
        isClosed = true
        let stream = self.stream
        splitter.finish { onLine(OutputLine(stream: stream, text: $0)) }
        if let watch { ProcessEventLoop.shared.unwatch(watch) }
        Glibc.close(fd)
        onClosed()
    }

    /// Takes what is already in the pipe (bounded: the writer may still be writing), then closes.
    /// For the end of a run whose pipe is held open by a process the clean-up could not find.
    func closeNow() {
        guard !isClosed else { return }
        for _ in 0..<Self.burst {
            guard readOnce() == .data else { break }
        }
        close()
    }
}
