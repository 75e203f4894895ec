import Foundation

/// The state directory's files: creating them with safe modes, durably, and finding out whether
/// the directory can take a write (and if not, the OS's reason).
///
/// SQLite reports a full disk or a read-only file system with its own codes, and at open time
/// no OS error at all (SQLITE_CANTOPEN); a real write next to the database names the cause.
enum StateDirectory {
    /// Creates `directory` (and missing parents) with mode 0750; an existing one is left as is
    /// (systemd's StateDirectory= sets its own mode).
    static func create(_ directory: String) throws(StoreError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw StoreError.cannotCreateDirectory(directory, errno: ENOTDIR)
            }
            return
        }
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != directory { try create(parent) }
        if mkdir(directory, 0o750) != 0 {
            let code = errno
            if code != EEXIST { throw StoreError.cannotCreateDirectory(directory, errno: code) }
            return
        }
        // mkdir applies the umask; chmod so the mode is 0750 whatever the umask.
        _ = chmod(directory, 0o750)
        syncDirectory(parent.isEmpty ? "." : parent)
    }

    /// Creates an empty database file with mode 0640 (SQLite would use 0644, and its -wal and
    /// -shm files copy the database's mode). An empty file is a valid empty database.
    static func createDatabaseFile(_ path: String) throws(StoreError) {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { return }
            throw StoreError(code: storeCode(for: code), path: path, operation: "create the database file",
                             reason: StoreError.osReason(code))
        }
        _ = fchmod(fd, 0o640)
        close(fd)
        // The new name must survive a power loss along with the WAL that SQLite syncs next to it.
        syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Nil when a 4 KiB file can be written and synced in `directory`; else the errno that stopped it.
    static func writeFailure(in directory: String) -> Int32? {
        var info = stat()
        if stat(directory, &info) != 0 { return errno }
        if (info.st_mode & S_IFMT) != S_IFDIR { return ENOTDIR }
        let probe = (directory as NSString).appendingPathComponent(".state.db.probe")
        let fd = open(probe, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        if fd < 0 { return errno }
        defer {
            close(fd)
            unlink(probe)
        }
        let block = [UInt8](repeating: 0, count: 4096)
        let written = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 { return errno }
        // A short write without an error means the file system filled up mid-write.
        if written < block.count { return ENOSPC }
        if fsync(fd) != 0 { return errno }
        return nil
    }

    /// The store's error code for an OS error met while writing.
    static func storeCode(for code: Int32) -> StoreError.Code {
        switch code {
        case ENOSPC, EDQUOT: .diskFull
        case EROFS, EACCES, EPERM: .readOnly
        case ENOENT, ENOTDIR: .cannotOpen
        default: .ioError
        }
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
