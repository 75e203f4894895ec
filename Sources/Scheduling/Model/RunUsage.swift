/// What the kernel measured for one run: CPU time (user + system) and peak resident memory of
/// the task's main process and the descendants it waited for (`wait4`'s rusage).
public struct RunUsage: Sendable, Equatable {
    public var cpuSeconds: Double
    public var maxRSSBytes: Int64

    public init(cpuSeconds: Double, maxRSSBytes: Int64) {
        self.cpuSeconds = cpuSeconds
        self.maxRSSBytes = maxRSSBytes
    }
}
