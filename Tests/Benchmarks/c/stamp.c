/* A task for the burst and disk-load benchmarks: the first thing it does is read CLOCK_REALTIME,
 * so its lateness is measured at exec, without a shell's start-up. It appends one line,
 * "SECONDS.NANOS SCHEDULED", to the file named by its first argument, in one write (O_APPEND:
 * lines of concurrent tasks do not interleave). SCHEDULED is $V6_SCHEDULED_AT (the daemon's ISO
 * time) or $STAMP_SCHEDULED (the floor loop's epoch seconds). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (argc < 2) return 2;
    const char *scheduled = getenv("V6_SCHEDULED_AT");
    if (!scheduled) scheduled = getenv("STAMP_SCHEDULED");
    if (!scheduled) scheduled = "?";
    char line[256];
    int n = snprintf(line, sizeof line, "%lld.%09ld %s\n", (long long)now.tv_sec, now.tv_nsec, scheduled);
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return 1;
    ssize_t written = write(fd, line, (size_t)n);
    close(fd);
    return written == n ? 0 : 1;
}
