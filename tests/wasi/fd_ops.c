// Descriptor operations under /sandbox: a directory of many entries read
// back through several fd_readdir calls (cookies), fd_renumber, fcntl
// (access mode from the rights, O_APPEND and O_NONBLOCK through
// fd_fdstat_set_flags), isatty, posix_fadvise, posix_fallocate, growing a
// file with ftruncate, timestamps of a symlink itself, and writes to a
// read-only descriptor.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/libc.h>

#define N 300

int main(void) {
    char path[128];
    mkdir("/sandbox/many", 0755);
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "/sandbox/many/entry_%03d_with_a_long_name_to_fill_buffers", i);
        int fd = open(path, O_CREAT | O_WRONLY, 0644);
        close(fd);
    }
    DIR *d = opendir("/sandbox/many");
    int count = 0, dots = 0;
    unsigned long long seen[N / 64 + 1] = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        int i;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            dots++;
            continue;
        }
        if (sscanf(e->d_name, "entry_%d", &i) == 1 && i >= 0 && i < N && !(seen[i / 64] & (1ULL << (i % 64)))) {
            seen[i / 64] |= 1ULL << (i % 64);
            count++;
        }
    }
    printf("readdir: %d distinct entries of %d, %d dot entries\n", count, N, dots);
    rewinddir(d);
    int again = 0;
    while ((e = readdir(d)))
        again++;
    printf("after rewinddir: %d entries\n", again);
    closedir(d);
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "/sandbox/many/entry_%03d_with_a_long_name_to_fill_buffers", i);
        unlink(path);
    }
    printf("rmdir many: %d\n", rmdir("/sandbox/many"));

    // fd_renumber.
    int a = open("/sandbox/a", O_CREAT | O_RDWR, 0644);
    int b = open("/sandbox/b", O_CREAT | O_RDWR, 0644);
    write(a, "from a", 6);
    printf("renumber a -> b: %d\n", __wasilibc_fd_renumber(a, b));
    char buf[32] = {0};
    pread(b, buf, sizeof buf - 1, 0);
    printf("b now reads: %s\n", buf);
    errno = 0;
    printf("a after renumber: %zd errno=%s\n", write(a, "x", 1), errno == EBADF ? "EBADF" : "other");
    close(b);

    // Access modes and flags.
    int r = open("/sandbox/a", O_RDONLY);
    int w = open("/sandbox/a", O_WRONLY);
    int rw = open("/sandbox/a", O_RDWR);
    printf("F_GETFL access: r=%d w=%d rw=%d (O_RDONLY=%d O_WRONLY=%d O_RDWR=%d)\n",
           fcntl(r, F_GETFL) & O_ACCMODE, fcntl(w, F_GETFL) & O_ACCMODE, fcntl(rw, F_GETFL) & O_ACCMODE,
           O_RDONLY, O_WRONLY, O_RDWR);
    errno = 0;
    printf("write to read-only fd: %zd errno=%s\n", write(r, "x", 1), errno == EBADF ? "EBADF" : "other");
    errno = 0;
    printf("read from write-only fd: %zd errno=%s\n", read(w, buf, 1), errno == EBADF ? "EBADF" : "other");
    printf("F_SETFL O_APPEND: %d\n", fcntl(w, F_SETFL, O_APPEND));
    printf("F_GETFL has O_APPEND: %d\n", !!(fcntl(w, F_GETFL) & O_APPEND));
    lseek(w, 0, SEEK_SET);
    write(w, "+appended", 9);
    memset(buf, 0, sizeof buf);
    pread(r, buf, sizeof buf - 1, 0);
    printf("after append: %s\n", buf);
    printf("F_SETFL O_NONBLOCK: %d\n", fcntl(rw, F_SETFL, O_NONBLOCK));
    printf("F_GETFL has O_NONBLOCK: %d\n", !!(fcntl(rw, F_GETFL) & O_NONBLOCK));
    printf("isatty(file): %d\n", isatty(rw));
    printf("posix_fadvise: %d\n", posix_fadvise(rw, 0, 10, POSIX_FADV_SEQUENTIAL));
    printf("ftruncate grow to 4096: %d\n", ftruncate(rw, 4096));
    struct stat st;
    fstat(rw, &st);
    printf("size: %lld\n", (long long)st.st_size);
    close(r);
    close(w);
    close(rw);

    // Timestamps of the link, not its target.
    symlink("a", "/sandbox/l");
    struct timespec t[2] = {{1111111111, 0}, {1222222222, 0}};
    printf("utimensat nofollow: %d\n", utimensat(AT_FDCWD, "/sandbox/l", t, AT_SYMLINK_NOFOLLOW));
    struct stat ls, as;
    lstat("/sandbox/l", &ls);
    stat("/sandbox/a", &as);
    printf("link mtime: %lld, target mtime changed: %s\n", (long long)ls.st_mtim.tv_sec,
           as.st_mtim.tv_sec == 1222222222 ? "yes" : "no");
    unlink("/sandbox/l");
    unlink("/sandbox/a");
    unlink("/sandbox/b");
    return 0;
}
