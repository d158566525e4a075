// Traps (integer division by zero) after printing a line; also a reactor-style export.
#include <stdio.h>

__attribute__((noinline)) int divide(int a, int b) { return a / b; }

__attribute__((export_name("add"))) int add(int a, int b) { return a + b; }
__attribute__((export_name("mul64"))) long long mul64(long long a, long long b) { return a * b; }
__attribute__((export_name("half"))) double half(double x) { return x / 2; }

int main(int argc, char **argv) {
    printf("about to trap\n");
    fflush(stdout);
    volatile int zero = 0;
    return divide(argc, zero);
}
