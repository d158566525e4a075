//! The numbers and layouts of `wasi_snapshot_preview1` (from its witx
//! definition): errno values, flags, file types, and the byte layout of the
//! structs the host writes into guest memory.

use std::io;

/// A WASI errno; 0 is success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub u16);

impl Errno {
    pub const SUCCESS: Errno = Errno(0);
    pub const TOOBIG: Errno = Errno(1);
    pub const ACCES: Errno = Errno(2);
    pub const AGAIN: Errno = Errno(6);
    pub const BADF: Errno = Errno(8);
    pub const BUSY: Errno = Errno(10);
    pub const EXIST: Errno = Errno(20);
    pub const FAULT: Errno = Errno(21);
    pub const FBIG: Errno = Errno(22);
    pub const ILSEQ: Errno = Errno(25);
    pub const INTR: Errno = Errno(27);
    pub const INVAL: Errno = Errno(28);
    pub const IO: Errno = Errno(29);
    pub const ISDIR: Errno = Errno(31);
    pub const LOOP: Errno = Errno(32);
    pub const MFILE: Errno = Errno(33);
    pub const MLINK: Errno = Errno(34);
    pub const NAMETOOLONG: Errno = Errno(37);
    pub const NFILE: Errno = Errno(41);
    pub const NOENT: Errno = Errno(44);
    pub const NOMEM: Errno = Errno(48);
    pub const NOSPC: Errno = Errno(51);
    pub const NOSYS: Errno = Errno(52);
    pub const NOTDIR: Errno = Errno(54);
    pub const NOTEMPTY: Errno = Errno(55);
    pub const NOTSUP: Errno = Errno(58);
    pub const NOTTY: Errno = Errno(59);
    pub const NXIO: Errno = Errno(60);
    pub const OVERFLOW: Errno = Errno(61);
    pub const PERM: Errno = Errno(63);
    pub const PIPE: Errno = Errno(64);
    pub const RANGE: Errno = Errno(68);
    pub const ROFS: Errno = Errno(69);
    pub const SPIPE: Errno = Errno(70);
    pub const TXTBSY: Errno = Errno(74);
    pub const XDEV: Errno = Errno(75);
    pub const NOTCAPABLE: Errno = Errno(76);
}

impl From<io::Error> for Errno {
    fn from(e: io::Error) -> Errno {
        if let Some(code) = e.raw_os_error() {
            return from_host_errno(code);
        }
        match e.kind() {
            // cap-std reports a path that would leave its directory (`..`
            // past the root, an absolute path, a symlink pointing outside)
            // as PermissionDenied with no OS error: the sandbox said no.
            io::ErrorKind::PermissionDenied => Errno::NOTCAPABLE,
            io::ErrorKind::NotFound => Errno::NOENT,
            io::ErrorKind::AlreadyExists => Errno::EXIST,
            io::ErrorKind::InvalidInput => Errno::INVAL,
            io::ErrorKind::InvalidData => Errno::ILSEQ,
            io::ErrorKind::Unsupported => Errno::NOTSUP,
            io::ErrorKind::OutOfMemory => Errno::NOMEM,
            io::ErrorKind::BrokenPipe => Errno::PIPE,
            io::ErrorKind::Interrupted => Errno::INTR,
            io::ErrorKind::WouldBlock => Errno::AGAIN,
            _ => Errno::IO,
        }
    }
}

