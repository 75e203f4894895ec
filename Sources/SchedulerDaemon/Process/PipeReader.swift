import Dispatch
import Glibc

/// A read buffer shared by the two pipes of one task; both are read on the task's serial queue,
/// never at the same time, so one buffer per task bounds memory at any number of tasks.
final class ReadBuffer: @unchecked Sendable {
    static let size = 32 * 1024
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: ReadBuffer.size, alignment: 16)
    deinit { bytes.deallocate() }
}

/// Reads one of a task's output pipes as data arrives: a DispatchSource read source on the
/// task's serial queue (epoll underneath: no thread per pipe, no polling). Each chunk goes to
/// `onBytes` (the tail), then its lines to `onLine`, in order. Confined to the task's queue
/// (hence @unchecked Sendable: its closures run only on that queue).
final class PipeReader: @unchecked Sendable {
    let stream: OutputLine.Stream
    private let fd: Int32
    private let source: DispatchSourceRead
    private let buffer: ReadBuffer
    private let queue: DispatchQueue
    private var splitter = LineSplitter()
    private let onBytes: (UnsafeRawBufferPointer) -> Void
    private let onLine: (OutputLine) -> Void
    /// EOF (or a read error) was seen, or the reader was closed by force.
    private(set) var isFinished = false
    /// The descriptor is closed: the source's cancel handler ran.
    private(set) var isClosed = false

    /// `fd` must be non-blocking; the reader owns it and closes it.
    init(fd: Int32, stream: OutputLine.Stream, queue: DispatchQueue, buffer: ReadBuffer,
         onBytes: @escaping (UnsafeRawBufferPointer) -> Void, onLine: @escaping (OutputLine) -> Void,
         onClosed: @escaping () -> Void) {
        self.fd = fd
        self.stream = stream
        self.buffer = buffer
        self.queue = queue
        self.onBytes = onBytes
        self.onLine = onLine
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        // The handlers keep the reader alive until the source is cancelled (always: EOF or closeNow).
        source.setEventHandler { [self] in self.readAvailable() }
        // Dispatch may still watch the descriptor until the cancel handler runs: close it only here.
        source.setCancelHandler { [self] in
            close(self.fd)
            self.isClosed = true
            onClosed()
        }
    }

    func start() { source.resume() }

    /// Reads until the pipe is empty (EAGAIN) or ends. Why not one read per event: libdispatch
    /// on Linux unregisters a descriptor when epoll reports EPOLLHUP, after one last event; if
    /// the last data and the hang-up come together, no later event would bring the EOF.
    /// A writer faster than us could keep the pipe full forever, so after `burst` reads the
    /// rest is left to a fresh turn on the queue, letting the task's other work in.
    private func readAvailable() {
        for _ in 0..<Self.burst {
            guard readOnce() else { return }
        }
        queue.async { [self] in self.readAvailable() }
    }

    static let burst = 16

    /// Reads one chunk. False when there is nothing more to read now (EAGAIN) or ever (EOF).
    private func readOnce() -> Bool {
        guard !isFinished else { return false }
        let n = read(fd, buffer.bytes.baseAddress, buffer.bytes.count)
        if n > 0 {
            deliver(UnsafeRawBufferPointer(rebasing: buffer.bytes[0..<n]))
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return false }
        finish()  // EOF, or an error that will not go away
        return false
    }

    private func deliver(_ chunk: UnsafeRawBufferPointer) {
        onBytes(chunk)
        let stream = self.stream
        splitter.feed(chunk) { onLine(OutputLine(stream: stream, text: $0)) }
    }

    /// Delivers the unfinished last line and stops reading.
    private func finish() {
        guard !isFinished else { return }
        isFinished = true
        let stream = self.stream
        splitter.finish { onLine(OutputLine(stream: stream, text: $0)) }
        source.cancel()
    }

    /// Takes what is already in the pipe (bounded: the writer may still be writing), then stops.
    /// For the end of a run whose pipe is held open by a process the clean-up could not find.
    func closeNow() {
        var reads = 0
        while !isFinished, reads < 8, readOnce() { reads += 1 }
        finish()
    }
}
