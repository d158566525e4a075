// Attempts to leave the preopened directory (seen as /sandbox, fd 3): `..`,
// absolute paths, and symlinks pointing outside, through libc and through
// the raw WASI calls (libc alone would reject some before the runtime sees
// them). Each must fail with EPERM or ENOTCAPABLE; the host checks that
// nothing outside changed. The host prepares: ../outside.txt next to the
// sandbox, sandbox/inside.txt, sandbox/escape -> ../outside.txt,
// sandbox/abs_escape -> <absolute path of outside.txt>, sandbox/ok -> inside.txt,
// sandbox/dir_escape -> .. (a directory symlink).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static int leaks = 0;

static void expect_blocked(const char *what, int rc, int err) {
    if (rc >= 0) {
        printf("%s: ALLOWED (escape!)\n", what);
        leaks++;
    } else if (err == EPERM || err == ENOTCAPABLE) {
        printf("%s: blocked\n", what);
    } else {
        printf("%s: failed with errno %d (%s)\n", what, err, strerror(err));
    }
}

#define LIBC(what, expr) do { errno = 0; int r_ = (expr); expect_blocked(what, r_, errno); } while (0)
#define RAW(what, expr) do { __wasi_errno_t e_ = (expr); expect_blocked(what, e_ ? -1 : 0, e_); } while (0)

static __wasi_fd_t fd_out;

int main(void) {
    const __wasi_rights_t rights = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
    __wasi_filestat_t st;

    // A path inside works: the sandbox is not simply closed.
    int fd = open("/sandbox/inside.txt", O_RDONLY);
    printf("open inside.txt: %s\n", fd >= 0 ? "OK" : strerror(errno));
    close(fd);
    fd = open("/sandbox/ok", O_RDONLY);
    printf("open ok (symlink inside): %s\n", fd >= 0 ? "OK" : strerror(errno));
    close(fd);
    fd = open("/sandbox/sub/../inside.txt", O_RDONLY);
    printf("open sub/../inside.txt: %s\n", fd >= 0 ? "OK" : strerror(errno));
    close(fd);

    // Through libc.
    LIBC("open ../outside.txt", open("/sandbox/../outside.txt", O_RDONLY));
    LIBC("open sub/../../outside.txt", open("/sandbox/sub/../../outside.txt", O_RDONLY));
    LIBC("open escape (symlink to ../outside.txt)", open("/sandbox/escape", O_RDONLY));
    LIBC("open abs_escape (symlink to an absolute path)", open("/sandbox/abs_escape", O_RDONLY));
    LIBC("open dir_escape/outside.txt", open("/sandbox/dir_escape/outside.txt", O_RDONLY));
    LIBC("create ../created.txt", open("/sandbox/../created.txt", O_CREAT | O_WRONLY, 0644));
    LIBC("write through escape", open("/sandbox/escape", O_WRONLY | O_TRUNC));
    LIBC("mkdir ../newdir", mkdir("/sandbox/../newdir", 0755));
    LIBC("unlink ../outside.txt", unlink("/sandbox/../outside.txt"));
    LIBC("rename inside.txt to ../moved.txt", rename("/sandbox/inside.txt", "/sandbox/../moved.txt"));
    LIBC("link ../outside.txt", link("/sandbox/../outside.txt", "/sandbox/hard"));
    struct stat s;
    LIBC("stat ../outside.txt", stat("/sandbox/../outside.txt", &s));
    LIBC("stat escape", stat("/sandbox/escape", &s));
    LIBC("opendir ..", open("/sandbox/..", O_RDONLY | O_DIRECTORY));
    LIBC("libc open /etc/passwd (no preopen)", open("/etc/passwd", O_RDONLY));

    // Raw calls, straight to the runtime.
    RAW("raw path_open /etc/passwd", __wasi_path_open(3, 0, "/etc/passwd", 0, rights, 0, 0, &fd_out));
    RAW("raw path_open ../outside.txt", __wasi_path_open(3, 0, "../outside.txt", 0, rights, 0, 0, &fd_out));
    RAW("raw path_open escape (following)", __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "escape", 0, rights, 0, 0, &fd_out));
    RAW("raw path_open abs_escape (following)", __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "abs_escape", 0, rights, 0, 0, &fd_out));
    RAW("raw path_open dir_escape as a directory", __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dir_escape", __WASI_OFLAGS_DIRECTORY, rights, 0, 0, &fd_out));
    RAW("raw path_open ..", __wasi_path_open(3, 0, "..", __WASI_OFLAGS_DIRECTORY, rights, 0, 0, &fd_out));
    RAW("raw path_filestat_get /", __wasi_path_filestat_get(3, 0, "/", &st));
    RAW("raw path_filestat_get ../outside.txt", __wasi_path_filestat_get(3, 0, "../outside.txt", &st));
    RAW("raw path_create_directory /tmp/x", __wasi_path_create_directory(3, "/tmp/brisk-escape-dir"));
    RAW("raw path_symlink to /etc/passwd", __wasi_path_symlink("/etc/passwd", 3, "newlink"));
    RAW("raw path_unlink_file ../outside.txt", __wasi_path_unlink_file(3, "../outside.txt"));
    RAW("raw path_rename to ../moved.txt", __wasi_path_rename(3, "inside.txt", 3, "../moved.txt"));

    {
        char buf[64] = {0};
        fd = open("/sandbox/inside.txt", O_RDONLY);
        read(fd, buf, sizeof buf - 1);
        close(fd);
        printf("inside.txt still reads: %s", buf);
    }
    printf("escapes: %d\n", leaks);
    return leaks ? 1 : 0;
}
