import Foundation

/// A small tmpfs mounted at a folder inside a test's temporary directory, so a test can fill
/// a file system or make it read-only without touching anything else on the machine. Needs
/// root (CAP_SYS_ADMIN); `TmpfsMount.unavailableReason` tells tests when to skip.
///
/// Always unmounted by path: by `unmount()`, and by `deinit` if the test failed before it.
public final class TmpfsMount: @unchecked Sendable {
    public let path: String
    private var mounted = false

    /// Mounts a tmpfs of `sizeKiB` at `path` (created if missing), read-only if asked.
    public init(at path: String, sizeKiB: Int, readOnly: Bool = false) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let flags = readOnly ? UInt(MS_RDONLY) : 0
        guard mount("tmpfs", path, "tmpfs", flags, "size=\(sizeKiB)k,mode=0750") == 0 else {
            throw HarnessError("cannot mount a tmpfs at \(path): \(String(cString: strerror(errno))) (needs root)")
        }
        mounted = true
    }

    /// Switches the mount between read-only and read-write. Read-only fails with EBUSY while a
    /// process has a file on it open for writing (the kernel refuses to strand writers).
    public func remount(readOnly: Bool) throws {
        let flags = UInt(MS_REMOUNT) | (readOnly ? UInt(MS_RDONLY) : 0)
        guard mount(nil, path, nil, flags, nil) == 0 else {
            throw HarnessError("cannot remount \(path) \(readOnly ? "read-only" : "read-write"): \(String(cString: strerror(errno)))")
        }
    }

    /// Unmounts (lazily if something still holds it open). Idempotent.
    public func unmount() {
        guard mounted else { return }
        if umount2(path, 0) != 0 { _ = umount2(path, Int32(MNT_DETACH)) }
        mounted = false
    }

    /// Fills the file system with `name` until writes fail (ENOSPC); returns the bytes written.
    @discardableResult
    public func fill(with name: String = "filler") -> Int {
        let fd = open((path as NSString).appendingPathComponent(name), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x5A, count: 4096)
        var total = 0
        while true {
            let n = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            total += n
        }
        return total
    }

    deinit { unmount() }

    /// Why mount tests cannot run here (not root, or mounting is not allowed), or nil if they can.
    /// Found by mounting and unmounting a tiny tmpfs once.
    public static let unavailableReason: String? = {
        guard geteuid() == 0 else { return "not root: mounting a tmpfs needs root (CI runs as root)" }
        guard let scratch = try? TemporaryDirectory("v6mountprobe") else { return "cannot create a temporary directory" }
        do {
            let probe = try TmpfsMount(at: scratch.file("m"), sizeKiB: 64)
            probe.unmount()
            return nil
        } catch {
            return "\(error)"
        }
    }()
}
