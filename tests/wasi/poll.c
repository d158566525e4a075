// poll(): standard input (a file or pipe with data: ready), standard output
// (ready), no descriptors with a timeout (a sleep through poll_oneoff's
// clock), and a descriptor that is not open.
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    struct pollfd in = {0, POLLIN, 0};
    int n = poll(&in, 1, 1000);
    printf("poll stdin: %d, POLLIN: %d\n", n, !!(in.revents & POLLIN));
    char buf[64];
    ssize_t r = read(0, buf, sizeof buf);
    printf("read stdin: %zd \"%.*s\"\n", r, (int)(r > 0 ? r - 1 : 0), buf);

    struct pollfd out = {1, POLLOUT, 0};
    n = poll(&out, 1, 0);
    printf("poll stdout: %d, POLLOUT: %d\n", n, !!(out.revents & POLLOUT));

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    n = poll(NULL, 0, 15);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("poll nothing for 15ms: %d, slept at least 15ms: %s\n", n, ms >= 15 ? "yes" : "no");

    struct pollfd bad = {42, POLLIN, 0};
    n = poll(&bad, 1, 0);
    printf("poll fd 42: %d, revents: %#x\n", n, bad.revents);
    return 0;
}
