import CShim
import Glibc

/// A spawned child with the parent's ends of its pipes and its pidfd.
struct LaunchedProcess {
    var pid: pid_t
    var pidfd: Int32
    var stdoutFD: Int32
    var stderrFD: Int32
}

/// Checks a request, then posix_spawns it (through CShim) and opens its pidfd.
enum ProcessLauncher {
    static func launch(_ request: SpawnRequest) throws(SpawnError) -> LaunchedProcess {
        try validate(request)
        let cwd = request.workingDirectory
        let program = request.argv[0]
        try ExecutableLookup.checkWorkingDirectory(cwd)
        let path = try ExecutableLookup.resolve(program, cwd: cwd, environment: request.environment)

        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard v6_pipe_cloexec(&out) == 0 else { throw .spawnFailed(program, cwd: cwd, errno: errno) }
        guard v6_pipe_cloexec(&err) == 0 else {
            let error = errno
            close(out[0]); close(out[1])
            throw .spawnFailed(program, cwd: cwd, errno: error)
        }
        // Only the parent's read ends are non-blocking; the child's write ends stay blocking.
        _ = fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(err[0], F_SETFL, fcntl(err[0], F_GETFL) | O_NONBLOCK)

        var environment = request.environment
        environment["V6_RUN_ID"] = nil
        environment["V6_RUN_KEY"] = nil
        // The clean-up's marker first: it is read from /proc/PID/environ, cheapest at the front.
        let marker = request.instance.isEmpty ? [] : [request.cleanupMarker]
        let envp = marker + ["V6_RUN_ID=\(request.runID)"] + environment.map { "\($0.key)=\($0.value)" }.sorted()
        var pid: pid_t = 0
        let rc = withCStrings(request.argv) { argv in
            withCStrings(envp) { envp in
                ChildRegistry.withSharedLock { () -> Int32 in
                    let rc = v6_spawn(&pid, path, argv, envp, cwd, out[1], err[1])
                    if rc == 0 { ChildRegistry.insert(pid) }
                    return rc
                }
            }
        }
        close(out[1])
        close(err[1])
        guard rc == 0 else {
            close(out[0]); close(err[0])
            if rc == ENOENT {
                let script = ExecutableLookup.anchored(path, at: cwd)
                throw .missingInterpreter(program, interpreter: ExecutableLookup.interpreter(of: script))
            }
            throw .spawnFailed(program, cwd: cwd, errno: rc)
        }
        let pidfd = v6_pidfd_open(pid)
        guard pidfd >= 0 else {
            // Cannot watch it, so do not run it: kill and reap it at once (SIGKILL is immediate).
            let error = errno
            kill(-pid, SIGKILL)
            ChildRegistry.withSharedLock {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                ChildRegistry.remove(pid)
            }
            close(out[0]); close(err[0])
            throw .spawnFailed(program, cwd: cwd, errno: error)
        }
        return LaunchedProcess(pid: pid, pidfd: pidfd, stdoutFD: out[0], stderrFD: err[0])
    }

    static func validate(_ request: SpawnRequest) throws(SpawnError) {
        guard let program = request.argv.first, !program.isEmpty else {
            throw .invalid("the command is empty (give at least the program to run)")
        }
        if let index = request.argv.firstIndex(where: { $0.utf8.contains(0) }) {
            throw .invalid("\(program): argument \(index) contains a NUL byte")
        }
        for (key, value) in request.environment where key.isEmpty || key.contains("=") || key.utf8.contains(0)
            || value.utf8.contains(0) {
            throw .invalid("environment variable \"\(key)\": a name must be non-empty without '=', and no NUL bytes anywhere")
        }
        if request.workingDirectory.isEmpty || request.workingDirectory.utf8.contains(0) {
            throw .invalid("the working directory is empty or contains a NUL byte")
        }
        let runID = request.runID
        if runID.isEmpty || runID.utf8.contains(0) || runID.contains("=") {
            throw .invalid("run id \"\(runID)\" must be non-empty, without '=' or NUL (it becomes V6_RUN_ID)")
        }
        if request.instance.utf8.contains(0) {
            throw .invalid("the instance name contains a NUL byte (it becomes part of V6_RUN_KEY)")
        }
    }

    /// A NULL-terminated `char *[]` of `strings`, valid inside `body`.
    static func withCStrings<Result>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
