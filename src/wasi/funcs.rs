//! The functions of `wasi_snapshot_preview1`, one Rust function each over
//! the context's state and the guest memory, and the table that turns them
//! into host functions.

use std::cell::RefCell;
use std::ffi::OsStr;
use std::io::{self, Seek, SeekFrom};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirEntryExt, FileExt};
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use cap_fs_ext::{
    DirExt, FollowSymlinks, OpenOptionsFollowExt, OpenOptionsMaybeDirExt, SystemTimeSpec,
};
use cap_std::fs::{Dir, OpenOptions};

use super::types::*;
use super::{Desc, Input, OutputStream, WasiState};
use crate::module::{ExternType, FuncType, ValType};
use crate::runtime::{Error, Extern, Func, ImportType, Store, Trap};

/// Why a WASI function did not succeed: an errno for the program, or a
/// trap that unwinds it (`proc_exit`).
pub(crate) enum Fail {
    Errno(Errno),
    Trap(Trap),
}

impl From<Errno> for Fail {
    fn from(e: Errno) -> Fail {
        Fail::Errno(e)
    }
}

impl From<io::Error> for Fail {
    fn from(e: io::Error) -> Fail {
        Fail::Errno(e.into())
    }
}

type R = Result<(), Fail>;
type Handler = fn(&mut WasiState, &mut Mem, &[u64]) -> R;

/// Every function: name, parameter types (`i` i32, `I` i64), and whether
/// it returns an errno (all but `proc_exit`).
const FUNCS: &[(&str, &str, bool, Handler)] = &[
    ("args_get", "ii", true, args_get),
    ("args_sizes_get", "ii", true, args_sizes_get),
    ("environ_get", "ii", true, environ_get),
    ("environ_sizes_get", "ii", true, environ_sizes_get),
    ("clock_res_get", "ii", true, clock_res_get),
    ("clock_time_get", "iIi", true, clock_time_get),
    ("fd_advise", "iIIi", true, fd_advise),
    ("fd_allocate", "iII", true, fd_allocate),
    ("fd_close", "i", true, fd_close),
    ("fd_datasync", "i", true, fd_datasync),
    ("fd_fdstat_get", "ii", true, fd_fdstat_get),
    ("fd_fdstat_set_flags", "ii", true, fd_fdstat_set_flags),
    ("fd_fdstat_set_rights", "iII", true, fd_fdstat_set_rights),
    ("fd_filestat_get", "ii", true, fd_filestat_get),
    ("fd_filestat_set_size", "iI", true, fd_filestat_set_size),
    ("fd_filestat_set_times", "iIIi", true, fd_filestat_set_times),
    ("fd_pread", "iiiIi", true, fd_pread),
    ("fd_prestat_get", "ii", true, fd_prestat_get),
    ("fd_prestat_dir_name", "iii", true, fd_prestat_dir_name),
    ("fd_pwrite", "iiiIi", true, fd_pwrite),
    ("fd_read", "iiii", true, fd_read),
    ("fd_readdir", "iiiIi", true, fd_readdir),
    ("fd_renumber", "ii", true, fd_renumber),
    ("fd_seek", "iIii", true, fd_seek),
    ("fd_sync", "i", true, fd_sync),
    ("fd_tell", "ii", true, fd_tell),
    ("fd_write", "iiii", true, fd_write),
    ("path_create_directory", "iii", true, path_create_directory),
    ("path_filestat_get", "iiiii", true, path_filestat_get),
    (
        "path_filestat_set_times",
        "iiiiIIi",
        true,
        path_filestat_set_times,
    ),
    ("path_link", "iiiiiii", true, path_link),
    ("path_open", "iiiiiIIii", true, path_open),
    ("path_readlink", "iiiiii", true, path_readlink),
    ("path_remove_directory", "iii", true, path_remove_directory),
    ("path_rename", "iiiiii", true, path_rename),
    ("path_symlink", "iiiii", true, path_symlink),
    ("path_unlink_file", "iii", true, path_unlink_file),
    ("poll_oneoff", "iiii", true, poll_oneoff),
    ("proc_exit", "i", false, proc_exit),
    ("proc_raise", "i", true, proc_raise),
    ("sched_yield", "", true, sched_yield),
    ("random_get", "ii", true, random_get),
    ("sock_accept", "iii", true, sock_unsupported),
    ("sock_recv", "iiiiii", true, sock_unsupported),
    ("sock_send", "iiiii", true, sock_unsupported),
    ("sock_shutdown", "ii", true, sock_unsupported),
];

/// The names of every function this module provides.
pub fn names() -> impl Iterator<Item = &'static str> {
    FUNCS.iter().map(|f| f.0)
}

fn func_type(params: &str, errno: bool) -> FuncType {
    let params = params.chars().map(|c| match c {
        'I' => ValType::I64,
        _ => ValType::I32,
    });
    let results = if errno { vec![ValType::I32] } else { vec![] };
    FuncType::new(params, results)
}

