// Linux baselines for a call between two user processes and for creating a
// process, in the same QEMU and with the same accelerator as FTL's own
// benchmarks.
//
// Call: the parent writes one byte into one pipe, the child reads it and
// writes it back through a second pipe, and the parent reads it: one round
// trip, the nearest Linux has to FTL's user-to-user message call. Runs 11
// batches of 2,000 round trips and prints the median batch's per-trip rdtsc
// ticks as `bench: linux.ipc.call.user_user N cycles`.
//
// Process: fork() of this small static program, then waitpid() for the child
// that calls _exit(0) at once. Prints the median of 100 in microseconds as
// `bench: linux.process.create_exit_us N us`.
//
// Built static by bench/linux/build.sh and run by the initramfs's /init.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define BATCHES 11
#define TRIPS 2000
#define FORKS 100

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void read_byte(int fd, char *byte)
{
    if (read(fd, byte, 1) != 1) {
        die("read");
    }
}

static void write_byte(int fd, char byte)
{
    if (write(fd, &byte, 1) != 1) {
        die("write");
    }
}

// The child's side: echoes every byte until the parent closes its pipe.
static void echo_loop(int in, int out)
{
    char byte;
    while (read(in, &byte, 1) == 1) {
        write_byte(out, byte);
    }
    _exit(0);
}

static uint64_t pipe_round_trip(void)
{
    int to_child[2], to_parent[2];
    if (pipe(to_child) < 0 || pipe(to_parent) < 0) {
        die("pipe");
    }
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        echo_loop(to_child[0], to_parent[1]);
    }
    close(to_child[0]);
    close(to_parent[1]);

    uint64_t per_trip[BATCHES];
    char byte = 'x';
    write_byte(to_child[1], byte); // warm up both sides
    read_byte(to_parent[0], &byte);
    for (int batch = 0; batch < BATCHES; batch++) {
        uint64_t start = __rdtsc();
        for (int i = 0; i < TRIPS; i++) {
            write_byte(to_child[1], byte);
            read_byte(to_parent[0], &byte);
        }
        per_trip[batch] = (__rdtsc() - start) / TRIPS;
    }
    close(to_child[1]);
    waitpid(child, NULL, 0);
    close(to_parent[0]);
    qsort(per_trip, BATCHES, sizeof per_trip[0], compare_u64);
    return per_trip[BATCHES / 2];
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t create_exit_ns(void)
{
    uint64_t took[FORKS];
    for (int i = 0; i < FORKS; i++) {
        uint64_t start = now_ns();
        pid_t child = fork();
        if (child < 0) {
            die("fork");
        }
        if (child == 0) {
            _exit(0);
        }
        if (waitpid(child, NULL, 0) != child) {
            die("waitpid");
        }
        took[i] = now_ns() - start;
    }
    qsort(took, FORKS, sizeof took[0], compare_u64);
    return took[FORKS / 2];
}

int main(void)
{
    printf("bench: linux.ipc.call.user_user %llu cycles\n",
           (unsigned long long)pipe_round_trip());
    fflush(stdout);
    printf("bench: linux.process.create_exit_us %llu us\n",
           (unsigned long long)(create_exit_ns() / 1000));
    return 0;
}
