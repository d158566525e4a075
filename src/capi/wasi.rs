//! WASI preview 1 for C hosts, declared in `include/wasi.h` (generated from
//! this file alone by cbindgen, see `cbindgen-wasi.toml`; `mod.rs` keeps it
//! out of `wasm.h` with `cbindgen:ignore`). A thin layer over
//! [`crate::wasi`]:
//!
//! - `wasi_config_t` collects what a program may see, as
//!   [`WasiCtxBuilder`] does: arguments, environment, standard streams
//!   (inherited, files, bytes, or for output captured in memory) and
//!   preopened directories. The names are wasmtime's `wasi.h` where it has
//!   them, so a host written against it needs few changes.
//! - `wasi_env_t` is a [`WasiCtx`] bound to a store: it makes a module's
//!   WASI imports as a `wasm_extern_vec_t` for `wasm_instance_new`, binds the
//!   instance's memory, and gives back captured output.
//! - `wasi_trap_exit_code` tells `proc_exit`, which unwinds the program as a
//!   trap, from a failure.
//!
//! Null pointers follow `mod.rs`: a null object, string or `out` gives the
//! nothing answer (`false`, null, an empty vector, nothing done). Where null
//! means something, as in `wasm.h`: `wasi_config_delete(NULL)` and
//! `wasi_env_delete(NULL)` do nothing, `wasi_env_new`'s null configuration
//! is the default one (as `wasm_engine_new_with_config`'s), a null byte
//! vector for `wasi_config_set_stdin_bytes` is the empty one, and
//! `wasi_env_get_imports`'s `error` is an optional output (as
//! `wasm_instance_new`'s `trap`). A null string array is no strings, which
//! only a count of 0 may have.
//!
//! Panics: the functions whose result can say "failed" (those returning
//! `bool` or a new object, and `wasi_env_get_imports`) run through
//! [`guard`] and fail as they would otherwise (`false`, null, an error
//! trap); the setters and readers that return nothing cannot panic.

use super::engine::wasm_store_t;
use super::extern_::wasm_extern_t;
use super::instance::wasm_instance_t;
use super::module::wasm_module_t;
use super::trap::wasm_trap_t;
use super::vec::{wasm_byte_vec_t, wasm_extern_vec_t, write_out, CVec};
use super::{guard, into_raw};
use crate::wasi::{InputStream, OutputBuffer, OutputStream, WasiCtx, WasiCtxBuilder};
use std::ffi::{c_char, c_int, CStr};
use std::fs::{File, OpenOptions};
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

/// Where standard output or error goes, before the context exists.
enum Output {
    Stream(OutputStream),
    /// An in-memory buffer that `wasi_env_stdout`/`wasi_env_stderr` read.
    Capture,
}

/// The configuration of a WASI program: arguments, environment, standard
/// streams and preopened directories. By default a program gets no
/// arguments, no environment, empty standard input, discarded output and no
/// directories.
pub struct wasi_config_t {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: InputStream,
    stdout: Output,
    stderr: Output,
    /// The preopened directories, opened when they are added (so that
    /// `wasi_config_preopen_dir` can say whether the directory exists).
    preopens: WasiCtxBuilder,
}

impl wasi_config_t {
    fn new() -> wasi_config_t {
        wasi_config_t {
            args: Vec::new(),
            env: Vec::new(),
            stdin: InputStream::Empty,
            stdout: Output::Stream(OutputStream::Null),
            stderr: Output::Stream(OutputStream::Null),
            preopens: WasiCtxBuilder::new(),
        }
    }
}

/// A new configuration with the defaults.
#[no_mangle]
pub extern "C" fn wasi_config_new() -> *mut wasi_config_t {
    guard(ptr::null_mut(), || into_raw(wasi_config_t::new()))
}

#[no_mangle]
pub extern "C" fn wasi_config_delete(config: Option<Box<wasi_config_t>>) {
    drop(config)
}

/// A NUL-terminated string as UTF-8; `None` for null or not UTF-8.
///
/// # Safety
/// `s` is null or a NUL-terminated string.
unsafe fn utf8<'a>(s: *const c_char) -> Option<&'a str> {
    if s.is_null() {
        return None;
    }
    // SAFETY: `s` is a NUL-terminated string (the caller's contract).
    unsafe { CStr::from_ptr(s) }.to_str().ok()
}

/// The `n` strings of a C array; `None` if one is null or not UTF-8, or the
/// array is null and `n` is not 0.
///
/// # Safety
/// `array` is null or points at `n` pointers, each null or a string.
unsafe fn strings(n: usize, array: *const *const c_char) -> Option<Vec<String>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if array.is_null() {
        return None;
    }
    (0..n)
        // SAFETY: `array` has `n` elements, each null or a string.
        .map(|i| unsafe { utf8(*array.add(i)) }.map(str::to_string))
        .collect()
}

