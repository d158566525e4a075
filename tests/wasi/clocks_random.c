// Clocks (realtime, monotonic, resolution, sleeping through poll_oneoff),
// random bytes and sched_yield. Prints only facts that hold on any host.
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <wasi/api.h>

// Not declared by every wasi-libc: imported by hand.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
int raw_proc_raise(int signal);

static int64_t ns(clockid_t c) {
    struct timespec t;
    if (clock_gettime(c, &t) != 0)
        return -1;
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(void) {
    int64_t real = ns(CLOCK_REALTIME);
    printf("realtime after 2020: %s\n", real > 1577836800LL * 1000000000 ? "yes" : "no");
    time_t now = time(NULL);
    printf("time() close to realtime: %s\n", (int64_t)now - real / 1000000000 <= 1 ? "yes" : "no");

    int64_t m1 = ns(CLOCK_MONOTONIC);
    struct timespec req = {0, 20 * 1000 * 1000};
    nanosleep(&req, NULL);
    int64_t m2 = ns(CLOCK_MONOTONIC);
    printf("monotonic advances: %s\n", m2 > m1 ? "yes" : "no");
    printf("nanosleep 20ms slept >= 20ms: %s\n", m2 - m1 >= 20 * 1000 * 1000 ? "yes" : "no");
    usleep(5000);
    printf("usleep returned: yes\n");

    struct timespec res;
    printf("clock_getres monotonic ok: %s\n",
           clock_getres(CLOCK_MONOTONIC, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0) ? "yes" : "no");

    unsigned char a[64], b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    printf("getentropy: %d %d\n", getentropy(a, sizeof a), getentropy(b, sizeof b));
    int zeros = 1;
    for (unsigned i = 0; i < sizeof a; i++)
        if (a[i]) zeros = 0;
    printf("random not all zero: %s\n", zeros ? "no" : "yes");
    printf("two draws differ: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
    static unsigned char big[100000];
    printf("random_get 100000 bytes: errno %d\n", __wasi_random_get(big, sizeof big));

    printf("sched_yield: %d\n", sched_yield());
    // brisk says ENOSYS, wasmtime ENOTSUP: both refuse.
    printf("proc_raise refused: %s\n", raw_proc_raise(15) != 0 ? "yes" : "no");
    return 0;
}
