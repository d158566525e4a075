//! WASI preview 1 (`wasi_snapshot_preview1`) as host functions over the
//! Rust API; also its predecessor `wasi_unstable` (snapshot 0), which
//! older programs import.
//!
//! A [`WasiCtxBuilder`] collects what a program may see: its arguments and
//! environment, where its standard streams go (inherited, files, in-memory
//! buffers the host reads back), and the directories it may open files in.
//! [`WasiCtx::imports`] then makes the module's WASI imports as host
//! functions, in the module's import order, and [`WasiCtx::instantiate`]
//! also binds the instance's exported memory, which the functions read
//! their arguments from and write their results to.
//!
//! The filesystem sandbox is `cap-std`'s: every directory descriptor is a
//! `cap_std::fs::Dir`, and every path a program passes is resolved by
//! cap-std relative to one, component by component, with `openat` and
//! `O_NOFOLLOW`, following symlinks itself. A path that would leave the
//! directory (`..` past its root, an absolute path, a symlink whose target
//! is outside) fails with `ENOTCAPABLE` (errno 76) instead of being checked
//! by hand here; the host's own current directory is never used.
//!
//! `proc_exit` unwinds the program as a [`Trap`] that carries the exit
//! status ([`Trap::exit_code`]), so callers tell it from a failure; see
//! [`exit_code`].

mod funcs;
mod types;

use std::cell::RefCell;
use std::io::{self, Cursor, Read, Write};
use std::path::Path;
use std::rc::Rc;

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::runtime::{Error, Extern, ImportType, Instance, Memory, Module, Store};

pub use funcs::names as function_names;
pub use types::Errno;

/// The import module name of WASI preview 1.
pub const MODULE_NAME: &str = "wasi_snapshot_preview1";

/// The import module name of WASI's snapshot 0, which older programs
/// import. It is preview 1 but for three layouts: `fd_seek`'s whence
/// (cur, end, set), `filestat` (a 32-bit link count) and the clock
/// subscription of `poll_oneoff` (with an identifier first); it has no
/// `sock_accept`.
pub const MODULE_NAME_UNSTABLE: &str = "wasi_unstable";

/// Whether `module` names one of the WASI import modules.
pub fn is_wasi_module(module: &str) -> bool {
    module == MODULE_NAME || module == MODULE_NAME_UNSTABLE
}

/// Where a program's standard input comes from.
pub enum InputStream {
    /// The host process's standard input.
    Inherit,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
    /// A host file, read from its current position.
    File(std::fs::File),
    /// End of file at once.
    Empty,
}

/// Where a program's standard output or error goes.
pub enum OutputStream {
    /// The host process's stream of the same name.
    Inherit,
    /// An in-memory buffer the host reads with [`OutputBuffer::contents`].
    Buffer(OutputBuffer),
    /// A host file.
    File(std::fs::File),
    /// Discarded.
    Null,
}

/// An in-memory output stream; clones share the same bytes.
#[derive(Clone, Default, Debug)]
pub struct OutputBuffer(Rc<RefCell<Vec<u8>>>);

impl OutputBuffer {
    pub fn new() -> OutputBuffer {
        OutputBuffer::default()
    }

    /// Everything written so far.
    pub fn contents(&self) -> Vec<u8> {
        self.0.borrow().clone()
    }
}

/// Builds a [`WasiCtx`]. By default a program gets no arguments, no
/// environment, empty standard input, discarded output, and no directories.
pub struct WasiCtxBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: InputStream,
    stdout: OutputStream,
    stderr: OutputStream,
    preopens: Vec<(Dir, String)>,
}

impl Default for WasiCtxBuilder {
    fn default() -> Self {
        WasiCtxBuilder::new()
    }
}

impl WasiCtxBuilder {
    pub fn new() -> WasiCtxBuilder {
        WasiCtxBuilder {
            args: Vec::new(),
            env: Vec::new(),
            stdin: InputStream::Empty,
            stdout: OutputStream::Null,
            stderr: OutputStream::Null,
            preopens: Vec::new(),
        }
    }

    /// Appends one argument; the first is the program's name (`argv[0]`).
    pub fn arg(&mut self, arg: impl Into<String>) -> &mut Self {
        self.args.push(arg.into());
        self
    }