/// The host function for one WASI import, checked against its type.
pub(crate) fn make(
    store: &mut Store,
    state: &Rc<RefCell<WasiState>>,
    import: &ImportType,
) -> Result<Extern, Error> {
    let unstable = import.module == super::MODULE_NAME_UNSTABLE;
    let found = FUNCS
        .iter()
        .find(|f| f.0 == import.name)
        .map(|&(name, p, e, h)| {
            let h = match (unstable, name) {
                (true, "fd_seek") => fd_seek_unstable,
                (true, "fd_filestat_get") => fd_filestat_get_unstable,
                (true, "path_filestat_get") => path_filestat_get_unstable,
                (true, "poll_oneoff") => poll_oneoff_unstable,
                _ => h,
            };
            (name, p, e, h)
        });
    let Some((_, params, errno, handler)) = found.filter(|f| !(unstable && f.0 == "sock_accept"))
    else {
        return Err(Error::Link(format!(
            "unknown import: `{}::{}` is not a WASI function",
            import.module, import.name
        )));
    };
    let ty = func_type(params, errno);
    if import.ty != ExternType::Func(ty.clone()) {
        return Err(Error::Link(format!(
            "incompatible import type for `{}::{}`: expected {ty}",
            import.module, import.name
        )));
    }
    let state = state.clone();
    let nparams = params.len();
    let errno_result = errno;
    // An i32 argument is the low half of its slot, an i64 the whole slot.
    let mask: [u64; 9] = std::array::from_fn(|i| match params.as_bytes().get(i) {
        Some(b'I') => u64::MAX,
        _ => u32::MAX as u64,
    });
    let f = move |store: &mut Store, slots: *mut u64| {
        let mut args = [0u64; 9];
        for (i, a) in args.iter_mut().enumerate().take(nparams) {
            // SAFETY: the caller passes one slot per parameter.
            *a = unsafe { *slots.add(i) } & mask[i];
        }
        let mut st = state.borrow_mut();
        // Without a bound memory every access fails with EFAULT.
        let bytes: &mut [u8] = match st.memory {
            Some(m) => m.data_mut(store),
            None => &mut [],
        };
        let errno = match handler(&mut st, &mut Mem(bytes), &args[..nparams]) {
            Ok(()) => Errno::SUCCESS,
            Err(Fail::Errno(e)) => e,
            Err(Fail::Trap(t)) => return Err(t),
        };
        if errno_result {
            // SAFETY: there is a slot for the one result.
            unsafe { *slots = errno.0 as u64 };
        }
        Ok(())
    };
    // SAFETY: on success `f` writes the one i32 result (an errno) when the
    // type has one, and nothing when it has none (`proc_exit`).
    let f = unsafe { Func::new_raw(store, ty, f) };
    Ok(Extern::Func(f))
}

/// The guest's linear memory; every access is checked (EFAULT).
pub(crate) struct Mem<'a>(&'a mut [u8]);

impl Mem<'_> {
    fn range(&self, ptr: u64, len: u64) -> Result<std::ops::Range<usize>, Errno> {
        let end = ptr.checked_add(len).ok_or(Errno::FAULT)?;
        if end > self.0.len() as u64 {
            return Err(Errno::FAULT);
        }
        Ok(ptr as usize..end as usize)
    }

    fn slice(&self, ptr: u64, len: u64) -> Result<&[u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&self.0[r])
    }

    fn slice_mut(&mut self, ptr: u64, len: u64) -> Result<&mut [u8], Errno> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.0[r])
    }

    fn write(&mut self, ptr: u64, bytes: &[u8]) -> Result<(), Errno> {
        self.slice_mut(ptr, bytes.len() as u64)?
            .copy_from_slice(bytes);
        Ok(())
    }

    fn u32(&self, ptr: u64) -> Result<u32, Errno> {
        let b = self.slice(ptr, 4)?;
        Ok(u32::from_le_bytes(b.try_into().unwrap()))
    }

    fn u64(&self, ptr: u64) -> Result<u64, Errno> {
        let b = self.slice(ptr, 8)?;
        Ok(u64::from_le_bytes(b.try_into().unwrap()))
    }

    fn u16(&self, ptr: u64) -> Result<u16, Errno> {
        let b = self.slice(ptr, 2)?;
        Ok(u16::from_le_bytes(b.try_into().unwrap()))
    }

    fn put_u32(&mut self, ptr: u64, v: u32) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    fn put_u64(&mut self, ptr: u64, v: u64) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// A path argument (bytes, as Unix paths are).
    fn path(&self, ptr: u64, len: u64) -> Result<PathBuf, Errno> {
        let b = self.slice(ptr, len)?;
        if b.contains(&0) {
            return Err(Errno::INVAL);
        }
        Ok(PathBuf::from(OsStr::from_bytes(b)))
    }

    /// The (buf, len) pairs of an iovec array.
    fn iovecs(&self, ptr: u64, count: u64) -> Result<Vec<(u64, u64)>, Errno> {
        (0..count)
            .map(|i| {
                let at = ptr + i * 8;
                Ok((self.u32(at)? as u64, self.u32(at + 4)? as u64))
            })
            .collect()
    }
}

