import Glibc

/// The checks made before spawning, so that a failure names its cause precisely (posix_spawn
/// reports a bare errno: ENOENT could be the program, the folder or the #! interpreter).
enum ExecutableLookup {
    /// execvp's default search path when PATH is unset (confstr(_CS_PATH)).
    static let defaultSearchPath = "/bin:/usr/bin"

    /// Checks that `cwd` is a directory the daemon can enter.
    static func checkWorkingDirectory(_ cwd: String) throws(SpawnError) {
        var info = stat()
        guard stat(cwd, &info) == 0 else {
            let error = errno
            if error == ENOENT { throw .workingDirectoryMissing(cwd) }
            if error == ENOTDIR { throw .workingDirectoryNotDirectory(cwd) }
            throw .workingDirectoryNotAccessible(cwd, errno: error)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .workingDirectoryNotDirectory(cwd) }
        guard access(cwd, X_OK) == 0 else { throw .workingDirectoryNotAccessible(cwd, errno: errno) }
    }

    /// The path to hand to posix_spawn for `program`, checked (anchored at `cwd`) to be an
    /// executable regular file. It is the path execvp would use: `program` itself when it has a
    /// slash, else `PATH-entry/program`. A relative result works because the child changes to
    /// `cwd` before it execs; keeping it relative keeps a script's `$0` what execvp would give.
    static func resolve(_ program: String, cwd: String, environment: [String: String]) throws(SpawnError) -> String {
        if program.contains("/") {
            try checkExecutable(anchored(program, at: cwd), shownAs: program, cwd: cwd)
            return program
        }
        let searchPath = environment["PATH"] ?? defaultSearchPath
        var denied: SpawnError?
        // Like execvp: the first executable match wins; a match that is not executable is
        // reported only if nothing later in PATH works.
        for entry in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let directory = entry.isEmpty ? "." : String(entry)
            let path = directory + "/" + program
            let candidate = anchored(path, at: cwd)
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if access(candidate, X_OK) == 0 { return path }
            if denied == nil { denied = .notExecutable(program, resolved: candidate, mode: info.st_mode, cwd: cwd) }
        }
        throw denied ?? .notInPath(program, path: searchPath)
    }

    static func checkExecutable(_ path: String, shownAs program: String, cwd: String) throws(SpawnError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR { throw .noSuchFile(program, cwd: cwd) }
            throw .accessDenied(program, cwd: cwd, errno: error)
        }
        if info.st_mode & S_IFMT == S_IFDIR { throw .isDirectory(program, cwd: cwd) }
        guard access(path, X_OK) == 0 else {
            let error = errno
            if error == EACCES { throw .notExecutable(program, resolved: program, mode: info.st_mode, cwd: cwd) }
            throw .accessDenied(program, cwd: cwd, errno: error)
        }
    }

    /// The interpreter named on a script's `#!` line, if it has one.
    static func interpreter(of path: String) -> String? {
        guard let head = ProcFiles.read(path, limit: 256), head.starts(with: [UInt8(ascii: "#"), UInt8(ascii: "!")])
        else { return nil }
        let line = head.dropFirst(2).prefix { $0 != UInt8(ascii: "\n") }
        let word = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            .prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }
        return word.isEmpty ? nil : String(decoding: word, as: UTF8.self)
    }

    /// `path` if absolute, else `cwd/path` (the child chdirs before it execs).
    static func anchored(_ path: String, at cwd: String) -> String {
        if path.hasPrefix("/") { return path }
        return cwd.hasSuffix("/") ? cwd + path : cwd + "/" + path
    }
}
