// exit(N) with N from argv[1]; returning from main without an argument.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("before exit\n");
    fflush(stdout);
    if (argc > 1)
        exit(atoi(argv[1]));
    return 0;
}
