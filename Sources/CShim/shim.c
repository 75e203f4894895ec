// Glibc's Swift module hides what _GNU_SOURCE guards; defining it here, in a .c file, exposes it.
#define _GNU_SOURCE
#include "CShim.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int v6_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
    *pid = cred.pid;
    *uid = cred.uid;
    *gid = cred.gid;
    return 0;
}

// MARK: - Task processes

int v6_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[],
             const char *cwd, int stdout_fd, int stderr_fd) {
    if (stdout_fd < 3 || stderr_fd < 3) return EBADF;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(&attr);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return rc;
    }
    // The daemon blocks signals it handles through signalfd/DispatchSource and ignores SIGPIPE;
    // a task must start with a clean slate, not inherit that.
    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    if (rc == 0) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &all);
    // Order matters: dup2 the pipes first, then stdin, then close everything else.
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (rc == 0) rc = posix_spawn_file_actions_addchdir_np(&actions, cwd);
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (rc == 0) rc = posix_spawn(pid, path, &actions, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

// Moves `fd` to a descriptor >= 3 (close-on-exec), closing the original.
static int v6_move_above_stdio(int fd) {
    if (fd >= 3) return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int saved = errno;
    close(fd);
    errno = saved;
    return moved;
}

int v6_pipe_cloexec(int fds[2]) {
    int raw[2];
    if (pipe2(raw, O_CLOEXEC) != 0) return -1;
    int r = v6_move_above_stdio(raw[0]);
    int w = v6_move_above_stdio(raw[1]);
    if (r < 0 || w < 0) {
        int saved = errno;
        if (r >= 0) close(r);
        if (w >= 0) close(w);
        errno = saved;
        return -1;
    }
    fds[0] = r;
    fds[1] = w;
    return 0;
}

int v6_pidfd_open(pid_t pid) {
    // pidfd_open's descriptors are always close-on-exec.
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int v6_waitid_pidfd(int pidfd, int options, int *code, int *status) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    int rc;
    do {
        rc = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | options);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return -1;
    if (info.si_pid == 0) return 0;  // WNOHANG, still running
    *code = info.si_code;
    *status = info.si_status;
    return 1;
}

int v6_waitid_pidfd_usage(int pidfd, int options, int *code, int *status, int64_t *cpu_usec, int64_t *maxrss_kib) {
    siginfo_t info;
    struct rusage usage;
    memset(&info, 0, sizeof(info));
    memset(&usage, 0, sizeof(usage));
    *cpu_usec = 0;
    *maxrss_kib = 0;
    long rc;
    do {
        rc = syscall(SYS_waitid, (idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | options, &usage);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return -1;
    if (info.si_pid == 0) return 0;  // WNOHANG, still running
    *code = info.si_code;
    *status = info.si_status;
    *cpu_usec = (int64_t)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec
              + (int64_t)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
    *maxrss_kib = usage.ru_maxrss;
    return 1;
}

pid_t v6_peek_exited_child(void) {
    siginfo_t info;
    memset(&info, 0, sizeof(info));
    int rc;
    do {
        rc = waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return -1;
    return info.si_pid;
}

int v6_set_child_subreaper(int on) {
    return prctl(PR_SET_CHILD_SUBREAPER, (unsigned long)(on ? 1 : 0), 0UL, 0UL, 0UL);
}

int v6_is_child_subreaper(void) {
    int value = 0;
    if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&value, 0UL, 0UL, 0UL) != 0) return -1;
    return value ? 1 : 0;
}

// MARK: - epoll

int v6_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int v6_epoll_watch(int epfd, int fd, uint64_t token, int add) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.u64 = token;
    return epoll_ctl(epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
}

int v6_epoll_unwatch(int epfd, int fd) {
    struct epoll_event unused;  // non-NULL for kernels before 2.6.9
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &unused);
}

int v6_epoll_wait(int epfd, uint64_t *tokens, int max, int timeout_ms) {
    struct epoll_event events[64];
    if (max > 64) max = 64;
    int n = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < n; i++) tokens[i] = events[i].data.u64;
    return n;
}

const int v6_WNOHANG = WNOHANG;
const int v6_WNOWAIT = WNOWAIT;

// MARK: - Timer

int v6_timerfd_create_realtime(void) {
    return timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
}

int v6_timerfd_arm_abs(int fd, int64_t sec, int64_t nsec) {
    struct itimerspec spec;
    memset(&spec, 0, sizeof(spec));  // it_interval zero: one-shot
    spec.it_value.tv_sec = (time_t)sec;
    spec.it_value.tv_nsec = (long)nsec;
    return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL);
}

// MARK: - Mount namespaces (tests)

int v6_thread_enter_mount_namespace(int nsfd) {
    if (unshare(CLONE_FS) != 0) return -1;
    return setns(nsfd, CLONE_NEWNS);
}

int v6_thread_unshare_mount_namespace(void) {
    return unshare(CLONE_FS | CLONE_NEWNS);
}
