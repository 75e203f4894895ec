/* The floor for "N tasks due at one instant": sleeps until the next whole second that is a
 * multiple of PERIOD (clock_nanosleep, TIMER_ABSTIME, CLOCK_REALTIME, as the daemon's timerfd),
 * then posix_spawns PROGRAM FILE N times in a loop, one after the other, with STAMP_SCHEDULED set
 * to that second; reaps them all; repeats BURSTS times.
 *
 *   burst_floor PROGRAM FILE N PERIOD BURSTS
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s PROGRAM FILE N PERIOD BURSTS\n", argv[0]);
        return 2;
    }
    const char *program = argv[1];
    int count = atoi(argv[3]), period = atoi(argv[4]), bursts = atoi(argv[5]);
    pid_t *pids = calloc((size_t)count, sizeof *pids);
    char *child_argv[] = {(char *)program, argv[2], NULL};
    for (int b = 0; b < bursts; b++) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        time_t due = (now.tv_sec / period + 1) * period;
        struct timespec at = {.tv_sec = due, .tv_nsec = 0};
        while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at, NULL) != 0) {}
        char value[64];
        snprintf(value, sizeof value, "%lld", (long long)due);
        setenv("STAMP_SCHEDULED", value, 1);
        for (int i = 0; i < count; i++) {
            if (posix_spawn(&pids[i], program, NULL, NULL, child_argv, environ) != 0) {
                perror("posix_spawn");
                return 1;
            }
        }
        for (int i = 0; i < count; i++) waitpid(pids[i], NULL, 0);
    }
    free(pids);
    return 0;
}