fn args_get(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let strings: Vec<Vec<u8>> = st.args.iter().map(|s| s.as_bytes().to_vec()).collect();
    put_strings(mem, &strings, a[0], a[1])
}

fn args_sizes_get(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let size: usize = st.args.iter().map(|s| s.len() + 1).sum();
    mem.put_u32(a[0], st.args.len() as u32)?;
    mem.put_u32(a[1], size as u32)?;
    Ok(())
}

fn environ_strings(st: &WasiState) -> Vec<Vec<u8>> {
    st.env
        .iter()
        .map(|(k, v)| format!("{k}={v}").into_bytes())
        .collect()
}

fn environ_get(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    put_strings(mem, &environ_strings(st), a[0], a[1])
}

fn environ_sizes_get(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let strings = environ_strings(st);
    let size: usize = strings.iter().map(|s| s.len() + 1).sum();
    mem.put_u32(a[0], strings.len() as u32)?;
    mem.put_u32(a[1], size as u32)?;
    Ok(())
}

/// A pointer array at `ptrs` to NUL-terminated strings packed at `buf`.
fn put_strings(mem: &mut Mem, strings: &[Vec<u8>], mut ptrs: u64, mut buf: u64) -> R {
    for s in strings {
        mem.put_u32(ptrs, buf as u32)?;
        mem.write(buf, s)?;
        mem.write(buf + s.len() as u64, &[0])?;
        ptrs += 4;
        buf += s.len() as u64 + 1;
    }
    Ok(())
}

fn host_clock(id: u32) -> Result<libc::clockid_t, Errno> {
    Ok(match id {
        CLOCK_REALTIME => libc::CLOCK_REALTIME,
        CLOCK_MONOTONIC => libc::CLOCK_MONOTONIC,
        CLOCK_PROCESS_CPUTIME => libc::CLOCK_PROCESS_CPUTIME_ID,
        CLOCK_THREAD_CPUTIME => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(Errno::INVAL),
    })
}