/// Sets the program's arguments, `argv[0]` (its name) first; the strings
/// are copied. False, changing nothing, when one is null or not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_argv(
    config: Option<&mut wasi_config_t>,
    argc: usize,
    argv: *const *const c_char,
) -> bool {
    let Some(config) = config else { return false };
    // SAFETY: forwarded from the caller.
    guard(false, || match unsafe { strings(argc, argv) } {
        Some(args) => {
            config.args = args;
            true
        }
        None => false,
    })
}

/// Gives the program the host process's arguments (non-UTF-8 bytes become
/// U+FFFD).
#[no_mangle]
pub extern "C" fn wasi_config_inherit_argv(config: Option<&mut wasi_config_t>) {
    if let Some(config) = config {
        config.args = std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
    }
}

/// Sets the program's environment: `envc` variables, `names[i]` set to
/// `values[i]`; the strings are copied. False, changing nothing, when one is
/// null or not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_env(
    config: Option<&mut wasi_config_t>,
    envc: usize,
    names: *const *const c_char,
    values: *const *const c_char,
) -> bool {
    let Some(config) = config else { return false };
    guard(false, || {
        // SAFETY: forwarded from the caller.
        let (Some(names), Some(values)) = (unsafe { strings(envc, names) }, unsafe {
            strings(envc, values)
        }) else {
            return false;
        };
        config.env = names.into_iter().zip(values).collect();
        true
    })
}

/// Gives the program the host process's environment (non-UTF-8 bytes
/// become U+FFFD).
#[no_mangle]
pub extern "C" fn wasi_config_inherit_env(config: Option<&mut wasi_config_t>) {
    if let Some(config) = config {
        config.env = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
    }
}

/// Opens `path` (UTF-8) with `options` for a standard stream.
///
/// # Safety
/// `path` is null or a NUL-terminated string.
unsafe fn open(path: *const c_char, options: &OpenOptions) -> Option<File> {
    // SAFETY: forwarded from the caller.
    let path = unsafe { utf8(path) }?;
    guard(None, || options.open(path).ok())
}

fn output_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    options
}

/// Standard input reads the host file at `path`. False, changing nothing,
/// when it cannot be opened (or `path` is null or not UTF-8).
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdin_file(
    config: Option<&mut wasi_config_t>,
    path: *const c_char,
) -> bool {
    let Some(config) = config else { return false };
    // SAFETY: forwarded from the caller.
    match unsafe { open(path, OpenOptions::new().read(true)) } {
        Some(file) => {
            config.stdin = InputStream::File(file);
            true
        }
        None => false,
    }
}

/// Standard input reads these bytes, then end of file. Takes the vector's
/// contents (the vector is left empty; null is the empty vector), even when
/// `config` is null.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdin_bytes(
    config: Option<&mut wasi_config_t>,
    binary: Option<&mut wasm_byte_vec_t>,
) {
    // SAFETY: the host passes an owned vector of ours.
    let bytes = binary.map_or_else(Vec::new, |v| unsafe { v.take() });
    if let Some(config) = config {
        config.stdin = InputStream::Bytes(bytes.into_iter().map(|b| b as u8).collect());
    }
}

/// Standard input is the host process's.
#[no_mangle]
pub extern "C" fn wasi_config_inherit_stdin(config: Option<&mut wasi_config_t>) {
    if let Some(config) = config {
        config.stdin = InputStream::Inherit;
    }
}

/// Sets one of the output streams to the file at `path`, created or
/// truncated.
///
/// # Safety
/// `path` is null or a NUL-terminated string.
unsafe fn set_output_file(slot: Option<&mut Output>, path: *const c_char) -> bool {
    let Some(slot) = slot else { return false };
    // SAFETY: forwarded from the caller.
    match unsafe { open(path, &output_file()) } {
        Some(file) => {
            *slot = Output::Stream(OutputStream::File(file));
            true
        }
        None => false,
    }
}

/// Standard output writes to the host file at `path`, created or
/// truncated. False, changing nothing, when it cannot be opened (or `path`
/// is null or not UTF-8).
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stdout_file(
    config: Option<&mut wasi_config_t>,
    path: *const c_char,
) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { set_output_file(config.map(|c| &mut c.stdout), path) }
}

/// Standard output is the host process's.
#[no_mangle]
pub extern "C" fn wasi_config_inherit_stdout(config: Option<&mut wasi_config_t>) {
    if let Some(config) = config {
        config.stdout = Output::Stream(OutputStream::Inherit);
    }
}