    pub fn args<S: Into<String>>(&mut self, args: impl IntoIterator<Item = S>) -> &mut Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Adds one environment variable.
    pub fn env(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Adds every variable of the host process's environment.
    pub fn inherit_env(&mut self) -> &mut Self {
        self.env.extend(std::env::vars());
        self
    }

    pub fn stdin(&mut self, s: InputStream) -> &mut Self {
        self.stdin = s;
        self
    }

    pub fn stdout(&mut self, s: OutputStream) -> &mut Self {
        self.stdout = s;
        self
    }

    pub fn stderr(&mut self, s: OutputStream) -> &mut Self {
        self.stderr = s;
        self
    }

    /// Standard input, output and error of the host process.
    pub fn inherit_stdio(&mut self) -> &mut Self {
        self.stdin = InputStream::Inherit;
        self.stdout = OutputStream::Inherit;
        self.stderr = OutputStream::Inherit;
        self
    }

    /// Lets the program open files under host directory `host`, which it
    /// sees as `guest` (for example `"."` or `"/data"`). Nothing outside
    /// `host` is reachable through it.
    pub fn preopened_dir(
        &mut self,
        host: impl AsRef<Path>,
        guest: impl Into<String>,
    ) -> io::Result<&mut Self> {
        let dir = Dir::open_ambient_dir(host, ambient_authority())?;
        self.preopens.push((dir, guest.into()));
        Ok(self)
    }

    /// The context; preopened directories become descriptors 3, 4, … in
    /// the order they were added.
    pub fn build(&mut self) -> WasiCtx {
        let stdin = std::mem::replace(&mut self.stdin, InputStream::Empty);
        let stdout = std::mem::replace(&mut self.stdout, OutputStream::Null);
        let stderr = std::mem::replace(&mut self.stderr, OutputStream::Null);
        let mut fds = vec![
            Some(Desc::Stdin(match stdin {
                InputStream::Inherit => Input::Inherit,
                InputStream::Bytes(b) => Input::Bytes(Cursor::new(b)),
                InputStream::File(f) => Input::File(f),
                InputStream::Empty => Input::Bytes(Cursor::new(Vec::new())),
            })),
            Some(Desc::Output(stdout, 1)),
            Some(Desc::Output(stderr, 2)),
        ];
        for (dir, guest) in self.preopens.drain(..) {
            fds.push(Some(Desc::Dir {
                dir,
                preopen: Some(guest),
                listing: Vec::new(),
            }));
        }
        WasiCtx {
            state: Rc::new(RefCell::new(WasiState {
                args: std::mem::take(&mut self.args),
                env: std::mem::take(&mut self.env),
                fds,
                memory: None,
            })),
        }
    }
}

/// What standard input reads from.
pub(crate) enum Input {
    Inherit,
    Bytes(Cursor<Vec<u8>>),
    File(std::fs::File),
}

impl Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            // Unbuffered: bytes held in `io::stdin()`'s buffer would be
            // invisible to `poll_oneoff`, which polls fd 0 itself.
            Input::Inherit => loop {
                // SAFETY: `buf` is writable for its length; fd 0 stays open.
                let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
                if n >= 0 {
                    return Ok(n as usize);
                }
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e);
                }
            },
            Input::Bytes(c) => c.read(buf),
            Input::File(f) => f.read(buf),
        }
    }
}

/// One open descriptor.
pub(crate) enum Desc {
    Stdin(Input),
    /// Standard output or error, with the host fd it inherits (1 or 2).
    Output(OutputStream, i32),
    File {
        file: std::fs::File,
        read: bool,
        write: bool,
        flags: u16,
    },
    Dir {
        dir: Dir,
        /// The guest path of a preopened directory.
        preopen: Option<String>,
        /// The entries `fd_readdir` read at cookie 0 (name, file type,
        /// inode), which later cookies index: a long listing takes many
        /// calls, and each would otherwise read the whole directory again.
        listing: Vec<(Vec<u8>, u8, u64)>,
    },
}

impl Desc {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Desc::Output(out, host_fd) => {
                match out {
                    OutputStream::Inherit => {
                        if *host_fd == 2 {
                            let mut e = io::stderr().lock();
                            e.write_all(buf)?;
                            e.flush()?;
                        } else {
                            let mut o = io::stdout().lock();
                            o.write_all(buf)?;
                            o.flush()?;
                        }
                    }
                    OutputStream::Buffer(b) => b.0.borrow_mut().extend_from_slice(buf),
                    OutputStream::File(f) => f.write_all(buf)?,
                    OutputStream::Null => {}
                }
                Ok(buf.len())
            }
            Desc::File { file, .. } => file.write(buf),
            Desc::Stdin(_) => Err(io::Error::from_raw_os_error(libc::EBADF)),
            Desc::Dir { .. } => Err(io::Error::from_raw_os_error(libc::EISDIR)),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Desc::Stdin(i) => i.read(buf),
            Desc::File { file, .. } => file.read(buf),
            Desc::Output(..) => Err(io::Error::from_raw_os_error(libc::EBADF)),
            Desc::Dir { .. } => Err(io::Error::from_raw_os_error(libc::EISDIR)),
        }
    }
}

/// The state behind a [`WasiCtx`].
pub(crate) struct WasiState {
    pub(crate) args: Vec<String>,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) fds: Vec<Option<Desc>>,
    pub(crate) memory: Option<Memory>,
}

impl WasiState {
    pub(crate) fn get(&mut self, fd: u32) -> Result<&mut Desc, Errno> {
        self.fds
            .get_mut(fd as usize)
            .and_then(Option::as_mut)
            .ok_or(Errno::BADF)
    }

    pub(crate) fn dir(&self, fd: u32) -> Result<&Dir, Errno> {
        match self.fds.get(fd as usize).and_then(Option::as_ref) {
            Some(Desc::Dir { dir, .. }) => Ok(dir),
            Some(_) => Err(Errno::NOTDIR),
            None => Err(Errno::BADF),
        }
    }

