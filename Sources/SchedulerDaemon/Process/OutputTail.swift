/// The last `capacity` bytes of a run's combined stdout and stderr, for its run record.
/// A ring: memory stays at `capacity` however much the task writes.
struct OutputTail {
    /// 64 KiB, the size the run record keeps.
    static let defaultCapacity = 64 * 1024

    let capacity: Int
    /// Grows to `capacity` as output arrives (most tasks write little), then wraps.
    private var storage: [UInt8] = []
    /// Where the next byte goes once `storage` is full (and so where the oldest byte is).
    private var head = 0
    /// Every byte ever appended.
    private(set) var totalBytes = 0

    init(capacity: Int = OutputTail.defaultCapacity) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        totalBytes += chunk.count
        var bytes = chunk
        if bytes.count >= capacity {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - capacity)...])
            storage.removeAll(keepingCapacity: true)
            head = 0
        }
        if storage.count < capacity {
            let fits = min(capacity - storage.count, bytes.count)
            storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<fits]))
            bytes = UnsafeRawBufferPointer(rebasing: bytes[fits...])
        }
        while !bytes.isEmpty {
            let run = min(capacity - head, bytes.count)
            storage.withUnsafeMutableBytes { target in
                target.baseAddress!.advanced(by: head).copyMemory(from: bytes.baseAddress!, byteCount: run)
            }
            head = (head + run) % capacity
            bytes = UnsafeRawBufferPointer(rebasing: bytes[run...])
        }
    }

    /// The kept bytes, oldest first.
    var bytes: [UInt8] {
        guard storage.count == capacity, head != 0 else { return storage }
        return Array(storage[head...] + storage[..<head])
    }
}