/// The WASI errno for a host (Linux) errno.
pub fn from_host_errno(code: i32) -> Errno {
    let e = match code {
        libc::EPERM => 63,
        libc::ENOENT => 44,
        libc::ESRCH => 71,
        libc::EINTR => 27,
        libc::EIO => 29,
        libc::ENXIO => 60,
        libc::E2BIG => 1,
        libc::ENOEXEC => 45,
        libc::EBADF => 8,
        libc::ECHILD => 12,
        libc::EAGAIN => 6,
        libc::ENOMEM => 48,
        libc::EACCES => 2,
        libc::EFAULT => 21,
        libc::EBUSY => 10,
        libc::EEXIST => 20,
        libc::EXDEV => 75,
        libc::ENODEV => 43,
        libc::ENOTDIR => 54,
        libc::EISDIR => 31,
        libc::EINVAL => 28,
        libc::ENFILE => 41,
        libc::EMFILE => 33,
        libc::ENOTTY => 59,
        libc::ETXTBSY => 74,
        libc::EFBIG => 22,
        libc::ENOSPC => 51,
        libc::ESPIPE => 70,
        libc::EROFS => 69,
        libc::EMLINK => 34,
        libc::EPIPE => 64,
        libc::EDOM => 18,
        libc::ERANGE => 68,
        libc::EDEADLK => 16,
        libc::ENAMETOOLONG => 37,
        libc::ENOLCK => 46,
        libc::ENOSYS => 52,
        libc::ENOTEMPTY => 55,
        libc::ELOOP => 32,
        libc::ENOMSG => 49,
        libc::EIDRM => 24,
        libc::ENOLINK => 47,
        libc::EPROTO => 65,
        libc::EMULTIHOP => 36,
        libc::EBADMSG => 9,
        libc::EOVERFLOW => 61,
        libc::EILSEQ => 25,
        libc::ENOTSOCK => 57,
        libc::EDESTADDRREQ => 17,
        libc::EMSGSIZE => 35,
        libc::EPROTOTYPE => 67,
        libc::ENOPROTOOPT => 50,
        libc::EPROTONOSUPPORT => 66,
        libc::EOPNOTSUPP => 58,
        libc::EAFNOSUPPORT => 5,
        libc::EADDRINUSE => 3,
        libc::EADDRNOTAVAIL => 4,
        libc::ENETDOWN => 38,
        libc::ENETUNREACH => 40,
        libc::ENETRESET => 39,
        libc::ECONNABORTED => 13,
        libc::ECONNRESET => 15,
        libc::ENOBUFS => 42,
        libc::EISCONN => 30,
        libc::ENOTCONN => 53,
        libc::ETIMEDOUT => 73,
        libc::ECONNREFUSED => 14,
        libc::EHOSTUNREACH => 23,
        libc::EALREADY => 7,
        libc::EINPROGRESS => 26,
        libc::ESTALE => 72,
        libc::EDQUOT => 19,
        libc::ECANCELED => 11,
        libc::EOWNERDEAD => 62,
        libc::ENOTRECOVERABLE => 56,
        _ => 29,
    };
    Errno(e)
}

// File types.
pub const FILETYPE_UNKNOWN: u8 = 0;
pub const FILETYPE_BLOCK_DEVICE: u8 = 1;
pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub const FILETYPE_DIRECTORY: u8 = 3;
pub const FILETYPE_REGULAR_FILE: u8 = 4;
pub const FILETYPE_SOCKET_STREAM: u8 = 6;
pub const FILETYPE_SYMBOLIC_LINK: u8 = 7;

/// The WASI file type of a host `st_mode`.
pub fn filetype_of_mode(mode: u32) -> u8 {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => FILETYPE_DIRECTORY,
        libc::S_IFREG => FILETYPE_REGULAR_FILE,
        libc::S_IFLNK => FILETYPE_SYMBOLIC_LINK,
        libc::S_IFCHR => FILETYPE_CHARACTER_DEVICE,
        libc::S_IFBLK => FILETYPE_BLOCK_DEVICE,
        libc::S_IFSOCK => FILETYPE_SOCKET_STREAM,
        _ => FILETYPE_UNKNOWN,
    }
}

// fdflags.
pub const FDFLAGS_APPEND: u16 = 1 << 0;
pub const FDFLAGS_DSYNC: u16 = 1 << 1;
pub const FDFLAGS_NONBLOCK: u16 = 1 << 2;
pub const FDFLAGS_RSYNC: u16 = 1 << 3;
pub const FDFLAGS_SYNC: u16 = 1 << 4;

// oflags.
pub const OFLAGS_CREAT: u16 = 1 << 0;
pub const OFLAGS_DIRECTORY: u16 = 1 << 1;
pub const OFLAGS_EXCL: u16 = 1 << 2;
pub const OFLAGS_TRUNC: u16 = 1 << 3;

// lookupflags.
pub const LOOKUP_SYMLINK_FOLLOW: u32 = 1 << 0;

