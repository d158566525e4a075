// Files and directories under a preopened directory seen as /sandbox:
// create, write, read, seek, tell, pread/pwrite, append, truncate, stat,
// fsync, rename, link, symlink/readlink, mkdir/readdir/rmdir, unlink,
// timestamps, and the errors of each (EEXIST, ENOENT, ENOTDIR, EISDIR,
// ENOTEMPTY, EBADF).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static const char *ename(int e) {
    switch (e) {
    case 0: return "OK";
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case EPERM: return "EPERM";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ESPIPE: return "ESPIPE";
    default: return "other";
    }
}

#define CHECK(what, expr) do { errno = 0; int r_ = (expr); \
    printf("%s: %s\n", what, r_ < 0 ? ename(errno) : "OK"); } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static void list(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) { printf("opendir %s: %s\n", dir, ename(errno)); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *s = malloc(strlen(e->d_name) + 4);
        sprintf(s, "%s%s", e->d_name,
                e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
        names[n++] = s;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp);
    printf("ls %s:", dir);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

static void cat(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) { printf("cat %s: %s\n", path, ename(errno)); return; }
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    printf("cat %s: \"%s\"\n", path, buf);
}

int main(void) {
    // Create and write.
    int fd = open("/sandbox/a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    printf("open a.txt for writing: %s\n", fd >= 0 ? "OK" : ename(errno));
    printf("write: %zd\n", write(fd, "hello, world\n", 13));
    printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek set 7: %lld\n", (long long)lseek(fd, 7, SEEK_SET));
    printf("write over: %zd\n", write(fd, "WASI!", 5));
    printf("tell: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    CHECK("fsync", fsync(fd));
    CHECK("fdatasync", fdatasync(fd));
    CHECK("close", close(fd));
    CHECK("close again", close(fd));
    cat("/sandbox/a.txt");

    // Relative paths resolve against the preopen too (cwd is /).
    cat("sandbox/a.txt");

    // Exclusive create.
    CHECK("O_EXCL on existing", open("/sandbox/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    CHECK("open missing", open("/sandbox/missing.txt", O_RDONLY));

    // Read, pread, pwrite.
    fd = open("/sandbox/a.txt", O_RDWR);
    char buf[64] = {0};
    printf("read 5: %zd \"%.5s\"\n", read(fd, buf, 5), buf);
    memset(buf, 0, sizeof buf);
    printf("pread 5 at 7: %zd \"%.5s\"\n", pread(fd, buf, 5, 7), buf);
    printf("tell after pread: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("pwrite at 0: %zd\n", pwrite(fd, "HELLO", 5, 0));
    struct stat st;
    fstat(fd, &st);
    printf("fstat: size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    CHECK("ftruncate 5", ftruncate(fd, 5));
    fstat(fd, &st);
    printf("size after truncate: %lld\n", (long long)st.st_size);
    close(fd);
    cat("/sandbox/a.txt");

    // Append.
    fd = open("/sandbox/a.txt", O_WRONLY | O_APPEND);
    write(fd, " there", 6);
    close(fd);
    FILE *f = fopen("/sandbox/a.txt", "a");
    fputs("!\n", f);
    fclose(f);
    cat("/sandbox/a.txt");

    // Directories.
    CHECK("mkdir d", mkdir("/sandbox/d", 0755));
    CHECK("mkdir d again", mkdir("/sandbox/d", 0755));
    CHECK("mkdir d/e", mkdir("/sandbox/d/e", 0755));
    f = fopen("/sandbox/d/e/f.txt", "w");
    fputs("nested", f);
    fclose(f);
    list("/sandbox");
    list("/sandbox/d/e");
    CHECK("rmdir non-empty d", rmdir("/sandbox/d"));
    CHECK("open file as dir", open("/sandbox/a.txt/x", O_RDONLY));
    CHECK("open dir for writing", open("/sandbox/d", O_WRONLY));
    CHECK("unlink a dir", unlink("/sandbox/d"));
    CHECK("O_DIRECTORY on file", open("/sandbox/a.txt", O_RDONLY | O_DIRECTORY));

    stat("/sandbox/d", &st);
    printf("stat d: dir=%d\n", S_ISDIR(st.st_mode));
    CHECK("stat missing", stat("/sandbox/nope", &st));

    // Rename and hard links.
    CHECK("rename a.txt -> d/b.txt", rename("/sandbox/a.txt", "/sandbox/d/b.txt"));
    cat("/sandbox/d/b.txt");
    CHECK("rename missing", rename("/sandbox/a.txt", "/sandbox/c.txt"));
    CHECK("link d/b.txt -> c.txt", link("/sandbox/d/b.txt", "/sandbox/c.txt"));
    stat("/sandbox/c.txt", &st);
    printf("nlink after link: %d\n", (int)st.st_nlink);

    // Symlinks inside the sandbox.
    CHECK("symlink d/b.txt <- s", symlink("d/b.txt", "/sandbox/s"));
    char target[64] = {0};
    ssize_t n = readlink("/sandbox/s", target, sizeof target - 1);
    printf("readlink s: %zd \"%s\"\n", n, n > 0 ? target : "");
    cat("/sandbox/s");
    lstat("/sandbox/s", &st);
    printf("lstat s: link=%d\n", S_ISLNK(st.st_mode));
    stat("/sandbox/s", &st);
    printf("stat s: regular=%d\n", S_ISREG(st.st_mode));
    CHECK("O_NOFOLLOW on symlink", open("/sandbox/s", O_RDONLY | O_NOFOLLOW));
    list("/sandbox");

    // Timestamps.
    struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
    CHECK("utimensat", utimensat(AT_FDCWD, "/sandbox/c.txt", times, 0));
    stat("/sandbox/c.txt", &st);
    printf("mtime: %lld.%09ld atime: %lld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
           (long long)st.st_atim.tv_sec);
    fd = open("/sandbox/c.txt", O_RDONLY);
    struct timespec t2[2] = {{0, UTIME_OMIT}, {1500000000, 0}};
    CHECK("futimens", futimens(fd, t2));
    fstat(fd, &st);
    printf("mtime: %lld atime: %lld\n", (long long)st.st_mtim.tv_sec, (long long)st.st_atim.tv_sec);
    close(fd);

    // Seeking a stream.
    errno = 0;
    printf("lseek stdout: %lld %s\n", (long long)lseek(1, 0, SEEK_CUR), ename(errno));

    // Clean up.
    CHECK("unlink s", unlink("/sandbox/s"));
    CHECK("unlink c.txt", unlink("/sandbox/c.txt"));
    CHECK("unlink d/b.txt", unlink("/sandbox/d/b.txt"));
    CHECK("unlink d/e/f.txt", unlink("/sandbox/d/e/f.txt"));
    CHECK("rmdir d/e", rmdir("/sandbox/d/e"));
    CHECK("rmdir d", rmdir("/sandbox/d"));
    CHECK("unlink missing", unlink("/sandbox/d"));
    list("/sandbox");
    return 0;
}
