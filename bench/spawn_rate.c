/* spawn_rate: the raw rate of posix_spawn + waitpid of a trivial program, the floor under any job
 * runner on this machine.
 *
 *   spawn_rate [-n N] [-p PROGRAM]        (defaults: N=2000, PROGRAM=/bin/true)
 *
 * Prints one machine-readable line per figure on stdout:
 *   raw_spawn_serial: X spawns/s (N spawns, T s)    one child at a time
 *   raw_spawn_2x: X spawns/s (N spawns, T s)        two children in flight at all times
 * Exit status: 0 when every child was spawned and exited 0, 1 otherwise, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int failures;

static pid_t spawn_one(const char *prog)
{
    char *argv[] = {(char *)prog, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, prog, NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "spawn_rate: posix_spawn %s: %s\n", prog, strerror(rc));
        ++failures;
        return -1;
    }
    return pid;
}

static void reap(pid_t pid)
{
    int status;
    pid_t got;
    do
        got = waitpid(pid, &status, 0);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        perror("spawn_rate: waitpid");
        ++failures;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ++failures;
    }
}

/* Runs n spawns keeping `width` children in flight; returns spawns per second. */
static double run(const char *prog, int n, int width, double *secs)
{
    double t0 = now_s();
    int started = 0, running = 0;
    while (started < n && running < width) {
        if (spawn_one(prog) > 0)
            ++running;
        ++started;
    }
    while (running > 0) {
        int status;
        pid_t got = waitpid(-1, &status, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            perror("spawn_rate: waitpid");
            ++failures;
            break;
        }
        --running;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            ++failures;
        if (started < n) {
            if (spawn_one(prog) > 0)
                ++running;
            ++started;
        }
    }
    *secs = now_s() - t0;
    return n / *secs;
}

int main(int argc, char **argv)
{
    int n = 2000;
    const char *prog = "/bin/true";
    int opt;
    while ((opt = getopt(argc, argv, "n:p:h")) != -1) {
        switch (opt) {
        case 'n':
            n = atoi(optarg);
            break;
        case 'p':
            prog = optarg;
            break;
        default:
            fprintf(stderr, "usage: spawn_rate [-n N] [-p PROGRAM]\n");
            return 2;
        }
    }
    if (n < 1) {
        fprintf(stderr, "spawn_rate: -n must be >= 1\n");
        return 2;
    }
    /* warm the page cache and the dynamic loader */
    for (int i = 0; i < 20; ++i) {
        pid_t p = spawn_one(prog);
        if (p > 0)
            reap(p);
    }
    failures = 0;

    double secs;
    double serial = run(prog, n, 1, &secs);
    printf("raw_spawn_serial: %.1f spawns/s (%d spawns, %.2f s)\n", serial, n, secs);
    fflush(stdout);
    double two = run(prog, n, 2, &secs);
    printf("raw_spawn_2x: %.1f spawns/s (%d spawns, %.2f s)\n", two, n, secs);
    fflush(stdout);
    if (failures)
        fprintf(stderr, "spawn_rate: %d spawn or exit failures\n", failures);
    return failures ? 1 : 0;
}
