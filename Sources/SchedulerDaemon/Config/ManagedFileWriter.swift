import Foundation
import Glibc

/// Writes the managed drop-in so that a reader (the daemon at its next start, `check-config`)
/// sees either the old file or the new one, never a part: a temporary file in the same
/// directory (hidden, so the loader skips it), fsync, rename over the target, fsync of the
/// directory (the rename itself is then on disk). Any failure removes the temporary file and
/// leaves the old file as it was.
enum ManagedFileWriter {
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let step: String
        let errno: Int32
        var description: String { "cannot write \(path): \(String(cString: strerror(errno))) (\(step))" }
        /// ENOSPC, EROFS, EACCES, EDQUOT...: the disk or the directory, not the daemon.
        var reason: String { String(cString: strerror(errno)) }
    }

    /// Writes `text` to `path`; creates the file's directory (one level, mode 0755) if missing.
    /// The file gets mode 0640: task environments may hold secrets. Returns the failure of the
    /// last step, the directory's fsync, which comes after the rename and so cannot undo it.
    @discardableResult
    static func write(_ text: String, to path: String) throws(Failure) -> Failure? {
        let directory = (path as NSString).deletingLastPathComponent
        if mkdir(directory, 0o755) != 0, errno != EEXIST {
            throw Failure(path: path, step: "creating \(directory)", errno: errno)
        }
        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o640)
        guard fd >= 0 else { throw Failure(path: path, step: "creating the temporary file \(temporary)", errno: errno) }
        func fail(_ step: String) -> Failure {
            let code = errno
            close(fd)
            unlink(temporary)
            return Failure(path: path, step: step, errno: code)
        }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw fail("writing the temporary file")
            }
            bytes = bytes.dropFirst(written)
        }
        guard fchmod(fd, 0o640) == 0 else { throw fail("setting the mode") }
        guard fsync(fd) == 0 else { throw fail("fsync of the temporary file") }
        guard close(fd) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(path: path, step: "closing the temporary file", errno: code)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(path: path, step: "renaming the temporary file into place", errno: code)
        }
        // The rename is in the directory: fsync it, or a power loss may bring the old file back.
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { return Failure(path: path, step: "opening \(directory) to fsync it", errno: errno) }
        defer { close(dirfd) }
        guard fsync(dirfd) == 0 else { return Failure(path: path, step: "fsync of \(directory)", errno: errno) }
        return nil
    }
}
