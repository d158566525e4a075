//! Executable memory (W^X) and the process-wide registry of live module code.
//!
//! Code is copied into a fresh read+write mapping which is then switched to
//! read+execute; it is never writable and executable at once.
//!
//! The registry maps a pc to the module whose code contains it. The signal
//! handler reads it, so reading takes no lock and allocates nothing: readers
//! bump a counter, load an `AtomicPtr` to an immutable sorted snapshot, and
//! drop the counter; writers (module creation and drop, serialised by a
//! mutex) publish a new snapshot and wait until no reader is left before
//! freeing the old one.

use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::error::Error;

/// A read+execute mapping holding a copy of some machine code.
pub(crate) struct CodeMemory {
    ptr: *mut u8,
    mapped: usize,
    len: usize,
}

// SAFETY: the mapping is immutable after construction and owned by this value.
unsafe impl Send for CodeMemory {}
// SAFETY: as above; shared access only reads.
unsafe impl Sync for CodeMemory {}

pub(crate) fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as usize
    } else {
        4096
    }
}

impl CodeMemory {
    pub(crate) fn new(code: &[u8]) -> Result<CodeMemory, Error> {
        let page = page_size();
        // Map at least one page so that even an empty module has a unique range.
        let mapped = code.len().max(1).div_ceil(page) * page;
        // SAFETY: anonymous private mapping of a fresh range; no existing memory is affected.
        let ptr = unsafe {
            libc::mmap(
                ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(Error::Resource("cannot map code memory".into()));
        }
        let ptr = ptr as *mut u8;
        // SAFETY: the mapping is `mapped >= code.len()` bytes, writable, and fresh.
        unsafe { ptr::copy_nonoverlapping(code.as_ptr(), ptr, code.len()) };
        let mem = CodeMemory {
            ptr,
            mapped,
            len: code.len(),
        };
        // SAFETY: the range is exactly our mapping.
        let rc = unsafe {
            libc::mprotect(
                ptr as *mut libc::c_void,
                mapped,
                libc::PROT_READ | libc::PROT_EXEC,
            )
        };
        if rc != 0 {
            return Err(Error::Resource("cannot make code memory executable".into()));
        }
        Ok(mem)
    }

    pub(crate) fn base(&self) -> *const u8 {
        self.ptr
    }

    /// The code, as copied in (readable: the mapping is read+execute).
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: the first `len` bytes of the mapping hold the code and stay mapped while `self` lives.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    pub(crate) fn range(&self) -> (usize, usize) {
        (self.ptr as usize, self.ptr as usize + self.len)
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: we own this mapping; nothing runs in it any more (its owner is gone).
        unsafe { libc::munmap(self.ptr as *mut libc::c_void, self.mapped) };
    }
}

/// One registered code range and the opaque object (a module) describing it.
#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    end: usize,
    object: *const (),
}

struct Snapshot {
    entries: Vec<Entry>,
}

static SNAPSHOT: AtomicPtr<Snapshot> = AtomicPtr::new(ptr::null_mut());
static READERS: AtomicUsize = AtomicUsize::new(0);
static WRITER: Mutex<()> = Mutex::new(());

/// Adds `[start, end)` → `object`. `object` must stay valid until
/// [`unregister`] is called with the same `start`.
pub(crate) fn register(start: usize, end: usize, object: *const ()) {
    update(|entries| {
        let at = entries.partition_point(|e| e.start < start);
        entries.insert(at, Entry { start, end, object });
    });
}

/// Removes the range starting at `start`; once this returns, no reader sees it.
pub(crate) fn unregister(start: usize) {
    update(|entries| entries.retain(|e| e.start != start));
}

fn update(change: impl FnOnce(&mut Vec<Entry>)) {
    let _guard = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let old = SNAPSHOT.load(Ordering::SeqCst);
    let mut entries = if old.is_null() {
        Vec::new()
    } else {
        // SAFETY: published snapshots are only freed by writers, and we hold the writer lock.
        unsafe { (*old).entries.clone() }
    };
    change(&mut entries);
    let new = Box::into_raw(Box::new(Snapshot { entries }));
    SNAPSHOT.store(new, Ordering::SeqCst);
    // A reader that still holds `old` incremented READERS before loading it;
    // any later reader loads `new`. Wait for the former to finish.
    while READERS.load(Ordering::SeqCst) != 0 {
        std::thread::yield_now();
    }
    if !old.is_null() {
        // SAFETY: `old` is unpublished and no reader holds it any more.
        drop(unsafe { Box::from_raw(old) });
    }
}

/// The object registered for the range containing `pc`. Lock-free and
/// allocation-free: callable from a signal handler.
pub(crate) fn lookup(pc: usize) -> Option<*const ()> {
    READERS.fetch_add(1, Ordering::SeqCst);
    let snap = SNAPSHOT.load(Ordering::SeqCst);
    let found = if snap.is_null() {
        None
    } else {
        // SAFETY: the snapshot stays alive while READERS counts us.
        let entries = unsafe { &(*snap).entries };
        let at = entries.partition_point(|e| e.start <= pc);
        at.checked_sub(1)
            .map(|i| entries[i])
            .filter(|e| pc < e.end)
            .map(|e| e.object)
    };
    READERS.fetch_sub(1, Ordering::SeqCst);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_mapped_and_registered() {
        let mem = CodeMemory::new(&[0xc3, 0x90, 0x90]).unwrap();
        assert_eq!(mem.bytes(), &[0xc3, 0x90, 0x90]);
        let (start, end) = mem.range();
        let tag = 0x1234usize as *const ();
        register(start, end, tag);
        assert_eq!(lookup(start), Some(tag));
        assert_eq!(lookup(end - 1), Some(tag));
        assert_eq!(lookup(end), None);
        unregister(start);
        assert_eq!(lookup(start), None);
    }
}