    /// Puts `d` in the lowest free descriptor.
    pub(crate) fn insert(&mut self, d: Desc) -> Result<u32, Errno> {
        let fd = match self.fds.iter().position(Option::is_none) {
            Some(i) => {
                self.fds[i] = Some(d);
                i
            }
            None => {
                self.fds.push(Some(d));
                self.fds.len() - 1
            }
        };
        u32::try_from(fd).map_err(|_| Errno::MFILE)
    }
}

/// A WASI context: the program's view of the world. Cheap to clone (clones
/// share the state); used by one store at a time.
#[derive(Clone)]
pub struct WasiCtx {
    pub(crate) state: Rc<RefCell<WasiState>>,
}

impl WasiCtx {
    /// The host functions for `module`'s WASI imports, in import order.
    /// Fails with a link error naming the first import that is not a WASI
    /// preview 1 function of the right type.
    pub fn imports(&self, store: &mut Store, module: &Module) -> Result<Vec<Extern>, Error> {
        self.imports_with(store, module, |_, _| None)
    }

    /// Like [`WasiCtx::imports`], with `other` resolving the imports that
    /// are not from `wasi_snapshot_preview1`.
    pub fn imports_with(
        &self,
        store: &mut Store,
        module: &Module,
        mut other: impl FnMut(&mut Store, &ImportType) -> Option<Extern>,
    ) -> Result<Vec<Extern>, Error> {
        let mut externs = Vec::new();
        for import in module.imports() {
            let ext = if is_wasi_module(&import.module) {
                funcs::make(store, &self.state, &import)?
            } else {
                other(store, &import).ok_or_else(|| {
                    Error::Link(format!(
                        "unknown import: `{}::{}` has not been defined",
                        import.module, import.name
                    ))
                })?
            };
            externs.push(ext);
        }
        Ok(externs)
    }

    /// The memory the WASI functions use for their arguments and results.
    pub fn set_memory(&self, memory: Memory) {
        self.state.borrow_mut().memory = Some(memory);
    }

    /// Instantiates `module` with its WASI imports and binds its exported
    /// memory (`memory`, or else the first exported memory).
    pub fn instantiate(&self, store: &mut Store, module: &Module) -> Result<Instance, Error> {
        let imports = self.imports(store, module)?;
        self.instantiate_with(store, module, &imports)
    }

    /// Instantiates `module` with `imports` (made by
    /// [`WasiCtx::imports_with`]) and binds its exported memory.
    ///
    /// The exported memory is bound once the instance exists, so a start
    /// function that calls WASI (which wasi-libc programs never have) sees
    /// EFAULT for every pointer; a memory the module imports is bound
    /// before.
    pub fn instantiate_with(
        &self,
        store: &mut Store,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance, Error> {
        // A module that imports its memory: bind that one before the start
        // function runs.
        for (import, ext) in module.imports().iter().zip(imports) {
            if let Extern::Memory(m) = ext {
                if !is_wasi_module(&import.module) {
                    self.set_memory(*m);
                    break;
                }
            }
        }
        let instance = Instance::new(store, module, imports)?;
        self.bind_memory_of(store, &instance);
        Ok(instance)
    }

    /// Binds `instance`'s exported memory (`memory`, or else the first
    /// exported memory) as the one the WASI functions use; false, binding
    /// nothing, when it exports none.
    pub fn bind_memory_of(&self, store: &Store, instance: &Instance) -> bool {
        let exported = match instance.get_export(store, "memory") {
            Some(Extern::Memory(m)) => Some(m),
            _ => instance
                .exports(store)
                .into_iter()
                .find_map(|(_, e)| match e {
                    Extern::Memory(m) => Some(m),
                    _ => None,
                }),
        };
        match exported {
            Some(m) => {
                self.set_memory(m);
                true
            }
            None => false,
        }
    }

    /// Runs a command module: instantiates it and calls its `_start`.
    /// Returns the exit status: 0 when `_start` returns, the status given to
    /// `proc_exit` otherwise; a trap is an error.
    pub fn run_command(&self, store: &mut Store, module: &Module) -> Result<i32, Error> {
        let instance = match self.instantiate(store, module) {
            Ok(i) => i,
            Err(e) => return exit_status(e),
        };
        let result = match instance.get_export(store, "_start") {
            Some(Extern::Func(f)) => f.call(store, &[], &mut []),
            _ => {
                return Err(Error::Link(
                    "the module exports no `_start` function".into(),
                ))
            }
        };
        match result {
            Ok(()) => Ok(0),
            Err(e) => exit_status(e),
        }
    }
}

/// `Ok(status)` for an error that is a `proc_exit`, else the error.
fn exit_status(e: Error) -> Result<i32, Error> {
    match exit_code(&e) {
        Some(code) => Ok(code),
        None => Err(e),
    }
}

/// The exit status when `e` is a WASI `proc_exit` unwinding the program.
pub fn exit_code(e: &Error) -> Option<i32> {
    match e {
        Error::Trap(t) => t.exit_code(),
        _ => None,
    }
}
