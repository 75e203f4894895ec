#ifndef V6_CSHIM_H
#define V6_CSHIM_H
#include <sys/types.h>
#include <stdint.h>

/// `struct ucred` (SO_PEERCRED), which Glibc's Swift module hides behind _GNU_SOURCE: read
/// through NIO's getsockopt by type, so the layout must match the kernel's.
typedef struct { pid_t pid; uid_t uid; gid_t gid; } v6_ucred;

/// Peer credentials of a connected Unix socket (SO_PEERCRED); 0 on success, -1 with errno.
int v6_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

// MARK: - Task processes

/// Spawns `path` (already resolved: no PATH search here; a relative one counts from `cwd`) with `argv` and `envp`
/// (both NULL-terminated) as the leader of a new session and process group (POSIX_SPAWN_SETSID).
/// In the child: the working directory is `cwd`, stdin is /dev/null, stdout and stderr are
/// `stdout_fd` and `stderr_fd` (must be >= 3), every other descriptor is closed, the signal
/// mask is empty and every signal has its default disposition.
/// Returns 0 and sets `*pid`, or returns an errno value (errno itself is not set).
int v6_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
             const char *cwd, int stdout_fd, int stderr_fd);

/// pipe2(O_CLOEXEC), with both ends moved to descriptors >= 3 (so they can never collide
/// with the child's 0, 1, 2). 0 on success, -1 with errno.
int v6_pipe_cloexec(int fds[2]);

/// pidfd_open(pid, 0) (Linux 5.3+): a descriptor that becomes readable when `pid` exits.
/// Close-on-exec. -1 with errno on failure (ESRCH: no such process).
int v6_pidfd_open(pid_t pid);

/// waitid(P_PIDFD, pidfd, ..., WEXITED | options): waits for the process behind a pidfd only,
/// never for anyone else's child. `options` may add WNOHANG and WNOWAIT.
/// Returns 1 and fills `*code` (CLD_EXITED, CLD_KILLED, CLD_DUMPED) and `*status` (exit code
/// or signal number) when the process has exited; 0 with WNOHANG when it has not; -1 with errno.
int v6_waitid_pidfd(int pidfd, int options, int *code, int *status);

/// `v6_waitid_pidfd`, also returning the kernel's resource usage of the process and of the
/// descendants it waited for (the raw waitid system call's fifth argument, which glibc's wrapper
/// hides): CPU time (user + system) in microseconds and the peak resident set in KiB (the
/// largest of those processes). Both are 0 when nothing was returned (0 or -1).
int v6_waitid_pidfd_usage(int pidfd, int options, int *code, int *status, int64_t *cpu_usec, int64_t *maxrss_kib);

/// waitid(P_ALL, 0, ..., WEXITED | WNOHANG | WNOWAIT): the pid of some child that has exited,
/// left unreaped (peek only). Returns the pid, 0 when no child has exited, -1 with errno
/// (ECHILD: no children at all).
pid_t v6_peek_exited_child(void);

/// prctl(PR_SET_CHILD_SUBREAPER, on): orphaned descendants are reparented to this process
/// instead of PID 1. 0 on success, -1 with errno.
int v6_set_child_subreaper(int on);

/// prctl(PR_GET_CHILD_SUBREAPER): 1 if this process is a subreaper, 0 if not, -1 with errno.
int v6_is_child_subreaper(void);

// MARK: - epoll, for the task processes' event loop
// (struct epoll_event is packed on x86_64; these keep it on the C side.)

/// epoll_create1(EPOLL_CLOEXEC); -1 with errno.
int v6_epoll_create(void);

/// Watches `fd` for input (EPOLLIN, and hang-up/error, which epoll always reports), one-shot:
/// after one report the descriptor stays disarmed until `v6_epoll_rearm`. `token` comes back
/// with the event. `add` = 1 to add, 0 to re-arm an added one. 0 on success, -1 with errno.
int v6_epoll_watch(int epfd, int fd, uint64_t token, int add);

/// Stops watching `fd` (call before closing it). 0 on success, -1 with errno.
int v6_epoll_unwatch(int epfd, int fd);

/// epoll_wait into parallel arrays of tokens; returns the count, -1 with errno (EINTR included).
int v6_epoll_wait(int epfd, uint64_t *tokens, int max, int timeout_ms);

/// The flag values Glibc's Swift module hides behind _GNU_SOURCE, for `v6_waitid_pidfd`.
extern const int v6_WNOHANG;
extern const int v6_WNOWAIT;

// MARK: - Timer

/// timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK); -1 with errno.
int v6_timerfd_create_realtime(void);

/// Arms `fd` to fire once at the absolute wall-clock time `sec`.`nsec` (since the epoch),
/// with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET: if the wall clock is set (stepped),
/// `read` on the fd fails at once with ECANCELED, so the caller recomputes and re-arms.
/// A time in the past fires at once; sec == 0 && nsec == 0 disarms. 0 on success, -1 with errno.
int v6_timerfd_arm_abs(int fd, int64_t sec, int64_t nsec);

// MARK: - Mount namespaces (tests)

/// Moves the calling thread, and only it, into the mount namespace open at `nsfd` (a
/// /proc/PID/ns/mnt descriptor): unshare(CLONE_FS) first, since setns(CLONE_NEWNS) refuses a
/// thread that shares its filesystem attributes with others. For tests that run code with a
/// fixed path (sd_journal_sendv's /run/systemd/journal/socket) against a private /run.
/// 0 on success, -1 with errno.
int v6_thread_enter_mount_namespace(int nsfd);

/// Moves the calling thread, and only it, into a new mount namespace (a copy of its current
/// one; make it private before mounting anything). 0 on success, -1 with errno.
int v6_thread_unshare_mount_namespace(void);

#endif