fn timespec_ns(t: &libc::timespec) -> u64 {
    (t.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(t.tv_nsec as u64)
}

/// Nanoseconds on WASI clock `id`.
fn now(id: u32) -> Result<u64, Errno> {
    let clock = host_clock(id)?;
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to fill.
    if unsafe { libc::clock_gettime(clock, &mut t) } != 0 {
        return Err(Errno::from(io::Error::last_os_error()));
    }
    Ok(timespec_ns(&t))
}

fn clock_res_get(_: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let clock = host_clock(a[0] as u32)?;
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to fill.
    if unsafe { libc::clock_getres(clock, &mut t) } != 0 {
        return Err(io::Error::last_os_error().into());
    }
    mem.put_u64(a[1], timespec_ns(&t).max(1))?;
    Ok(())
}

fn clock_time_get(_: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let t = now(a[0] as u32)?;
    mem.put_u64(a[2], t)?;
    Ok(())
}

/// The host file behind a file descriptor.
fn file(st: &mut WasiState, fd: u32) -> Result<&mut std::fs::File, Errno> {
    match st.get(fd)? {
        Desc::File { file, .. } => Ok(file),
        Desc::Dir { .. } => Err(Errno::ISDIR),
        _ => Err(Errno::SPIPE),
    }
}

/// The host fd behind a descriptor, for the calls std has no method for.
fn raw_fd(d: &Desc) -> Option<i32> {
    match d {
        Desc::File { file, .. } => Some(file.as_raw_fd()),
        Desc::Dir { dir, .. } => Some(dir.as_raw_fd()),
        Desc::Stdin(Input::Inherit) => Some(0),
        Desc::Stdin(Input::File(f)) => Some(f.as_raw_fd()),
        Desc::Output(OutputStream::Inherit, fd) => Some(*fd),
        Desc::Output(OutputStream::File(f), _) => Some(f.as_raw_fd()),
        _ => None,
    }
}

fn fd_advise(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    let f = file(st, a[0] as u32)?;
    if a[3] > 5 {
        return Err(Errno::INVAL.into());
    }
    // WASI's advice numbers: normal, sequential, random, willneed,
    // dontneed, noreuse.
    let advice = [
        libc::POSIX_FADV_NORMAL,
        libc::POSIX_FADV_SEQUENTIAL,
        libc::POSIX_FADV_RANDOM,
        libc::POSIX_FADV_WILLNEED,
        libc::POSIX_FADV_DONTNEED,
        libc::POSIX_FADV_NOREUSE,
    ][a[3] as usize];
    // SAFETY: a plain system call on an fd we own; advice only.
    unsafe { libc::posix_fadvise(f.as_raw_fd(), a[1] as i64, a[2] as i64, advice) };
    Ok(())
}

fn fd_allocate(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    let f = file(st, a[0] as u32)?;
    let end = a[1].checked_add(a[2]).ok_or(Errno::FBIG)?;
    if end > f.metadata()?.len() {
        f.set_len(end)?;
    }
    Ok(())
}

fn fd_close(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    let slot = st.fds.get_mut(a[0] as usize).ok_or(Errno::BADF)?;
    if slot.take().is_none() {
        return Err(Errno::BADF.into());
    }
    Ok(())
}

fn sync(st: &mut WasiState, fd: u32, data_only: bool) -> R {
    match st.get(fd)? {
        Desc::File { file, .. } if data_only => file.sync_data()?,
        Desc::File { file, .. } => file.sync_all()?,
        Desc::Dir { dir, .. } => {
            // SAFETY: a plain system call on an fd we own.
            if unsafe { libc::fsync(dir.as_raw_fd()) } != 0 {
                return Err(io::Error::last_os_error().into());
            }
        }
        _ => return Err(Errno::INVAL.into()),
    }
    Ok(())
}

fn fd_datasync(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    sync(st, a[0] as u32, true)
}

fn fd_sync(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    sync(st, a[0] as u32, false)
}

/// `fstat` of a host fd.
fn fstat(fd: i32) -> Result<Filestat, Errno> {
    // SAFETY: an all-zero stat is valid to fill.
    let mut s: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `s` is a valid stat to fill.
    if unsafe { libc::fstat(fd, &mut s) } != 0 {
        return Err(io::Error::last_os_error().into());
    }
    let ns = |sec: i64, nsec: i64| (sec as u64).wrapping_mul(1_000_000_000) + nsec as u64;
    Ok(Filestat {
        dev: s.st_dev,
        ino: s.st_ino,
        filetype: filetype_of_mode(s.st_mode),
        nlink: s.st_nlink,
        size: s.st_size as u64,
        atim: ns(s.st_atime, s.st_atime_nsec),
        mtim: ns(s.st_mtime, s.st_mtime_nsec),
        ctim: ns(s.st_ctime, s.st_ctime_nsec),
    })
}

fn filestat_of(d: &Desc) -> Result<Filestat, Errno> {
    match raw_fd(d) {
        Some(fd) => fstat(fd),
        // In-memory streams.
        None => Ok(Filestat {
            dev: 0,
            ino: 0,
            filetype: FILETYPE_UNKNOWN,
            nlink: 0,
            size: 0,
            atim: 0,
            mtim: 0,
            ctim: 0,
        }),
    }
}

fn fd_fdstat_get(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let d = st.get(a[0] as u32)?;
    let filetype = filestat_of(d)?.filetype;
    let (flags, base) = match d {
        Desc::File {
            read, write, flags, ..
        } => {
            // wasi-libc's `fcntl(F_GETFL)` takes READDIR for reading too.
            let mut rights = RIGHTS_ALL & !RIGHT_FD_READDIR;
            if !*read {
                rights &= !RIGHT_FD_READ;
            }
            if !*write {
                rights &= !RIGHT_FD_WRITE;
            }
            (*flags, rights)
        }
        Desc::Dir { .. } => (0, RIGHTS_ALL),
        // Streams: no seeking, which also makes `isatty` true for a
        // character device.
        Desc::Stdin(_) => (
            0,
            RIGHTS_ALL & !(RIGHT_FD_SEEK | RIGHT_FD_TELL | RIGHT_FD_WRITE),
        ),
        Desc::Output(..) => (
            0,
            RIGHTS_ALL & !(RIGHT_FD_SEEK | RIGHT_FD_TELL | RIGHT_FD_READ),
        ),
    };
    let inheriting = if filetype == FILETYPE_DIRECTORY {
        RIGHTS_ALL
    } else {
        0
    };
    mem.write(a[1], &fdstat_bytes(filetype, flags, base, inheriting))?;
    Ok(())
}

fn fd_fdstat_set_flags(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    let new = a[1] as u16;
    match st.get(a[0] as u32)? {
        Desc::File { file, flags, .. } => {
            if new & (FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC) != 0 {
                return Err(Errno::NOTSUP.into());
            }
            let fd = file.as_raw_fd();
            // SAFETY: plain fcntl calls on an fd we own.
            let mut host = unsafe { libc::fcntl(fd, libc::F_GETFL) };
            host &= !(libc::O_APPEND | libc::O_NONBLOCK);
            if new & FDFLAGS_APPEND != 0 {
                host |= libc::O_APPEND;
            }
            if new & FDFLAGS_NONBLOCK != 0 {
                host |= libc::O_NONBLOCK;
            }
            // SAFETY: as above.
            if unsafe { libc::fcntl(fd, libc::F_SETFL, host) } != 0 {
                return Err(io::Error::last_os_error().into());
            }
            *flags = new;
            Ok(())
        }
        _ if new == 0 => Ok(()),
        _ => Err(Errno::NOTSUP.into()),
    }
}

/// Rights are not enforced beyond what the host's open mode enforces, so
/// narrowing them is accepted and has no effect.
fn fd_fdstat_set_rights(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    st.get(a[0] as u32)?;
    Ok(())
}

fn fd_filestat_get(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let s = filestat_of(st.get(a[0] as u32)?)?;
    mem.write(a[1], &s.to_bytes())?;
    Ok(())
}

fn fd_filestat_get_unstable(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let s = filestat_of(st.get(a[0] as u32)?)?;
    mem.write(a[1], &s.to_bytes_unstable())?;
    Ok(())
}

fn fd_filestat_set_size(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    file(st, a[0] as u32)?.set_len(a[1])?;
    Ok(())
}

/// The `timespec` pair of `utimensat`/`futimens` for WASI's times and
/// fstflags.
fn utimes(atim: u64, mtim: u64, flags: u16) -> Result<[libc::timespec; 2], Errno> {
    if (flags & FSTFLAGS_ATIM != 0 && flags & FSTFLAGS_ATIM_NOW != 0)
        || (flags & FSTFLAGS_MTIM != 0 && flags & FSTFLAGS_MTIM_NOW != 0)
    {
        return Err(Errno::INVAL);
    }
    let spec = |t: u64, set: u16, set_now: u16| {
        if flags & set_now != 0 {
            libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_NOW,
            }
        } else if flags & set != 0 {
            libc::timespec {
                tv_sec: (t / 1_000_000_000) as i64,
                tv_nsec: (t % 1_000_000_000) as i64,
            }
        } else {
            libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_OMIT,
            }
        }
    };
    Ok([
        spec(atim, FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW),
        spec(mtim, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW),
    ])
}