// fstflags.
pub const FSTFLAGS_ATIM: u16 = 1 << 0;
pub const FSTFLAGS_ATIM_NOW: u16 = 1 << 1;
pub const FSTFLAGS_MTIM: u16 = 1 << 2;
pub const FSTFLAGS_MTIM_NOW: u16 = 1 << 3;

// Rights (only the ones the host looks at or reports).
pub const RIGHT_FD_READ: u64 = 1 << 1;
pub const RIGHT_FD_SEEK: u64 = 1 << 2;
pub const RIGHT_FD_TELL: u64 = 1 << 5;
pub const RIGHT_FD_WRITE: u64 = 1 << 6;
pub const RIGHT_FD_READDIR: u64 = 1 << 14;
/// Every right of preview 1 (bits 0..=29).
pub const RIGHTS_ALL: u64 = (1 << 30) - 1;

// Clocks.
pub const CLOCK_REALTIME: u32 = 0;
pub const CLOCK_MONOTONIC: u32 = 1;
pub const CLOCK_PROCESS_CPUTIME: u32 = 2;
pub const CLOCK_THREAD_CPUTIME: u32 = 3;

// Whence.
pub const WHENCE_SET: u32 = 0;
pub const WHENCE_CUR: u32 = 1;
pub const WHENCE_END: u32 = 2;

// poll_oneoff.
pub const EVENTTYPE_CLOCK: u8 = 0;
pub const EVENTTYPE_FD_READ: u8 = 1;
pub const EVENTTYPE_FD_WRITE: u8 = 2;
pub const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
pub const EVENT_SIZE: u32 = 32;

/// `filestat`: 64 bytes.
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    pub fn from_metadata(m: &cap_std::fs::Metadata) -> Filestat {
        use cap_std::fs::MetadataExt;
        let ns = |s: i64, n: i64| {
            (s as u64)
                .wrapping_mul(1_000_000_000)
                .wrapping_add(n as u64)
        };
        Filestat {
            dev: m.dev(),
            ino: m.ino(),
            filetype: filetype_of_mode(m.mode()),
            nlink: m.nlink(),
            size: m.size(),
            atim: ns(m.atime(), m.atime_nsec()),
            mtim: ns(m.mtime(), m.mtime_nsec()),
            ctim: ns(m.ctime(), m.ctime_nsec()),
        }
    }

    /// `wasi_unstable`'s layout: a 32-bit link count, 56 bytes.
    pub fn to_bytes_unstable(&self) -> [u8; 56] {
        let mut b = [0u8; 56];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype;
        b[20..24].copy_from_slice(&(self.nlink.min(u32::MAX as u64) as u32).to_le_bytes());
        b[24..32].copy_from_slice(&self.size.to_le_bytes());
        b[32..40].copy_from_slice(&self.atim.to_le_bytes());
        b[40..48].copy_from_slice(&self.mtim.to_le_bytes());
        b[48..56].copy_from_slice(&self.ctim.to_le_bytes());
        b
    }

    pub fn to_bytes(&self) -> [u8; 64] {
        let mut b = [0u8; 64];
        b[0..8].copy_from_slice(&self.dev.to_le_bytes());
        b[8..16].copy_from_slice(&self.ino.to_le_bytes());
        b[16] = self.filetype;
        b[24..32].copy_from_slice(&self.nlink.to_le_bytes());
        b[32..40].copy_from_slice(&self.size.to_le_bytes());
        b[40..48].copy_from_slice(&self.atim.to_le_bytes());
        b[48..56].copy_from_slice(&self.mtim.to_le_bytes());
        b[56..64].copy_from_slice(&self.ctim.to_le_bytes());
        b
    }
}

/// `fdstat`: 24 bytes.
pub fn fdstat_bytes(filetype: u8, flags: u16, base: u64, inheriting: u64) -> [u8; 24] {
    let mut b = [0u8; 24];
    b[0] = filetype;
    b[2..4].copy_from_slice(&flags.to_le_bytes());
    b[8..16].copy_from_slice(&base.to_le_bytes());
    b[16..24].copy_from_slice(&inheriting.to_le_bytes());
    b
}