/// Standard output goes to memory, which `wasi_env_stdout` reads back.
#[no_mangle]
pub extern "C" fn wasi_config_capture_stdout(config: Option<&mut wasi_config_t>) {
    if let Some(config) = config {
        config.stdout = Output::Capture;
    }
}

/// Standard error writes to the host file at `path`, created or truncated.
/// False, changing nothing, when it cannot be opened (or `path` is null or
/// not UTF-8).
#[no_mangle]
pub unsafe extern "C" fn wasi_config_set_stderr_file(
    config: Option<&mut wasi_config_t>,
    path: *const c_char,
) -> bool {
    // SAFETY: forwarded from the caller.
    unsafe { set_output_file(config.map(|c| &mut c.stderr), path) }
}

/// Standard error is the host process's.
#[no_mangle]
pub extern "C" fn wasi_config_inherit_stderr(config: Option<&mut wasi_config_t>) {
    if let Some(config) = config {
        config.stderr = Output::Stream(OutputStream::Inherit);
    }
}

/// Standard error goes to memory, which `wasi_env_stderr` reads back.
#[no_mangle]
pub extern "C" fn wasi_config_capture_stderr(config: Option<&mut wasi_config_t>) {
    if let Some(config) = config {
        config.stderr = Output::Capture;
    }
}

/// Lets the program open files under the host directory `host_path`, which
/// it sees as `guest_path` (for example `"."` or `"/data"`); nothing outside
/// it is reachable. The directory is opened now: false when it cannot be
/// (or a path is null or not UTF-8). Preopened directories are descriptors
/// 3, 4, ... in the order they were added.
#[no_mangle]
pub unsafe extern "C" fn wasi_config_preopen_dir(
    config: Option<&mut wasi_config_t>,
    host_path: *const c_char,
    guest_path: *const c_char,
) -> bool {
    let Some(config) = config else { return false };
    // SAFETY: forwarded from the caller.
    let (Some(host), Some(guest)) = (unsafe { utf8(host_path) }, unsafe { utf8(guest_path) })
    else {
        return false;
    };
    guard(false, || config.preopens.preopened_dir(host, guest).is_ok())
}

/// A WASI context bound to a store: the state of one program.
pub struct wasi_env_t {
    store: NonNull<wasm_store_t>,
    ctx: WasiCtx,
    stdout: Option<OutputBuffer>,
    stderr: Option<OutputBuffer>,
}

fn output(out: Output) -> (OutputStream, Option<OutputBuffer>) {
    match out {
        Output::Stream(s) => (s, None),
        Output::Capture => {
            let buffer = OutputBuffer::new();
            (OutputStream::Buffer(buffer.clone()), Some(buffer))
        }
    }
}

/// A WASI environment for programs of `store`, which must outlive it. Takes
/// ownership of `config`; null is the default configuration. Null for a
/// null store (`config` is then deleted).
#[no_mangle]
pub extern "C" fn wasi_env_new(
    store: Option<NonNull<wasm_store_t>>,
    config: Option<Box<wasi_config_t>>,
) -> *mut wasi_env_t {
    let Some(store) = store else {
        drop(config);
        return ptr::null_mut();
    };
    guard(ptr::null_mut(), || {
        let config = config.map_or_else(wasi_config_t::new, |c| *c);
        let mut builder = config.preopens;
        builder.args(config.args);
        for (name, value) in config.env {
            builder.env(name, value);
        }
        builder.stdin(config.stdin);
        let (stdout, stdout_buffer) = output(config.stdout);
        let (stderr, stderr_buffer) = output(config.stderr);
        builder.stdout(stdout).stderr(stderr);
        into_raw(wasi_env_t {
            store,
            ctx: builder.build(),
            stdout: stdout_buffer,
            stderr: stderr_buffer,
        })
    })
}

/// Deletes the environment. The functions `wasi_env_get_imports` made live
/// on in the store and keep the program's state (open files, buffers).
#[no_mangle]
pub extern "C" fn wasi_env_delete(env: Option<Box<wasi_env_t>>) {
    drop(env)
}

/// Writes a new trap of `store` saying `message` to an optional `error`.
fn write_error(
    error: Option<&mut MaybeUninit<*mut wasm_trap_t>>,
    store: *mut wasm_store_t,
    message: String,
) {
    if let Some(error) = error {
        error.write(wasm_trap_t::from_message(store, message));
    }
}