fn fd_filestat_set_times(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    let times = utimes(a[1], a[2], a[3] as u16)?;
    let fd = match st.get(a[0] as u32)? {
        d @ (Desc::File { .. } | Desc::Dir { .. }) => raw_fd(d).unwrap(),
        _ => return Err(Errno::BADF.into()),
    };
    // SAFETY: a plain system call on an fd we own, with two valid timespecs.
    if unsafe { libc::futimens(fd, times.as_ptr()) } != 0 {
        return Err(io::Error::last_os_error().into());
    }
    Ok(())
}

fn fd_pread(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let iovs = mem.iovecs(a[1], a[2])?;
    let f = file(st, a[0] as u32)?;
    let mut offset = a[3];
    let mut total = 0u64;
    for (buf, len) in iovs {
        let n = f.read_at(mem.slice_mut(buf, len)?, offset)? as u64;
        total += n;
        offset += n;
        if n < len {
            break;
        }
    }
    mem.put_u32(a[4], total as u32)?;
    Ok(())
}

fn fd_pwrite(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let iovs = mem.iovecs(a[1], a[2])?;
    let f = file(st, a[0] as u32)?;
    let mut offset = a[3];
    let mut total = 0u64;
    for (buf, len) in iovs {
        let n = f.write_at(mem.slice(buf, len)?, offset)? as u64;
        total += n;
        offset += n;
        if n < len {
            break;
        }
    }
    mem.put_u32(a[4], total as u32)?;
    Ok(())
}

