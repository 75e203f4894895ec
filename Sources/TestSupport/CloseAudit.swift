import Foundation

/// Finds descriptors closed twice. A second `close` of the same number is harmless only while
/// nobody reuses it; in a threaded process (the dashboard, the test process) another thread may
/// have opened that number meanwhile, and loses its pipe or socket (seen as EBADF in Foundation's
/// `readDataToEndOfFile`, and as a run's lost output lines). A preloaded `close` records every
/// call that fails with EBADF, with a backtrace, in `<log>.<pid>`.
public struct CloseAudit {
    public let library: String
    public let logPrefix: String

    /// Compiles the preload library into `directory` with the machine's C compiler (the Swift
    /// toolchain's clang at least); nil when there is none.
    public static func build(in directory: TemporaryDirectory) throws -> CloseAudit? {
        guard let compiler = ["clang", "cc", "gcc"].lazy.compactMap(Self.find).first else { return nil }
        let source = directory.file("close_audit.c"), library = directory.file("close_audit.so")
        try Self.source.write(toFile: source, atomically: true, encoding: .utf8)
        let built = try Command.run(compiler, ["-shared", "-fPIC", "-O1", "-o", library, source])
        guard built.status == 0 else { throw HarnessError("\(compiler) failed: \(built.stderr)") }
        return CloseAudit(library: library, logPrefix: directory.file("close-audit"))
    }

    /// The environment that preloads the audit into a child (and its children).
    public var environment: [String: String] { ["LD_PRELOAD": library, "CLOSE_AUDIT_LOG": logPrefix] }

    /// Every EBADF close recorded by processes whose executable path contains `executable`.
    public func doubleCloses(by executable: String) -> [String] {
        let directory = (logPrefix as NSString).deletingLastPathComponent
        let prefix = (logPrefix as NSString).lastPathComponent + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.compactMap { name -> String? in
            let text = (try? String(contentsOfFile: (directory as NSString).appendingPathComponent(name), encoding: .utf8)) ?? ""
            return text.contains(executable) ? text : nil
        }
    }

    private static func find(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/opt/swift/usr/bin", "/usr/bin"]
        return directories.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static let source = #"""
        #define _GNU_SOURCE
        #include <errno.h>
        #include <execinfo.h>
        #include <fcntl.h>
        #include <pthread.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/syscall.h>
        #include <unistd.h>

        static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

        int close(int fd) {
            long rc = syscall(SYS_close, fd);
            if (rc == 0 || errno != EBADF) return (int)rc;
            int saved = errno;
            pthread_mutex_lock(&lock);
            char path[4096], head[64];
            snprintf(path, sizeof path, "%s.%d", getenv("CLOSE_AUDIT_LOG") ? getenv("CLOSE_AUDIT_LOG") : "/dev/null", getpid());
            int log = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (log >= 0) {
                char exe[1024] = "";
                ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
                if (n > 0) { exe[n] = 0; write(log, exe, (size_t)n); write(log, "\n", 1); }
                int m = snprintf(head, sizeof head, "close(%d): EBADF\n", fd);
                write(log, head, (size_t)m);
                void *frames[32];
                backtrace_symbols_fd(frames, backtrace(frames, 32), log);
                syscall(SYS_close, log);
            }
            pthread_mutex_unlock(&lock);
            errno = saved;
            return -1;
        }
        """#
}