/// The imports of `module`, in its import order, for `wasm_instance_new`:
/// WASI preview 1 functions (`wasi_snapshot_preview1`, and `wasi_unstable`
/// for older programs) of the environment's store. On success writes them
/// to `out`, null to `error` (when not null), and returns true. Otherwise
/// writes the empty vector to `out`, a trap saying why to `error` (when not
/// null), and returns false: an import that is not a WASI function of the
/// right type (it is named), or a null `env`, `module` or `out`. The caller
/// deletes the vector (`wasm_extern_vec_delete`) and the trap.
#[no_mangle]
pub unsafe extern "C" fn wasi_env_get_imports(
    env: Option<&wasi_env_t>,
    module: Option<&wasm_module_t>,
    out: Option<&mut MaybeUninit<wasm_extern_vec_t>>,
    error: Option<&mut MaybeUninit<*mut wasm_trap_t>>,
) -> bool {
    let store_ptr = env.map_or(ptr::null_mut(), |e| e.store.as_ptr());
    let (Some(env), Some(module)) = (env, module) else {
        let which = if env.is_none() { "env" } else { "module" };
        write_out(out, Vec::new());
        let message = format!("wasi_env_get_imports: null {which}");
        write_error(error, store_ptr, message);
        return false;
    };
    let Some(out) = out else {
        let message = "wasi_env_get_imports: null out".to_string();
        write_error(error, store_ptr, message);
        return false;
    };
    let result = guard(Err("wasi_env_get_imports panicked".to_string()), || {
        // SAFETY: the store outlives the environment; an entry point of it.
        let store = unsafe { env.store.as_ref().store() };
        env.ctx
            .imports(store, &module.module)
            .map_err(|e| e.to_string())
    });
    match result {
        Ok(externs) => {
            let v = externs
                .into_iter()
                .map(|e| wasm_extern_t::new(store_ptr, e))
                .collect();
            write_out(Some(out), v);
            if let Some(error) = error {
                error.write(ptr::null_mut());
            }
            true
        }
        Err(message) => {
            out.write(wasm_extern_vec_t::from_vec(Vec::new()));
            write_error(error, store_ptr, message);
            false
        }
    }
}

/// Binds the memory the WASI functions read and write: `instance`'s export
/// `memory`, or else its first exported memory. Call it after
/// `wasm_instance_new` and before running the program. False, binding
/// nothing, when the instance exports no memory or belongs to another store.
#[no_mangle]
pub unsafe extern "C" fn wasi_env_set_instance(
    env: Option<&wasi_env_t>,
    instance: Option<&wasm_instance_t>,
) -> bool {
    let (Some(env), Some(instance)) = (env, instance) else {
        return false;
    };
    if !ptr::eq(instance.store, env.store.as_ptr()) {
        return false;
    }
    guard(false, || {
        // SAFETY: the store outlives the environment; an entry point of it.
        let store = unsafe { env.store.as_ref().store() };
        env.ctx.bind_memory_of(store, &instance.instance)
    })
}

fn write_bytes(out: Option<&mut MaybeUninit<wasm_byte_vec_t>>, bytes: Vec<u8>) {
    if let Some(out) = out {
        out.write(wasm_byte_vec_t::from_bytes(&bytes));
    }
}

/// Everything the program wrote to standard output so far, when the
/// configuration captured it (`wasi_config_capture_stdout`); the empty
/// vector otherwise. The bytes are the program's, with no NUL added.
#[no_mangle]
pub extern "C" fn wasi_env_stdout(
    env: Option<&wasi_env_t>,
    out: Option<&mut MaybeUninit<wasm_byte_vec_t>>,
) {
    let bytes = env
        .and_then(|e| e.stdout.as_ref())
        .map(OutputBuffer::contents);
    write_bytes(out, bytes.unwrap_or_default())
}

/// As `wasi_env_stdout`, for standard error (`wasi_config_capture_stderr`).
#[no_mangle]
pub extern "C" fn wasi_env_stderr(
    env: Option<&wasi_env_t>,
    out: Option<&mut MaybeUninit<wasm_byte_vec_t>>,
) {
    let bytes = env
        .and_then(|e| e.stderr.as_ref())
        .map(OutputBuffer::contents);
    write_bytes(out, bytes.unwrap_or_default())
}

/// Whether `trap` is the program exiting through `proc_exit` (C's `exit`,
/// or wasi-libc's `main` returning non-zero) rather than a failure; if so,
/// writes the exit status to `code`. A `_start` that returns without a trap
/// exited with status 0. False for a null `trap` or `code`.
#[no_mangle]
pub extern "C" fn wasi_trap_exit_code(
    trap: Option<&wasm_trap_t>,
    code: Option<&mut MaybeUninit<c_int>>,
) -> bool {
    let (Some(trap), Some(code)) = (trap, code) else {
        return false;
    };
    match trap.trap().exit_code() {
        Some(status) => {
            code.write(status);
            true
        }
        None => false,
    }
}