fn fd_prestat_get(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    match st.get(a[0] as u32)? {
        Desc::Dir {
            preopen: Some(name),
            ..
        } => {
            let mut b = [0u8; 8];
            b[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
            mem.write(a[1], &b)?;
            Ok(())
        }
        _ => Err(Errno::BADF.into()),
    }
}

fn fd_prestat_dir_name(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    match st.get(a[0] as u32)? {
        Desc::Dir {
            preopen: Some(name),
            ..
        } => {
            if (name.len() as u64) > a[2] {
                return Err(Errno::NAMETOOLONG.into());
            }
            mem.write(a[1], name.as_bytes())?;
            Ok(())
        }
        _ => Err(Errno::BADF.into()),
    }
}

fn fd_read(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let iovs = mem.iovecs(a[1], a[2])?;
    let d = st.get(a[0] as u32)?;
    let mut total = 0u64;
    for (buf, len) in iovs {
        let n = d.read(mem.slice_mut(buf, len)?)? as u64;
        total += n;
        if n < len {
            break;
        }
    }
    mem.put_u32(a[3], total as u32)?;
    Ok(())
}

fn fd_write(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let iovs = mem.iovecs(a[1], a[2])?;
    let d = st.get(a[0] as u32)?;
    let mut total = 0u64;
    for (buf, len) in iovs {
        let n = d.write(mem.slice(buf, len)?)? as u64;
        total += n;
        if n < len {
            break;
        }
    }
    mem.put_u32(a[3], total as u32)?;
    Ok(())
}

fn fd_readdir(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let (buf, buf_len, cookie) = (a[1], a[2], a[3]);
    let Desc::Dir { dir, listing, .. } = st.get(a[0] as u32)? else {
        return Err(Errno::NOTDIR.into());
    };
    // Cookie 0 starts a listing (a rewind reads the directory afresh);
    // later cookies continue the one read then.
    if cookie == 0 || listing.is_empty() {
        *listing = read_listing(dir)?;
    }
    let entries = &*listing;
    let mut out = Vec::new();
    for (i, (name, ty, ino)) in entries.iter().enumerate().skip(cookie as usize) {
        if out.len() as u64 >= buf_len {
            break;
        }
        out.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        out.extend_from_slice(&ino.to_le_bytes());
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(&[*ty, 0, 0, 0]);
        out.extend_from_slice(name);
    }
    let used = out.len().min(buf_len as usize);
    mem.write(buf, &out[..used])?;
    mem.put_u32(a[4], used as u32)?;
    Ok(())
}

/// `.` and `..` (as wasmtime and the host both list them), then the
/// directory's entries.
fn read_listing(dir: &Dir) -> Result<Vec<(Vec<u8>, u8, u64)>, Fail> {
    let self_ino = fstat(dir.as_raw_fd())?.ino;
    let mut entries: Vec<(Vec<u8>, u8, u64)> = vec![
        (b".".to_vec(), FILETYPE_DIRECTORY, self_ino),
        (b"..".to_vec(), FILETYPE_DIRECTORY, 0),
    ];
    for e in dir.entries()? {
        let e = e?;
        let ft = e.file_type()?;
        let ty = if ft.is_dir() {
            FILETYPE_DIRECTORY
        } else if ft.is_file() {
            FILETYPE_REGULAR_FILE
        } else if ft.is_symlink() {
            FILETYPE_SYMBOLIC_LINK
        } else {
            FILETYPE_UNKNOWN
        };
        entries.push((e.file_name().as_bytes().to_vec(), ty, e.ino()));
    }
    Ok(entries)
}

fn fd_renumber(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    let (from, to) = (a[0] as usize, a[1] as usize);
    st.get(from as u32)?;
    st.get(to as u32)?;
    if from != to {
        let d = st.fds[from].take();
        st.fds[to] = d;
    }
    Ok(())
}

fn fd_seek(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    seek(st, mem, a, a[2] as u32)
}

/// `wasi_unstable` numbers whence as cur, end, set.
fn fd_seek_unstable(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let whence = match a[2] as u32 {
        0 => WHENCE_CUR,
        1 => WHENCE_END,
        2 => WHENCE_SET,
        _ => return Err(Errno::INVAL.into()),
    };
    seek(st, mem, a, whence)
}

fn seek(st: &mut WasiState, mem: &mut Mem, a: &[u64], whence: u32) -> R {
    let offset = a[1] as i64;
    let pos = match whence {
        WHENCE_SET => SeekFrom::Start(u64::try_from(offset).map_err(|_| Errno::INVAL)?),
        WHENCE_CUR => SeekFrom::Current(offset),
        WHENCE_END => SeekFrom::End(offset),
        _ => return Err(Errno::INVAL.into()),
    };
    let new = match st.get(a[0] as u32)? {
        Desc::File { file, .. } => file.seek(pos)?,
        Desc::Dir { .. } => return Err(Errno::BADF.into()),
        _ => return Err(Errno::SPIPE.into()),
    };
    mem.put_u64(a[3], new)?;
    Ok(())
}

fn fd_tell(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let pos = match st.get(a[0] as u32)? {
        Desc::File { file, .. } => file.stream_position()?,
        Desc::Dir { .. } => return Err(Errno::BADF.into()),
        _ => return Err(Errno::SPIPE.into()),
    };
    mem.put_u64(a[1], pos)?;
    Ok(())
}

fn path_create_directory(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let path = mem.path(a[1], a[2])?;
    st.dir(a[0] as u32)?.create_dir(path)?;
    Ok(())
}

fn path_filestat(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> Result<Filestat, Fail> {
    let path = mem.path(a[2], a[3])?;
    let dir = st.dir(a[0] as u32)?;
    let m = if a[1] as u32 & LOOKUP_SYMLINK_FOLLOW != 0 {
        dir.metadata(path)?
    } else {
        dir.symlink_metadata(path)?
    };
    Ok(Filestat::from_metadata(&m))
}

fn path_filestat_get(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let s = path_filestat(st, mem, a)?;
    mem.write(a[4], &s.to_bytes())?;
    Ok(())
}

fn path_filestat_get_unstable(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let s = path_filestat(st, mem, a)?;
    mem.write(a[4], &s.to_bytes_unstable())?;
    Ok(())
}

fn path_filestat_set_times(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let path = mem.path(a[2], a[3])?;
    let flags = a[6] as u16;
    // Checks the flags.
    utimes(a[4], a[5], flags)?;
    let spec = |t: u64, set: u16, set_now: u16| {
        if flags & set_now != 0 {
            Some(SystemTimeSpec::SymbolicNow)
        } else if flags & set != 0 {
            let t = std::time::UNIX_EPOCH + Duration::from_nanos(t);
            Some(SystemTimeSpec::Absolute(
                cap_std::time::SystemTime::from_std(t),
            ))
        } else {
            None
        }
    };
    let atime = spec(a[4], FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW);
    let mtime = spec(a[5], FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW);
    let dir = st.dir(a[0] as u32)?;
    if a[1] as u32 & LOOKUP_SYMLINK_FOLLOW != 0 {
        dir.set_times(path, atime, mtime)?;
    } else {
        dir.set_symlink_times(path, atime, mtime)?;
    }
    Ok(())
}

fn path_link(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let old = mem.path(a[2], a[3])?;
    let new = mem.path(a[5], a[6])?;
    let from = st.dir(a[0] as u32)?;
    let to = st.dir(a[4] as u32)?;
    from.hard_link(old, to, new)?;
    Ok(())
}

fn path_open(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let path = mem.path(a[2], a[3])?;
    let follow = a[1] as u32 & LOOKUP_SYMLINK_FOLLOW != 0;
    let oflags = a[4] as u16;
    let base = a[5];
    let fdflags = a[7] as u16;
    let dir = st.dir(a[0] as u32)?;
    let desc = if oflags & OFLAGS_DIRECTORY != 0 {
        if oflags & (OFLAGS_CREAT | OFLAGS_TRUNC) != 0 {
            return Err(Errno::INVAL.into());
        }
        let d = if follow {
            dir.open_dir(&path)?
        } else {
            dir.open_dir_nofollow(&path)?
        };
        Desc::Dir {
            dir: d,
            preopen: None,
            listing: Vec::new(),
        }
    } else {
        let mut write = base & RIGHT_FD_WRITE != 0 || fdflags & FDFLAGS_APPEND != 0;
        let mut read = base & RIGHT_FD_READ != 0;
        // Creating or truncating needs a writable open on the host.
        if oflags & (OFLAGS_CREAT | OFLAGS_TRUNC) != 0 {
            write = true;
        }
        if !read && !write {
            read = true;
        }
        let mut opts = OpenOptions::new();
        opts.read(read)
            .write(write)
            .append(fdflags & FDFLAGS_APPEND != 0)
            .truncate(oflags & OFLAGS_TRUNC != 0);
        if oflags & OFLAGS_CREAT != 0 {
            if oflags & OFLAGS_EXCL != 0 {
                opts.create_new(true);
            } else {
                opts.create(true);
            }
        }
        opts.follow(if follow {
            FollowSymlinks::Yes
        } else {
            FollowSymlinks::No
        });
        // A read-only open may name a directory (as `open(path, O_RDONLY)`
        // may): it becomes a directory descriptor.
        opts.maybe_dir(!write);
        let f = dir.open_with(&path, &opts)?.into_std();
        if f.metadata()?.is_dir() {
            Desc::Dir {
                dir: Dir::from_std_file(f),
                preopen: None,
                listing: Vec::new(),
            }
        } else {
            if fdflags & FDFLAGS_NONBLOCK != 0 {
                // SAFETY: plain fcntl calls on an fd we own.
                unsafe {
                    let fl = libc::fcntl(f.as_raw_fd(), libc::F_GETFL);
                    libc::fcntl(f.as_raw_fd(), libc::F_SETFL, fl | libc::O_NONBLOCK);
                }
            }
            Desc::File {
                file: f,
                read,
                write,
                flags: fdflags & (FDFLAGS_APPEND | FDFLAGS_NONBLOCK),
            }
        }
    };
    let fd = st.insert(desc)?;
    mem.put_u32(a[8], fd)?;
    Ok(())
}

fn path_readlink(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let path = mem.path(a[1], a[2])?;
    let target = st.dir(a[0] as u32)?.read_link(path)?;
    let bytes = target.as_os_str().as_bytes();
    let n = bytes.len().min(a[4] as usize);
    mem.write(a[3], &bytes[..n])?;
    mem.put_u32(a[5], n as u32)?;
    Ok(())
}

fn path_remove_directory(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let path = mem.path(a[1], a[2])?;
    st.dir(a[0] as u32)?.remove_dir(path)?;
    Ok(())
}

fn path_rename(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let old = mem.path(a[1], a[2])?;
    let new = mem.path(a[4], a[5])?;
    let from = st.dir(a[0] as u32)?;
    let to = st.dir(a[3] as u32)?;
    from.rename(old, to, new)?;
    Ok(())
}

fn path_symlink(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let target = mem.path(a[0], a[1])?;
    let link = mem.path(a[3], a[4])?;
    // cap-std refuses absolute targets: a link the sandbox could never
    // follow.
    st.dir(a[2] as u32)?.symlink(target, link)?;
    Ok(())
}

fn path_unlink_file(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let path = mem.path(a[1], a[2])?;
    st.dir(a[0] as u32)?.remove_file(path)?;
    Ok(())
}

/// Clock subscriptions wait; fd subscriptions are ready at once, except
/// reading an inherited standard input, which waits for input with
/// `poll(2)` until the earliest clock.
fn poll_oneoff(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    poll(st, mem, a, &SUBSCRIPTION)
}

/// `wasi_unstable`'s clock subscription starts with an identifier.
fn poll_oneoff_unstable(st: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    poll(st, mem, a, &SUBSCRIPTION_UNSTABLE)
}

/// Where a subscription's fields are.
struct SubscriptionLayout {
    size: u64,
    clock_id: u64,
    timeout: u64,
    flags: u64,
}

const SUBSCRIPTION: SubscriptionLayout = SubscriptionLayout {
    size: 48,
    clock_id: 16,
    timeout: 24,
    flags: 40,
};

const SUBSCRIPTION_UNSTABLE: SubscriptionLayout = SubscriptionLayout {
    size: 56,
    clock_id: 24,
    timeout: 32,
    flags: 48,
};

fn poll(st: &mut WasiState, mem: &mut Mem, a: &[u64], layout: &SubscriptionLayout) -> R {
    let (inp, out, n) = (a[0], a[1], a[2]);
    if n == 0 {
        return Err(Errno::INVAL.into());
    }
    struct Event {
        userdata: u64,
        error: Errno,
        ty: u8,
        nbytes: u64,
    }
    let mut events = Vec::new();
    // (userdata, remaining ns) of each clock subscription.
    let mut clocks = Vec::new();
    // userdata of each pending read of inherited stdin.
    let mut stdin_waits = Vec::new();
    for i in 0..n {
        let at = inp + i * layout.size;
        let userdata = mem.u64(at)?;
        let tag = mem.slice(at + 8, 1)?[0];
        match tag {
            EVENTTYPE_CLOCK => {
                let id = mem.u32(at + layout.clock_id)?;
                let timeout = mem.u64(at + layout.timeout)?;
                let flags = mem.u16(at + layout.flags)?;
                let remaining = if flags & SUBCLOCKFLAGS_ABSTIME != 0 {
                    match now(id) {
                        Ok(t) => timeout.saturating_sub(t),
                        Err(e) => {
                            events.push(Event {
                                userdata,
                                error: e,
                                ty: tag,
                                nbytes: 0,
                            });
                            continue;
                        }
                    }
                } else {
                    timeout
                };
                clocks.push((userdata, remaining));
            }
            EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => {
                let fd = mem.u32(at + 16)?;
                // A descriptor that is not open fails the whole call, as
                // in wasmtime (rather than an event carrying EBADF).
                let (error, nbytes) = match st.get(fd) {
                    Err(e) => return Err(e.into()),
                    Ok(Desc::Stdin(Input::Inherit)) if tag == EVENTTYPE_FD_READ => {
                        stdin_waits.push(userdata);
                        continue;
                    }
                    Ok(Desc::File { file, .. }) if tag == EVENTTYPE_FD_READ => {
                        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
                        let pos = file.stream_position().unwrap_or(len);
                        (Errno::SUCCESS, len.saturating_sub(pos))
                    }
                    Ok(_) => (Errno::SUCCESS, 0),
                };
                events.push(Event {
                    userdata,
                    error,
                    ty: tag,
                    nbytes,
                });
            }
            _ => return Err(Errno::INVAL.into()),
        }
    }
    if events.is_empty() {
        let timeout = clocks.iter().map(|c| c.1).min();
        let mut stdin_ready = false;
        if !stdin_waits.is_empty() {
            let ms = timeout.map_or(-1, |t| t.div_ceil(1_000_000).min(i32::MAX as u64) as i32);
            let mut p = libc::pollfd {
                fd: 0,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            stdin_ready = unsafe { libc::poll(&mut p, 1, ms) } > 0;
        } else if let Some(t) = timeout {
            std::thread::sleep(Duration::from_nanos(t));
        }
        if stdin_ready {
            for userdata in stdin_waits {
                events.push(Event {
                    userdata,
                    error: Errno::SUCCESS,
                    ty: EVENTTYPE_FD_READ,
                    nbytes: 1,
                });
            }
        } else if let Some(t) = timeout {
            for (userdata, remaining) in clocks {
                if remaining <= t {
                    events.push(Event {
                        userdata,
                        error: Errno::SUCCESS,
                        ty: EVENTTYPE_CLOCK,
                        nbytes: 0,
                    });
                }
            }
        }
    }
    for (i, e) in events.iter().enumerate() {
        let mut b = [0u8; EVENT_SIZE as usize];
        b[0..8].copy_from_slice(&e.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&e.error.0.to_le_bytes());
        b[10] = e.ty;
        b[16..24].copy_from_slice(&e.nbytes.to_le_bytes());
        mem.write(out + i as u64 * EVENT_SIZE as u64, &b)?;
    }
    mem.put_u32(a[3], events.len() as u32)?;
    Ok(())
}

fn proc_exit(_: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    Err(Fail::Trap(Trap::exit(a[0] as u32 as i32)))
}

fn proc_raise(_: &mut WasiState, _: &mut Mem, _: &[u64]) -> R {
    Err(Errno::NOSYS.into())
}

fn sched_yield(_: &mut WasiState, _: &mut Mem, _: &[u64]) -> R {
    std::thread::yield_now();
    Ok(())
}

fn random_get(_: &mut WasiState, mem: &mut Mem, a: &[u64]) -> R {
    let mut buf = mem.slice_mut(a[0], a[1])?;
    while !buf.is_empty() {
        // SAFETY: `buf` is writable for its length.
        let n = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e.into());
        }
        buf = &mut buf[n as usize..];
    }
    Ok(())
}

/// No sockets: a program never holds one (none are preopened).
fn sock_unsupported(st: &mut WasiState, _: &mut Mem, a: &[u64]) -> R {
    st.get(a[0] as u32)?;
    Err(Errno::NOTSUP.into())
}
