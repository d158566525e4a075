//! End-to-end tests of the compiler without the runtime: compile WAT, map
//! the code executable, build a minimal vmctx by hand, and call functions
//! through the entry trampolines.

use std::cell::Cell;

use super::codegen::CpuFeatures;
use super::{compile, compile_for_cpu, emit_engine_stubs, CompiledCode, CompilerConfig};
use crate::module::{
    parse, ConstOp, DataKind, ElementItemsKind, ElementSegmentKind, ImportKind, ModuleInfo,
};
use crate::vm::*;

/// Code copied into a fresh read+execute mapping.
struct ExecMem {
    ptr: *mut u8,
    len: usize,
}

impl ExecMem {
    fn new(code: &[u8]) -> ExecMem {
        let len = code.len().max(1).next_multiple_of(4096);
        // SAFETY: anonymous private mapping, checked for failure below.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(ptr, libc::MAP_FAILED);
        let ptr = ptr as *mut u8;
        // SAFETY: the mapping is at least code.len() bytes and writable.
        unsafe {
            std::ptr::copy_nonoverlapping(code.as_ptr(), ptr, code.len());
            assert_eq!(
                libc::mprotect(ptr as *mut _, len, libc::PROT_READ | libc::PROT_EXEC),
                0
            );
        }
        ExecMem { ptr, len }
    }
}

impl Drop for ExecMem {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the mapping created in `new`.
        unsafe {
            libc::munmap(self.ptr as *mut _, self.len);
        }
    }
}

thread_local! {
    static LAST_TRAP: Cell<Option<(u32, usize)>> = const { Cell::new(None) };
    static MEMORY: Cell<(*mut VMMemoryDefinition, u64)> = const { Cell::new((std::ptr::null_mut(), 0)) };
}

unsafe extern "C" fn capture(_vmctx: *mut u8, code: u32, pc: usize, _fp: usize) {
    LAST_TRAP.with(|t| t.set(Some((code, pc))));
}

unsafe extern "C" fn memory_grow(_vmctx: *mut u8, _memory: u32, delta: u32) -> u32 {
    let (def, capacity) = MEMORY.with(|m| m.get());
    // SAFETY: the test instance keeps the definition alive during calls.
    let def = unsafe { &mut *def };
    let old = def.length / 65536;
    let new = old + delta as u64;
    if new * 65536 > capacity {
        return u32::MAX;
    }
    def.length = new * 65536;
    old as u32
}

unsafe extern "C" fn memory_fill(vmctx: *mut u8, _m: u32, dst: u32, val: u32, len: u32) -> u32 {
    let _ = vmctx;
    let (def, _) = MEMORY.with(|m| m.get());
    // SAFETY: as above.
    let def = unsafe { &mut *def };
    if dst as u64 + len as u64 > def.length {
        return TrapCode::MemoryOutOfBounds as u32;
    }
    // SAFETY: bounds checked against the current length.
    unsafe { std::ptr::write_bytes(def.base.add(dst as usize), val as u8, len as usize) };
    0
}

unsafe extern "C" fn not_in_tests6(_: *mut u8, _: u32, _: u32, _: u32, _: u32, _: u32) -> u32 {
    TrapCode::HostTrap as u32
}
unsafe extern "C" fn not_in_tests_drop(_: *mut u8, _: u32) {}
unsafe extern "C" fn not_in_tests_grow(_: *mut u8, _: u32, _: usize, _: u32) -> u32 {
    u32::MAX
}
unsafe extern "C" fn not_in_tests_fill(_: *mut u8, _: u32, _: u32, _: usize, _: u32) -> u32 {
    TrapCode::HostTrap as u32
}

static BUILTINS: VMBuiltins = VMBuiltins {
    memory_grow,
    memory_fill,
    memory_copy: not_in_tests6,
    memory_init: not_in_tests6,
    data_drop: not_in_tests_drop,
    table_grow: not_in_tests_grow,
    table_fill: not_in_tests_fill,
    table_copy: not_in_tests6,
    table_init: not_in_tests6,
    elem_drop: not_in_tests_drop,
};

/// The host side of every import: `(i32, i32) -> i32` adding its
/// arguments, trapping when the first is 0xdead.
unsafe extern "C" fn host_add(_ctx: *mut VMHostFuncContext, values: *mut u64, _fp: usize) -> u32 {
    // SAFETY: the exit trampoline passes the caller's argument slots.
    unsafe {
        let a = *values as u32;
        let b = *values.add(1) as u32;
        if a == 0xdead {
            LAST_TRAP.with(|t| t.set(Some((TrapCode::HostTrap as u32, 0))));
            return 1;
        }
        *values = a.wrapping_add(b) as u64;
    }
    0
}

struct Instance {
    info: ModuleInfo,
    compiled: CompiledCode,
    code: ExecMem,
    _stubs: ExecMem,
    vmctx: Vec<u128>,
    store: Box<VMStoreContext>,
    _host: Box<VMHostFuncContext>,
    memory: Box<VMMemoryDefinition>,
    _memory_bytes: Vec<u8>,
    _table: Box<VMTableDefinition>,
    _table_elems: Vec<usize>,
    /// Never resized: generated code holds pointers into it.
    globals: Vec<VMGlobal>,
}

fn eval_const(expr: &crate::module::ConstExpr) -> u64 {
    match expr.0[0] {
        ConstOp::I32Const(v) => v as u32 as u64,
        ConstOp::I64Const(v) => v as u64,
        ConstOp::F32Const(v) => v as u64,
        ConstOp::F64Const(v) => v,
        ref op => panic!("test harness: unsupported initialiser {op:?}"),
    }
}

fn instantiate_with(wat: &str, config: CompilerConfig) -> Instance {
    instantiate_for_cpu(wat, config, CpuFeatures::detect())
}

fn instantiate_for_cpu(wat: &str, config: CompilerConfig, cpu: CpuFeatures) -> Instance {
    let bytes = wat::parse_str(wat).expect("valid wat");
    let (info, funcs) = parse(&bytes, wasmparser::WasmFeatures::default()).expect("parses");
    let offsets = VMOffsets::new(&info);
    let compiled = compile_for_cpu(&config, &info, &offsets, funcs, cpu).expect("compiles");
    let code = ExecMem::new(&compiled.code);
    let stubs = emit_engine_stubs(capture as *const () as usize);
    let stubs_mem = ExecMem::new(&stubs.code);

    let mut vmctx = vec![0u128; (offsets.size as usize).div_ceil(16) + 1];
    let mut store = Box::new(VMStoreContext::default());
    let mut host = Box::new(VMHostFuncContext {
        dispatch: host_add,
        store: &mut *store,
    });
    let capacity = 4 * 65536u64;
    let mut memory_bytes = vec![0u8; capacity as usize];
    let min = info.memories.first().map_or(0, |m| m.min as u64);
    let mut memory = Box::new(VMMemoryDefinition {
        base: memory_bytes.as_mut_ptr(),
        length: min * 65536,
    });
    for d in &info.data {
        if let DataKind::Active { offset, .. } = &d.kind {
            let at = eval_const(offset) as usize;
            memory_bytes[at..at + d.bytes.len()].copy_from_slice(&d.bytes);
        }
    }
    let mut table_elems = vec![0usize; info.tables.first().map_or(0, |t| t.min as usize)];
    let mut table = Box::new(VMTableDefinition {
        base: table_elems.as_mut_ptr(),
        length: table_elems.len() as u32,
        _pad: 0,
    });
    let mut globals: Vec<VMGlobal> = info
        .global_inits
        .iter()
        .map(|init| VMGlobal {
            bits: [eval_const(init), 0],
        })
        .collect();

    let base = vmctx.as_mut_ptr() as *mut u8;
    let header = VMContextHeader {
        store: &mut *store,
        builtins: &BUILTINS,
        raise_trap: stubs_mem.ptr.wrapping_add(stubs.raise_trap as usize),
        instance: std::ptr::null_mut(),
    };
    // SAFETY: every write below stays within the `offsets.size` bytes of
    // the (16-aligned, zeroed) vmctx buffer, at offsets VMOffsets computed.
    unsafe {
        std::ptr::write(base as *mut VMContextHeader, header);
        for i in 0..info.types.len() as u32 {
            let canonical = info
                .types
                .iter()
                .position(|t| *t == info.types[i as usize])
                .unwrap();
            *(base.add(offsets.type_id(i) as usize) as *mut u32) = canonical as u32;
        }
        for f in 0..info.func_types.len() as u32 {
            let ty = info.func_types[f as usize];
            let canonical = info
                .types
                .iter()
                .position(|t| *t == info.types[ty as usize])
                .unwrap();
            let r = if info.is_imported_func(f) {
                VMFuncRef {
                    code: stubs_mem.ptr.wrapping_add(stubs.exit_trampoline as usize),
                    vmctx: &mut *host as *mut VMHostFuncContext as *mut u8,
                    type_id: canonical as u32,
                    _pad: 0,
                }
            } else {
                let loc = compiled.funcs[(f - info.num_imported_funcs) as usize];
                VMFuncRef {
                    code: code.ptr.wrapping_add(loc.offset as usize),
                    vmctx: base,
                    type_id: canonical as u32,
                    _pad: 0,
                }
            };
            *(base.add(offsets.funcref(f) as usize) as *mut VMFuncRef) = r;
        }
        if !info.memories.is_empty() {
            *(base.add(offsets.memory(0) as usize) as *mut *mut VMMemoryDefinition) = &mut *memory;
        }
        if !info.tables.is_empty() {
            *(base.add(offsets.table(0) as usize) as *mut *mut VMTableDefinition) = &mut *table;
        }
        for (i, g) in globals.iter_mut().enumerate() {
            *(base.add(offsets.global(i as u32) as usize) as *mut *mut VMGlobal) = g;
        }
        for e in &info.elements {
            if let (ElementSegmentKind::Active { offset, .. }, ElementItemsKind::Functions(fs)) =
                (&e.kind, &e.items)
            {
                let at = eval_const(offset) as usize;
                for (k, f) in fs.iter().enumerate() {
                    table_elems[at + k] = base.add(offsets.funcref(*f) as usize) as usize;
                }
            }
        }
    }
    assert!(info
        .imports
        .iter()
        .all(|i| matches!(i.kind, ImportKind::Func(_))));
    MEMORY.with(|m| m.set((&mut *memory, capacity)));
    Instance {
        info,
        compiled,
        code,
        _stubs: stubs_mem,
        vmctx,
        store,
        _host: host,
        memory,
        _memory_bytes: memory_bytes,
        _table: table,
        _table_elems: table_elems,
        globals,
    }
}

fn instantiate(wat: &str) -> Instance {
    instantiate_with(
        wat,
        CompilerConfig {
            explicit_bounds_checks: true,
            parallel: false,
        },
    )
}

impl Instance {
    fn func(&self, name: &str) -> u32 {
        self.info
            .exports
            .iter()
            .find_map(|e| match e.kind {
                crate::module::ExportKind::Func(i) if e.name == name => Some(i),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no export {name}"))
    }

    /// Calls an exported function with raw argument bits.
    fn call(&mut self, name: &str, args: &[u64]) -> Result<Vec<u64>, TrapCode> {
        let f = self.func(name);
        let ty = self.info.func_type(f).clone();
        assert_eq!(ty.params.len(), args.len());
        let mut values = vec![0u64; ty.params.len().max(ty.results.len())];
        values[..args.len()].copy_from_slice(args);
        let tramp = self.compiled.entry_trampolines[self.info.func_types[f as usize] as usize];
        let loc = self.compiled.funcs[(f - self.info.num_imported_funcs) as usize];
        let marker = 0u8;
        // Leave 64 KiB of native stack below the limit for the host side.
        self.store.stack_limit = (&marker as *const u8 as usize) - 512 * 1024;
        self.store.activation_sp = 0;
        MEMORY.with(|m| m.set((&mut *self.memory, 4 * 65536)));
        LAST_TRAP.with(|t| t.set(None));
        // SAFETY: the trampoline has the EntryTrampoline ABI for this type,
        // the vmctx is fully initialised, `values` holds enough slots.
        let trapped = unsafe {
            let entry: EntryTrampoline = std::mem::transmute(self.code.ptr.add(tramp as usize));
            entry(
                self.vmctx.as_mut_ptr() as *mut u8,
                self.code.ptr.add(loc.offset as usize),
                values.as_mut_ptr(),
            )
        };
        if trapped != 0 {
            let (code, _) = LAST_TRAP.with(|t| t.get()).expect("a trap was recorded");
            return Err(TrapCode::from_u32(code).unwrap());
        }
        values.truncate(ty.results.len());
        Ok(values)
    }

    fn i32(&mut self, name: &str, args: &[u64]) -> i32 {
        self.call(name, args).expect("no trap")[0] as u32 as i32
    }

    fn i64(&mut self, name: &str, args: &[u64]) -> i64 {
        self.call(name, args).expect("no trap")[0] as i64
    }
}

fn f32b(v: f32) -> u64 {
    v.to_bits() as u64
}
fn f64b(v: f64) -> u64 {
    v.to_bits()
}

#[test]
fn arithmetic_and_locals() {
    let mut i = instantiate(
        r#"(module
          (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
          (func (export "sub_const") (param i32) (result i32) local.get 0 i32.const 5 i32.sub)
          (func (export "const_sub") (param i32) (result i32) i32.const 5 local.get 0 i32.sub)
          (func (export "mul64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)
          (func (export "big") (param i64) (result i64) local.get 0 i64.const 0x123456789abc i64.add)
          (func (export "locals") (param i32) (result i32) (local i32 i64)
            local.get 0 local.set 1
            local.get 1 i32.const 3 i32.mul local.tee 1
            local.get 1 i32.add)
          (func (export "wrap") (param i64) (result i32) local.get 0 i32.wrap_i64)
          (func (export "ext") (param i32) (result i64) local.get 0 i64.extend_i32_s)
          (func (export "extu") (param i32) (result i64) local.get 0 i64.extend_i32_u)
          (func (export "shl") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shl)
          (func (export "rotr") (param i64 i64) (result i64) local.get 1 local.get 0 i64.rotr)
          (func (export "shr_s_c") (param i32) (result i32) local.get 0 i32.const 33 i32.shr_s)
          (func (export "clz") (param i32) (result i32) local.get 0 i32.clz)
          (func (export "ctz64") (param i64) (result i64) local.get 0 i64.ctz)
          (func (export "popcnt") (param i32) (result i32) local.get 0 i32.popcnt)
          (func (export "ext8") (param i32) (result i32) local.get 0 i32.extend8_s)
        )"#,
    );
    assert_eq!(i.i32("add", &[2, 40]), 42);
    assert_eq!(i.i32("add", &[u32::MAX as u64, 2]), 1);
    assert_eq!(i.i32("sub_const", &[2]), -3);
    assert_eq!(i.i32("const_sub", &[2]), 3);
    assert_eq!(i.i64("mul64", &[1 << 33, 3]), 3 << 33);
    assert_eq!(i.i64("big", &[1]), 0x123456789abd);
    assert_eq!(i.i32("locals", &[7]), 42);
    assert_eq!(i.i32("wrap", &[0x1_0000_0005]), 5);
    assert_eq!(i.i64("ext", &[(-5i32) as u32 as u64]), -5);
    assert_eq!(i.i64("extu", &[(-5i32) as u32 as u64]), 0xffff_fffb);
    assert_eq!(i.i32("shl", &[1, 33]), 2);
    assert_eq!(i.i64("rotr", &[4, 1]), 1 << 60);
    assert_eq!(i.i32("shr_s_c", &[(-8i32) as u32 as u64]), -4);
    assert_eq!(i.i32("clz", &[1]), 31);
    assert_eq!(i.i32("clz", &[0]), 32);
    assert_eq!(i.i64("ctz64", &[0]), 64);
    assert_eq!(i.i64("ctz64", &[1 << 40]), 40);
    assert_eq!(i.i32("popcnt", &[0xff00ff]), 16);
    assert_eq!(i.i32("ext8", &[0x80]), -128);
}

#[test]
fn division_and_traps() {
    let mut i = instantiate(
        r#"(module
          (func (export "div_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
          (func (export "rem_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)
          (func (export "div_u64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_u)
          (func (export "rem_s64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s)
          (func (export "div_c") (param i32) (result i32) local.get 0 i32.const 7 i32.div_s)
          (func (export "unreachable") unreachable)
        )"#,
    );
    assert_eq!(i.i32("div_s", &[(-7i32) as u32 as u64, 2]), -3);
    assert_eq!(i.i32("rem_s", &[(-7i32) as u32 as u64, 2]), -1);
    assert_eq!(
        i.call("div_s", &[1, 0]),
        Err(TrapCode::IntegerDivisionByZero)
    );
    assert_eq!(
        i.call("div_s", &[i32::MIN as u32 as u64, u32::MAX as u64]),
        Err(TrapCode::IntegerOverflow)
    );
    assert_eq!(
        i.i32("rem_s", &[i32::MIN as u32 as u64, u32::MAX as u64]),
        0
    );
    assert_eq!(i.i64("div_u64", &[u64::MAX, 2]), (u64::MAX / 2) as i64);
    assert_eq!(i.i64("rem_s64", &[i64::MIN as u64, u64::MAX]), 0);
    assert_eq!(
        i.call("rem_s64", &[1, 0]),
        Err(TrapCode::IntegerDivisionByZero)
    );
    assert_eq!(i.i32("div_c", &[50]), 7);
    assert_eq!(
        i.call("unreachable", &[]),
        Err(TrapCode::UnreachableCodeReached)
    );
    // The instance still works after a trap.
    assert_eq!(i.i32("div_s", &[9, 3]), 3);
}

#[test]
fn control_flow() {
    let mut i = instantiate(
        r#"(module
          (func (export "fac") (param i64) (result i64)
            (if (result i64) (i64.eqz (local.get 0))
              (then (i64.const 1))
              (else (i64.mul (local.get 0) (call 0 (i64.sub (local.get 0) (i64.const 1)))))))
          (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
          (func (export "loop_sum") (param i32) (result i32) (local i32)
            (block $done
              (loop $l
                (br_if $done (i32.eqz (local.get 0)))
                (local.set 1 (i32.add (local.get 1) (local.get 0)))
                (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                (br $l)))
            (local.get 1))
          (func (export "switch") (param i32) (result i32)
            (block $d (block $c (block $b (block $a
              (br_table $a $b $c $d (local.get 0)))
              (return (i32.const 10)))
              (return (i32.const 11)))
              (return (i32.const 12)))
            (i32.const 13))
          (func (export "br_value") (param i32) (result i32)
            (block (result i32)
              (br_if 0 (i32.const 100) (local.get 0))
              (drop)
              (i32.const 200)))
          (func (export "select") (param i32 i32 i32) (result i32)
            (select (local.get 0) (local.get 1) (local.get 2)))
          (func (export "select_cmp") (param i32 i32) (result i32)
            (select (local.get 0) (local.get 1) (i32.gt_s (local.get 0) (local.get 1))))
          (func (export "nested_dead") (param i32) (result i32)
            (block (result i32)
              (br 0 (i32.const 5))
              (block (i32.const 1) (br 0))
              (i32.const 7)))
          (func (export "if_no_else") (param i32) (result i32) (local i32)
            (if (local.get 0) (then (local.set 1 (i32.const 9))))
            (local.get 1))
          (func (export "deep") (param i32) (result i32)
            (i32.add (local.get 0)
              (i32.add (i32.const 1)
                (i32.add (i32.const 2)
                  (i32.add (local.get 0)
                    (i32.add (local.get 0)
                      (i32.add (local.get 0)
                        (i32.add (local.get 0)
                          (i32.add (local.get 0)
                            (i32.add (local.get 0)
                              (i32.add (local.get 0)
                                (i32.add (local.get 0)
                                  (i32.add (local.get 0) (local.get 0))))))))))))))
        )"#,
    );
    assert_eq!(i.i64("fac", &[20]), 2432902008176640000);
    assert_eq!(i.i32("fib", &[20]), 6765);
    assert_eq!(i.i32("loop_sum", &[100]), 5050);
    for (k, want) in [(0, 10), (1, 11), (2, 12), (3, 13), (4, 13), (99, 13)] {
        assert_eq!(i.i32("switch", &[k]), want, "switch {k}");
    }
    assert_eq!(i.i32("br_value", &[1]), 100);
    assert_eq!(i.i32("br_value", &[0]), 200);
    assert_eq!(i.i32("select", &[1, 2, 1]), 1);
    assert_eq!(i.i32("select", &[1, 2, 0]), 2);
    assert_eq!(i.i32("select_cmp", &[5, 3]), 5);
    assert_eq!(i.i32("select_cmp", &[(-5i32) as u32 as u64, 3]), 3);
    assert_eq!(i.i32("nested_dead", &[0]), 5);
    assert_eq!(i.i32("if_no_else", &[1]), 9);
    assert_eq!(i.i32("if_no_else", &[0]), 0);
    assert_eq!(i.i32("deep", &[1]), 14);
}

#[test]
fn multi_value() {
    let mut i = instantiate(
        r#"(module
          (func $swap (param i32 i64) (result i64 i32) local.get 1 local.get 0)
          (func (export "swap_sub") (param i32 i64) (result i64)
            (call $swap (local.get 0) (local.get 1))
            (i64.extend_i32_u)
            (i64.sub))
          (func (export "block_params") (param i32) (result i32)
            (local.get 0)
            (i32.const 10)
            (block (param i32 i32) (result i32 i32)
              (i32.add)
              (i32.const 3))
            (i32.mul))
          (func (export "loop_params") (param i32) (result i32)
            (i32.const 0) (local.get 0)
            (loop (param i32 i32) (result i32)
              ;; [acc n] -> [acc+n n-1] while n-1 != 0
              (local.set 0)
              (i32.add (local.get 0))
              (i32.sub (local.get 0) (i32.const 1))
              (local.tee 0)
              (local.get 0)
              (br_if 0)
              (drop)))
          (func (export "many") (result i32 i64 f32 f64 i32 i32 i32 i32 i32 i32)
            (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4)
            (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9) (i32.const 10))
          (func (export "if_multi") (param i32) (result i32 i32)
            (if (result i32 i32) (local.get 0)
              (then (i32.const 1) (i32.const 2))
              (else (i32.const 3) (i32.const 4))))
        )"#,
    );
    assert_eq!(i.i64("swap_sub", &[2, 50]), 48);
    assert_eq!(i.i32("block_params", &[5]), 45);
    assert_eq!(i.i32("loop_params", &[4]), 10);
    let r = i.call("many", &[]).unwrap();
    assert_eq!(r.len(), 10);
    assert_eq!(r[0] as u32, 1);
    assert_eq!(r[1], 2);
    assert_eq!(r[2] as u32, 3.0f32.to_bits());
    assert_eq!(r[3], 4.0f64.to_bits());
    assert_eq!(r[9] as u32, 10);
    let r = i.call("if_multi", &[1]).unwrap();
    assert_eq!((r[0] as u32, r[1] as u32), (1, 2));
    let r = i.call("if_multi", &[0]).unwrap();
    assert_eq!((r[0] as u32, r[1] as u32), (3, 4));
}

#[test]
fn floats() {
    let mut i = instantiate(
        r#"(module
          (func (export "fadd") (param f64 f64) (result f64) local.get 0 local.get 1 f64.add)
          (func (export "fmin") (param f32 f32) (result f32) local.get 0 local.get 1 f32.min)
          (func (export "fmax") (param f64 f64) (result f64) local.get 0 local.get 1 f64.max)
          (func (export "lt") (param f64 f64) (result i32) local.get 0 local.get 1 f64.lt)
          (func (export "eq") (param f32 f32) (result i32) local.get 0 local.get 1 f32.eq)
          (func (export "ne") (param f32 f32) (result i32) local.get 0 local.get 1 f32.ne)
          (func (export "neg") (param f64) (result f64) local.get 0 f64.neg)
          (func (export "abs") (param f32) (result f32) local.get 0 f32.abs)
          (func (export "copysign") (param f64 f64) (result f64) local.get 0 local.get 1 f64.copysign)
          (func (export "floor") (param f64) (result f64) local.get 0 f64.floor)
          (func (export "nearest") (param f32) (result f32) local.get 0 f32.nearest)
          (func (export "sqrt") (param f64) (result f64) local.get 0 f64.sqrt)
          (func (export "trunc_s") (param f64) (result i32) local.get 0 i32.trunc_f64_s)
          (func (export "trunc_u64") (param f64) (result i64) local.get 0 i64.trunc_f64_u)
          (func (export "trunc_u32") (param f32) (result i32) local.get 0 i32.trunc_f32_u)
          (func (export "sat_s") (param f64) (result i32) local.get 0 i32.trunc_sat_f64_s)
          (func (export "sat_u64") (param f32) (result i64) local.get 0 i64.trunc_sat_f32_u)
          (func (export "cvt_u64") (param i64) (result f64) local.get 0 f64.convert_i64_u)
          (func (export "cvt_u64_f32") (param i64) (result f32) local.get 0 f32.convert_i64_u)
          (func (export "cvt_u32") (param i32) (result f32) local.get 0 f32.convert_i32_u)
          (func (export "demote") (param f64) (result f32) local.get 0 f32.demote_f64)
          (func (export "reinterp") (param f64) (result i64) local.get 0 i64.reinterpret_f64)
          (func (export "fconst") (result f64) f64.const 1.5 f64.const 2.25 f64.mul)
        )"#,
    );
    let f64r = |v: Vec<u64>| f64::from_bits(v[0]);
    let f32r = |v: Vec<u64>| f32::from_bits(v[0] as u32);
    assert_eq!(
        f64r(i.call("fadd", &[f64b(1.5), f64b(2.25)]).unwrap()),
        3.75
    );
    assert_eq!(
        f32r(i.call("fmin", &[f32b(1.0), f32b(-2.0)]).unwrap()),
        -2.0
    );
    assert!(f32r(i.call("fmin", &[f32b(f32::NAN), f32b(-2.0)]).unwrap()).is_nan());
    assert!(f32r(i.call("fmin", &[f32b(1.0), f32b(f32::NAN)]).unwrap()).is_nan());
    let z = f32r(i.call("fmin", &[f32b(0.0), f32b(-0.0)]).unwrap());
    assert!(z == 0.0 && z.is_sign_negative());
    let z = f64r(i.call("fmax", &[f64b(-0.0), f64b(0.0)]).unwrap());
    assert!(z == 0.0 && z.is_sign_positive());
    assert_eq!(i.i32("lt", &[f64b(1.0), f64b(2.0)]), 1);
    assert_eq!(i.i32("lt", &[f64b(2.0), f64b(1.0)]), 0);
    assert_eq!(i.i32("lt", &[f64b(f64::NAN), f64b(1.0)]), 0);
    assert_eq!(i.i32("eq", &[f32b(f32::NAN), f32b(f32::NAN)]), 0);
    assert_eq!(i.i32("eq", &[f32b(1.0), f32b(1.0)]), 1);
    assert_eq!(i.i32("ne", &[f32b(f32::NAN), f32b(f32::NAN)]), 1);
    assert_eq!(f64r(i.call("neg", &[f64b(2.0)]).unwrap()), -2.0);
    assert_eq!(f32r(i.call("abs", &[f32b(-2.5)]).unwrap()), 2.5);
    assert_eq!(
        f64r(i.call("copysign", &[f64b(2.0), f64b(-0.0)]).unwrap()),
        -2.0
    );
    assert_eq!(f64r(i.call("floor", &[f64b(-1.5)]).unwrap()), -2.0);
    assert_eq!(f32r(i.call("nearest", &[f32b(2.5)]).unwrap()), 2.0);
    assert_eq!(f64r(i.call("sqrt", &[f64b(9.0)]).unwrap()), 3.0);
    assert_eq!(i.i32("trunc_s", &[f64b(-2147483648.9)]), i32::MIN);
    assert_eq!(
        i.call("trunc_s", &[f64b(-2147483649.0)]),
        Err(TrapCode::IntegerOverflow)
    );
    assert_eq!(
        i.call("trunc_s", &[f64b(2147483648.0)]),
        Err(TrapCode::IntegerOverflow)
    );
    assert_eq!(
        i.call("trunc_s", &[f64b(f64::NAN)]),
        Err(TrapCode::BadConversionToInteger)
    );
    assert_eq!(
        i.i64("trunc_u64", &[f64b(18446744073709549568.0)]) as u64,
        18446744073709549568
    );
    assert_eq!(i.i64("trunc_u64", &[f64b(-0.9)]), 0);
    assert_eq!(
        i.call("trunc_u64", &[f64b(-1.0)]),
        Err(TrapCode::IntegerOverflow)
    );
    assert_eq!(i.i32("trunc_u32", &[f32b(4294967040.0)]) as u32, 4294967040);
    assert_eq!(i.i32("sat_s", &[f64b(1e20)]), i32::MAX);
    assert_eq!(i.i32("sat_s", &[f64b(-1e20)]), i32::MIN);
    assert_eq!(i.i32("sat_s", &[f64b(f64::NAN)]), 0);
    assert_eq!(i.i64("sat_u64", &[f32b(1e30)]) as u64, u64::MAX);
    assert_eq!(i.i64("sat_u64", &[f32b(-5.0)]), 0);
    assert_eq!(
        f64r(i.call("cvt_u64", &[u64::MAX]).unwrap()),
        18446744073709551615.0
    );
    assert_eq!(
        f32r(i.call("cvt_u64_f32", &[0x8000_0080_0000_0001]).unwrap()),
        9223373136366403584.0
    );
    assert_eq!(
        f32r(i.call("cvt_u32", &[u32::MAX as u64]).unwrap()),
        4294967296.0
    );
    assert_eq!(f32r(i.call("demote", &[f64b(0.1)]).unwrap()), 0.1f32);
    assert_eq!(i.i64("reinterp", &[f64b(1.0)]) as u64, 1.0f64.to_bits());
    assert_eq!(f64r(i.call("fconst", &[]).unwrap()), 3.375);
}

fn memory_module() -> &'static str {
    r#"(module
      (memory 1 4)
      (data (i32.const 16) "\01\02\03\04\05\06\07\08")
      (global $g (mut i32) (i32.const 7))
      (global $h i64 (i64.const -3))
      (func (export "load") (param i32) (result i32) local.get 0 i32.load)
      (func (export "load8_s") (param i32) (result i32) local.get 0 i32.load8_s offset=1)
      (func (export "load16_u64") (param i32) (result i64) local.get 0 i64.load16_u)
      (func (export "store_load") (param i32 i64) (result i64)
        (i64.store offset=8 (local.get 0) (local.get 1))
        (i64.load offset=8 (local.get 0)))
      (func (export "store8") (param i32 i32) (result i32)
        (i32.store8 (local.get 0) (local.get 1))
        (i32.load (local.get 0)))
      (func (export "const_addr") (result i32)
        (i32.store (i32.const 100) (i32.const 0x11223344))
        (i32.load8_u (i32.const 101)))
      (func (export "fstore") (param f64) (result f64)
        (f64.store (i32.const 200) (local.get 0))
        (f64.load (i32.const 200)))
      (func (export "size") (result i32) memory.size)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "fill") (param i32 i32 i32) (result i32)
        (memory.fill (local.get 0) (local.get 1) (local.get 2))
        (i32.load8_u (local.get 0)))
      (func (export "global") (result i32)
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (global.get $g))
      (func (export "global64") (result i64) global.get $h)
    )"#
}

fn check_memory(i: &mut Instance) {
    assert_eq!(i.i32("load", &[16]), 0x04030201);
    assert_eq!(i.i32("load8_s", &[15]), 1);
    assert_eq!(i.i64("load16_u64", &[17]), 0x0302);
    assert_eq!(
        i.i64("store_load", &[1000, 0x1122334455667788]),
        0x1122334455667788
    );
    assert_eq!(i.i32("store8", &[2000, 0x1ff]), 0xff);
    assert_eq!(i.i32("const_addr", &[]), 0x33);
    assert_eq!(
        f64::from_bits(i.call("fstore", &[f64b(2.5)]).unwrap()[0]),
        2.5
    );
    assert_eq!(i.i32("size", &[]), 1);
    assert_eq!(i.i32("global", &[]), 8);
    assert_eq!(i.i32("global", &[]), 9);
    assert_eq!(i.globals[0].bits[0] as u32, 9);
    assert_eq!(i.i64("global64", &[]), -3);
}

#[test]
fn memory_with_explicit_checks() {
    let mut i = instantiate(memory_module());
    check_memory(&mut i);
    assert_eq!(i.call("load", &[65533]), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(i.i32("load", &[65532]), 0);
    assert_eq!(
        i.call("load8_s", &[65535]),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        i.call("load", &[u32::MAX as u64]),
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(i.i32("grow", &[1]), 1);
    assert_eq!(i.i32("size", &[]), 2);
    assert_eq!(i.i32("load", &[65533]), 0);
    assert_eq!(i.i32("grow", &[10]), -1);
    assert_eq!(i.i32("fill", &[300, 0xab, 10]), 0xab);
    assert_eq!(
        i.call("fill", &[300, 0xab, 1 << 20]),
        Err(TrapCode::MemoryOutOfBounds)
    );
}

#[test]
fn memory_with_guard_pages() {
    let mut i = instantiate_with(
        memory_module(),
        CompilerConfig {
            explicit_bounds_checks: false,
            parallel: false,
        },
    );
    check_memory(&mut i);
    // Every access instruction is listed for the signal handler.
    assert!(i.compiled.traps.len() >= 10);
    assert!(i
        .compiled
        .traps
        .iter()
        .all(|t| t.1 == TrapCode::MemoryOutOfBounds));
}

#[test]
fn calls_imports_and_indirect() {
    let mut i = instantiate(
        r#"(module
          (type $ii (func (param i32 i32) (result i32)))
          (type $i (func (param i32) (result i32)))
          (import "env" "add" (func $host (type $ii)))
          (table 4 funcref)
          (elem (i32.const 0) $double $triple $host)
          (func $double (type $i) (i32.mul (local.get 0) (i32.const 2)))
          (func $triple (type $i) (i32.mul (local.get 0) (i32.const 3)))
          (func (export "host") (param i32 i32) (result i32)
            (i32.add (i32.const 1) (call $host (local.get 0) (local.get 1))))
          (func (export "indirect") (param i32 i32) (result i32)
            (call_indirect (type $i) (local.get 1) (local.get 0)))
          (func (export "keep_across_call") (param i32) (result i32)
            (i32.add (i32.mul (local.get 0) (i32.const 100))
                     (call $double (local.get 0))))
          (func $rec (export "recurse") (param i32) (result i32)
            (call $rec (local.get 0)))
          (func (export "ref_is_null") (result i32) (ref.is_null (ref.null func)))
          (func (export "table_get_null") (result i32) (ref.is_null (table.get 0 (i32.const 3))))
          (func (export "table_size") (result i32) (table.size 0))
        )"#,
    );
    assert_eq!(i.i32("host", &[2, 3]), 6);
    assert_eq!(i.call("host", &[0xdead, 3]), Err(TrapCode::HostTrap));
    assert_eq!(i.i32("indirect", &[0, 21]), 42);
    assert_eq!(i.i32("indirect", &[1, 5]), 15);
    assert_eq!(
        i.call("indirect", &[2, 5]),
        Err(TrapCode::IndirectCallTypeMismatch)
    );
    assert_eq!(
        i.call("indirect", &[3, 5]),
        Err(TrapCode::UninitializedElement)
    );
    assert_eq!(i.call("indirect", &[4, 5]), Err(TrapCode::UndefinedElement));
    assert_eq!(i.i32("keep_across_call", &[3]), 306);
    assert_eq!(i.call("recurse", &[1]), Err(TrapCode::StackOverflow));
    assert_eq!(i.i32("host", &[2, 3]), 6);
    assert_eq!(i.i32("ref_is_null", &[]), 1);
    assert_eq!(i.i32("table_get_null", &[]), 1);
    assert_eq!(i.i32("table_size", &[]), 4);
}

#[test]
fn invalid_code_is_an_error() {
    let bytes = wat::parse_str(r#"(module (func (result i32) i64.const 1))"#).unwrap();
    let (info, funcs) = parse(&bytes, wasmparser::WasmFeatures::default()).unwrap();
    let offsets = VMOffsets::new(&info);
    let config = CompilerConfig {
        explicit_bounds_checks: false,
        parallel: false,
    };
    let err = compile(&config, &info, &offsets, funcs).unwrap_err();
    assert!(err.message.contains("type mismatch"), "{}", err.message);
}

#[test]
fn parallel_compile_links_calls() {
    // Enough functions and bytes to take the parallel path.
    let mut wat = String::from("(module\n");
    for k in 0..400 {
        let next = if k + 1 < 400 {
            format!("(call {})", k + 1)
        } else {
            "(i32.const 0)".into()
        };
        wat.push_str(&format!(
            "(func (export \"f{k}\") (result i32) (i32.add (i32.const 1) {next}) {})\n",
            "(drop (i32.add (i32.const 1) (i32.const 2)))".repeat(40)
        ));
    }
    wat.push(')');
    let mut i = instantiate_with(
        &wat,
        CompilerConfig {
            explicit_bounds_checks: false,
            parallel: true,
        },
    );
    assert_eq!(i.i32("f0", &[]), 400);
    assert_eq!(i.i32("f399", &[]), 1);
}

#[test]
fn locals_cached_across_control_flow() {
    let mut i = instantiate(
        r#"(module
          (func $id (param i32) (result i32) local.get 0)
          ;; Twelve counters updated every iteration: more locals than registers.
          (func (export "pressure") (param $n i32) (result i32)
            (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32)
            (local $g i32) (local $h i32) (local $i i32) (local $j i32) (local $k i32) (local $l i32)
            (loop $top
              (local.set $a (i32.add (local.get $a) (i32.const 1)))
              (local.set $b (i32.add (local.get $b) (local.get $a)))
              (local.set $c (i32.add (local.get $c) (local.get $b)))
              (local.set $d (i32.xor (local.get $d) (local.get $c)))
              (local.set $e (i32.add (local.get $e) (i32.const 2)))
              (local.set $f (i32.add (local.get $f) (local.get $e)))
              (local.set $g (i32.sub (local.get $g) (local.get $a)))
              (local.set $h (i32.add (local.get $h) (local.get $g)))
              (local.set $i (i32.mul (local.get $a) (local.get $a)))
              (local.set $j (i32.add (local.get $j) (local.get $i)))
              (local.set $k (i32.add (local.get $k) (local.get $d)))
              (local.set $l (i32.add (local.get $l) (local.get $k)))
              (br_if $top (i32.ne (local.get $a) (local.get $n))))
            (i32.add (local.get $b)
              (i32.add (local.get $c)
                (i32.add (local.get $d)
                  (i32.add (local.get $f)
                    (i32.add (local.get $h)
                      (i32.add (local.get $j) (local.get $l))))))))
          ;; Different cached locals on the edges into one block end.
          (func (export "edges") (param $x i32) (result i32) (local $a i32) (local $b i32)
            (local.set $a (i32.const 1))
            (block $out
              (local.set $b (i32.const 10))
              (br_if $out (i32.eq (local.get $x) (i32.const 1)))
              (local.set $a (i32.const 2))
              (if (i32.eq (local.get $x) (i32.const 2))
                (then (local.set $b (i32.const 20)))
                (else (local.set $a (i32.const 3))))
              (br_table $out $out (local.get $x)))
            (i32.add (i32.mul (local.get $a) (i32.const 100)) (local.get $b)))
          ;; A loop whose body has inner blocks and a call.
          (func (export "inner") (param $n i32) (result i64) (local $i i32) (local $s i64)
            (block $done
              (loop $l
                (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                (block $skip
                  (br_if $skip (i32.and (local.get $i) (i32.const 1)))
                  (local.set $s (i64.add (local.get $s) (i64.extend_i32_u (call $id (local.get $i))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $l)))
            (local.get $s))
          (func (export "floats") (param $n i32) (result f64) (local $x f64) (local $y f64)
            (local.set $y (f64.const 1))
            (loop $l
              (local.set $x (f64.add (local.get $x) (local.get $y)))
              (local.set $y (f64.mul (local.get $y) (f64.const 0.5)))
              (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l))
            (local.get $x))
        )"#,
    );
    // Reference for "pressure".
    let n = 50u32;
    let (mut a, mut b, mut c, mut d, mut e, mut f) = (0u32, 0u32, 0u32, 0u32, 0u32, 0u32);
    let (mut g, mut h, mut j, mut k, mut l) = (0u32, 0u32, 0u32, 0u32, 0u32);
    loop {
        a = a.wrapping_add(1);
        b = b.wrapping_add(a);
        c = c.wrapping_add(b);
        d ^= c;
        e = e.wrapping_add(2);
        f = f.wrapping_add(e);
        g = g.wrapping_sub(a);
        h = h.wrapping_add(g);
        let ii = a.wrapping_mul(a);
        j = j.wrapping_add(ii);
        k = k.wrapping_add(d);
        l = l.wrapping_add(k);
        if a == n {
            break;
        }
    }
    let want = [b, c, d, f, h, j, l]
        .iter()
        .fold(0u32, |s, v| s.wrapping_add(*v));
    assert_eq!(i.i32("pressure", &[n as u64]) as u32, want);
    assert_eq!(i.i32("edges", &[1]), 110);
    assert_eq!(i.i32("edges", &[2]), 220);
    assert_eq!(i.i32("edges", &[0]), 310);
    assert_eq!(i.i32("edges", &[7]), 310);
    assert_eq!(i.i64("inner", &[10]), 20);
    let x = f64::from_bits(i.call("floats", &[10]).unwrap()[0]);
    assert_eq!(x, 2.0 - 2.0f64.powi(-9));
}

/// Compile throughput on a synthetic module (loops, locals, memory, calls,
/// branches). Prints MB/s; run with
/// `cargo test --release --lib compile_throughput -- --ignored --nocapture`.
#[test]
#[ignore]
fn compile_throughput() {
    let mut wat = String::from("(module (memory 1) (table 16 funcref)\n");
    for k in 0..4000 {
        wat.push_str(&format!(
            r#"(func $f{k} (param $p i32) (param $q i32) (result i32) (local $i i32) (local $s i32) (local $t i64)
              (block $done (loop $l
                (br_if $done (i32.ge_u (local.get $i) (local.get $q)))
                (local.set $s (i32.add (local.get $s) (i32.load offset=4 (i32.shl (local.get $i) (i32.const 2)))))
                (if (i32.and (local.get $i) (i32.const 1))
                  (then (local.set $t (i64.add (local.get $t) (i64.extend_i32_u (local.get $s)))))
                  (else (i32.store (local.get $i) (i32.mul (local.get $s) (i32.const 3)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $l)))
              (block (block (br_table 0 1 (local.get $p))))
              (call $f{prev} (local.get $s) (i32.wrap_i64 (local.get $t))))
            "#,
            prev = if k == 0 { 0 } else { k - 1 }
        ));
    }
    wat.push(')');
    let bytes = wat::parse_str(&wat).unwrap();
    // Validation alone, for scale.
    let mut vsecs = f64::MAX;
    for _ in 0..20 {
        let (_, funcs) = parse(&bytes, wasmparser::WasmFeatures::default()).unwrap();
        let start = std::time::Instant::now();
        let mut allocs = wasmparser::FuncValidatorAllocations::default();
        for f in funcs {
            let mut v = f.validator.into_validator(allocs);
            v.validate(&f.body).unwrap();
            allocs = v.into_allocations();
        }
        vsecs = vsecs.min(start.elapsed().as_secs_f64());
    }
    println!(
        "validation only: {:.1} ms: {:.0} MB/s",
        vsecs * 1e3,
        bytes.len() as f64 / vsecs / 1e6
    );
    for parallel in [false, true] {
        // The best of several runs: the machine may be shared.
        let mut secs = f64::MAX;
        let mut code = CompiledCode::default();
        for _ in 0..20 {
            let (info, funcs) = parse(&bytes, wasmparser::WasmFeatures::default()).unwrap();
            let offsets = VMOffsets::new(&info);
            let config = CompilerConfig {
                explicit_bounds_checks: false,
                parallel,
            };
            let start = std::time::Instant::now();
            code = compile(&config, &info, &offsets, funcs).unwrap();
            secs = secs.min(start.elapsed().as_secs_f64());
        }
        println!(
            "parallel={parallel}: {} bytes of wasm -> {} bytes of code in {:.1} ms: {:.0} MB/s",
            bytes.len(),
            code.code.len(),
            secs * 1e3,
            bytes.len() as f64 / secs / 1e6
        );
    }
}

/// Writes the machine code of a module to $BRISK_DUMP (for objdump -b binary
/// -m i386:x86-64 -D); run with `cargo test --lib dump_code -- --ignored`.
#[test]
#[ignore]
fn dump_code() {
    let Ok(path) = std::env::var("BRISK_DUMP") else {
        return;
    };
    let wat = std::fs::read_to_string(format!("{path}.wat")).unwrap();
    let i = instantiate_with(
        &wat,
        CompilerConfig {
            explicit_bounds_checks: false,
            parallel: false,
        },
    );
    std::fs::write(&path, &i.compiled.code).unwrap();
    for (k, f) in i.compiled.funcs.iter().enumerate() {
        println!("func {k}: {:#x}..{:#x}", f.offset, f.offset + f.len);
    }
}

#[test]
fn register_pressure_and_fixed_registers() {
    // Many live values force spills while div/rem/shifts need rax, rdx, rcx.
    let mut body = String::new();
    for k in 0..14 {
        body.push_str(&format!("(i32.add (local.get $x) (i32.const {k}))\n"));
    }
    body.push_str("(i32.div_s (local.get $x) (local.get $y))\n");
    body.push_str("(i32.rem_u (local.get $y) (i32.const 7))\n");
    body.push_str("(i32.shl (local.get $x) (local.get $x))\n");
    body.push_str("(i32.rotr (local.get $y) (local.get $x))\n");
    body.push_str("(i64.div_s (i64.extend_i32_s (local.get $x)) (i64.const -1))\n");
    body.push_str("(i32.wrap_i64)\n");
    for _ in 0..18 {
        body.push_str("(i32.add)\n");
    }
    let wat = format!(
        r#"(module
          (func (export "f") (param $x i32) (param $y i32) (result i32) {body})
          (func (export "fp") (param $a f64) (result f64)
            {fbody})
        )"#,
        fbody = (0..20)
            .map(|k| format!("(f64.mul (local.get $a) (f64.const {k}.5))"))
            .collect::<String>()
            + &"(f64.add)".repeat(19)
    );
    let mut i = instantiate(&wat);
    for (x, y) in [(5i32, 3i32), (-100, 7), (1 << 20, -3)] {
        let mut want: i32 = (0..14)
            .map(|k| x.wrapping_add(k))
            .fold(0i32, |s, v| s.wrapping_add(v));
        want = want.wrapping_add(x.wrapping_div(y));
        want = want.wrapping_add(((y as u32) % 7) as i32);
        want = want.wrapping_add(x.wrapping_shl(x as u32 & 31));
        want = want.wrapping_add((y as u32).rotate_right(x as u32 & 31) as i32);
        want = want.wrapping_add((x as i64).wrapping_div(-1) as i32);
        assert_eq!(
            i.i32("f", &[x as u32 as u64, y as u32 as u64]),
            want,
            "x={x} y={y}"
        );
    }
    let a = 1.25f64;
    let want: f64 = (0..20)
        .map(|k| a * (k as f64 + 0.5))
        .fold(0.0, |s, v| s + v);
    let got = f64::from_bits(i.call("fp", &[a.to_bits()]).unwrap()[0]);
    // Same association order as the wasm (left fold from the deepest pair).
    let mut vals: Vec<f64> = (0..20).map(|k| a * (k as f64 + 0.5)).collect();
    let mut acc = vals.pop().unwrap();
    while let Some(v) = vals.pop() {
        acc += v;
    }
    assert!((got - want).abs() < 1e-9 && got == acc, "{got} vs {acc}");
}

#[test]
fn large_offsets_and_bounds() {
    let mut i = instantiate(
        r#"(module (memory 1)
          (func (export "big_offset") (param i32) (result i32) (i32.load offset=0x80000000 (local.get 0)))
          (func (export "edge") (param i32) (result i64) (i64.load offset=65528 (local.get 0)))
          (func (export "store_edge") (param i32) (i32.store16 offset=65534 (local.get 0) (i32.const 1)))
          (func (export "const_oob") (result i32) (i32.load (i32.const 65535)))
        )"#,
    );
    assert_eq!(i.call("big_offset", &[0]), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(i.i64("edge", &[0]), 0);
    assert_eq!(i.call("edge", &[1]), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(i.call("store_edge", &[0]), Ok(vec![]));
    assert_eq!(i.call("store_edge", &[1]), Err(TrapCode::MemoryOutOfBounds));
    assert_eq!(i.call("const_oob", &[]), Err(TrapCode::MemoryOutOfBounds));
}

#[test]
fn local_references_see_the_value_at_local_get() {
    let mut i = instantiate(
        r#"(module
          (func (export "swap") (param $a i32) (param $b i32) (result i32)
            (local.get $a) (local.get $b) (local.set $a) (local.set $b)
            (i32.sub (i32.mul (local.get $a) (i32.const 10)) (local.get $b)))
          (func (export "tee_old") (param $x i32) (result i32)
            ;; x_old + (x := x_old * 3) + x
            (local.get $x)
            (local.tee $x (i32.mul (local.get $x) (i32.const 3)))
            (i32.add)
            (local.get $x)
            (i32.add))
          (func (export "across_block") (param $x i32) (result i32)
            (local.get $x)
            (block (local.set $x (i32.const 100)))
            (local.get $x)
            (i32.sub))
          (func (export "as_result") (param $x i32) (param $c i32) (result i32)
            (block (result i32)
              (local.get $x)
              (local.set $x (i32.const 7))
              (br_if 0 (local.get $c))
              (drop)
              (local.get $x)))
          (func (export "shifts") (param $x i32) (param $y i32) (result i32)
            (i32.add
              (i32.shl (local.get $y) (local.get $x))
              (i32.div_u (local.get $y) (local.get $x))))
          (func (export "loop_swap") (param $n i32) (result i64) (local $a i64) (local $b i64) (local $t i64)
            (local.set $b (i64.const 1))
            (loop $l
              (local.set $t (i64.add (local.get $a) (local.get $b)))
              (local.set $a (local.get $b))
              (local.set $b (local.get $t))
              (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
            (local.get $a))
        )"#,
    );
    assert_eq!(i.i32("swap", &[3, 5]), 47);
    assert_eq!(i.i32("tee_old", &[2]), 2 + 6 + 6);
    assert_eq!(i.i32("across_block", &[150]), 50);
    assert_eq!(i.i32("as_result", &[1, 1]), 1);
    assert_eq!(i.i32("as_result", &[1, 0]), 7);
    assert_eq!(i.i32("shifts", &[3, 40]), (40 << 3) + 40 / 3);
    assert_eq!(i.i64("loop_swap", &[90]), 2880067194370816120);
}

#[test]
fn deep_stacks_compile_in_linear_time() {
    // 20k live values, then 20k blocks and local.sets above them: each must
    // not rescan the whole stack.
    let n = 20_000;
    let mut body = String::new();
    for _ in 0..n {
        body.push_str("local.get 0\n");
    }
    for _ in 0..n {
        body.push_str("block end\nlocal.get 1\nlocal.set 1\n");
    }
    for _ in 0..n - 1 {
        body.push_str("i32.add\n");
    }
    let wat =
        format!("(module (func (export \"f\") (param i32) (result i32) (local i32)\n{body}))");
    let start = std::time::Instant::now();
    let mut i = instantiate(&wat);
    let elapsed = start.elapsed();
    assert_eq!(i.i32("f", &[3]), 3 * n);
    // Not a timing assertion: a quadratic compile would take minutes here.
    println!("deep stack module compiled in {elapsed:?}");
}

#[test]
fn parallel_compile_reports_the_first_invalid_function() {
    let mut wat = String::from("(module\n");
    for k in 0..300 {
        // Function 250 returns the wrong type.
        let ret = if k == 250 {
            "(i64.const 1)"
        } else {
            "(i32.const 1)"
        };
        wat.push_str(&format!(
            "(func (result i32) {} {ret})\n",
            "(drop (i32.add (i32.const 1) (i32.const 2)))".repeat(60)
        ));
    }
    wat.push(')');
    let bytes = wat::parse_str(&wat).unwrap();
    let (info, funcs) = parse(&bytes, wasmparser::WasmFeatures::default()).unwrap();
    let offsets = VMOffsets::new(&info);
    let config = CompilerConfig {
        explicit_bounds_checks: false,
        parallel: true,
    };
    let err = compile(&config, &info, &offsets, funcs).unwrap_err();
    assert!(err.message.contains("type mismatch"), "{}", err.message);
    let body = info.body_offsets[250] as usize;
    assert!(err.offset > body && err.offset < info.body_offsets[251] as usize);
}

#[test]
fn bit_counts_without_lzcnt_tzcnt_popcnt() {
    let wat = r#"(module
      (func (export "clz32") (param i32) (result i32) local.get 0 i32.clz)
      (func (export "ctz32") (param i32) (result i32) local.get 0 i32.ctz)
      (func (export "pop32") (param i32) (result i32) local.get 0 i32.popcnt)
      (func (export "clz64") (param i64) (result i64) local.get 0 i64.clz)
      (func (export "ctz64") (param i64) (result i64) local.get 0 i64.ctz)
      (func (export "pop64") (param i64) (result i64) local.get 0 i64.popcnt))"#;
    let old_cpu = CpuFeatures {
        lzcnt: false,
        bmi1: false,
        popcnt: false,
        sse41: false,
        ssse3: false,
        sse42: false,
    };
    let config = CompilerConfig {
        explicit_bounds_checks: true,
        parallel: false,
    };
    let mut i = instantiate_for_cpu(wat, config, old_cpu);
    for x in [0u32, 1, 0x8000_0000, 0xffff_ffff, 0x00f0_0f00, 12345] {
        let a = [x as u64];
        assert_eq!(i.i32("clz32", &a) as u32, x.leading_zeros(), "{x:#x}");
        assert_eq!(i.i32("ctz32", &a) as u32, x.trailing_zeros(), "{x:#x}");
        assert_eq!(i.i32("pop32", &a) as u32, x.count_ones(), "{x:#x}");
    }
    for x in [0u64, 1, 1 << 63, u64::MAX, 0x00f0_0f00_0000_ff00, 1 << 40] {
        let a = [x];
        assert_eq!(i.i64("clz64", &a) as u32, x.leading_zeros(), "{x:#x}");
        assert_eq!(i.i64("ctz64", &a) as u32, x.trailing_zeros(), "{x:#x}");
        assert_eq!(i.i64("pop64", &a) as u32, x.count_ones(), "{x:#x}");
    }
}

#[test]
fn simd_values_through_locals_blocks_and_calls() {
    let mut i = instantiate(
        r#"(module (memory 1)
          (func $twice (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0)))
          (func (export "f") (param $x i32) (result i32) (local $v v128)
            (local.set $v (i32x4.splat (local.get $x)))
            (local.set $v
              (block (result v128)
                (call $twice (local.get $v))))
            (v128.store (i32.const 64) (local.get $v))
            (i32.add
              (i32x4.extract_lane 3 (i32x4.mul (local.get $v) (v128.const i32x4 1 2 3 4)))
              (i32.load (i32.const 64))))
          (func (export "any") (param $x i32) (result i32)
            (if (result i32) (v128.any_true (i32x4.splat (local.get $x)))
              (then (i32.const 7)) (else (i32.const 9))))
          (func (export "sel") (param $c i32) (result i64)
            (i64x2.extract_lane 1
              (select (result v128) (v128.const i64x2 1 2) (v128.const i64x2 3 4) (local.get $c))))
        )"#,
    );
    // v = 2x in every lane; lane 3 times 4, plus lane 0 from memory.
    assert_eq!(i.i32("f", &[5]), 10 * 4 + 10);
    assert_eq!(i.i32("any", &[0]), 9);
    assert_eq!(i.i32("any", &[3]), 7);
    assert_eq!(i.i64("sel", &[1]), 2);
    assert_eq!(i.i64("sel", &[0]), 4);
}

#[test]
fn br_table_with_many_distinct_targets() {
    // Block k (counted from the innermost) returns 1000 + k.
    let n = 300;
    let mut wat = String::from("(module (func (export \"f\") (param i32) (result i32)\n");
    for _ in 0..n {
        wat.push_str("(block\n");
    }
    let targets: String = (0..n).map(|k| format!("{k} ")).collect();
    wat.push_str(&format!("(br_table {targets} {} (local.get 0))\n", n - 1));
    for k in 0..n {
        wat.push_str(&format!(") (return (i32.const {}))\n", 1000 + k));
    }
    wat.push_str("))");
    let mut i = instantiate(&wat);
    for k in [0u64, 1, 7, 150, 298, 299, 300, 5000] {
        let want = 1000 + k.min(n as u64 - 1) as i32;
        assert_eq!(i.i32("f", &[k]), want, "index {k}");
    }
}

/// Compiles `wat` (one thread) with the value stack emptied before the
/// operator of index `op` of each function body.
fn compile_with_stack_dropped(
    wat: &str,
    op: usize,
) -> Result<CompiledCode, crate::module::CompileError> {
    use super::codegen::test_hooks::DROP_STACK_BEFORE_OP;
    let bytes = wat::parse_str(wat).unwrap();
    let (info, funcs) = parse(&bytes, wasmparser::WasmFeatures::default()).unwrap();
    let offsets = VMOffsets::new(&info);
    let config = CompilerConfig {
        explicit_bounds_checks: false,
        parallel: false,
    };
    DROP_STACK_BEFORE_OP.set(Some(op));
    let r = compile(&config, &info, &offsets, funcs);
    DROP_STACK_BEFORE_OP.set(None);
    r
}

#[test]
fn invariant_failures_bail_out_with_an_error() {
    // (module text, index of the operator before which the stack empties,
    // the operator that then finds too few operands.)
    let cases = [
        (
            "(func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)",
            2,
            "i32.add",
        ),
        (
            "(import \"m\" \"f\" (func $f (param i32 i64) (result i32)))
             (func (result i32) i32.const 1 i64.const 2 call $f)",
            2,
            "call",
        ),
        (
            "(func (result f64) f64.const 1 return)",
            1,
            "return",
        ),
        (
            "(func (result i32) i32.const 1 i32.const 2 (block (param i32 i32) (result i32) i32.add))",
            2,
            "block with parameters",
        ),
        (
            "(func (result v128) (block (result v128) v128.const i64x2 1 2 br 0))",
            2,
            "br with a value",
        ),
        (
            "(func (result i32) (block (result i32) i32.const 1 i32.const 0 br_if 0))",
            2,
            "br_if with a value",
        ),
        (
            "(memory 1) (func (param i32) local.get 0 local.get 0 i32.const 0 memory.fill)",
            3,
            "memory.fill (a builtin call)",
        ),
    ];
    for (body, op, what) in cases {
        let wat = format!("(module {body})");
        // A panic here fails the test as well.
        let err = match compile_with_stack_dropped(&wat, op) {
            Ok(_) => panic!("{what}: compiled despite the inconsistent stack"),
            Err(e) => e,
        };
        assert!(
            err.message
                .starts_with("internal compiler error: value stack underflow"),
            "{what}: {}",
            err.message
        );
        // The error points into the function body of the failing operator.
        let bytes = wat::parse_str(&wat).unwrap();
        let (info, _) = parse(&bytes, wasmparser::WasmFeatures::default()).unwrap();
        let body_start = *info.body_offsets.last().unwrap() as usize;
        assert!(
            err.offset > body_start && err.offset < bytes.len(),
            "{what}: {err:?}"
        );
    }
    // The hook is off again: the same modules compile.
    for (body, _, what) in cases {
        let wat = format!("(module {body})");
        let bytes = wat::parse_str(&wat).unwrap();
        let (info, funcs) = parse(&bytes, wasmparser::WasmFeatures::default()).unwrap();
        let offsets = VMOffsets::new(&info);
        let config = CompilerConfig {
            explicit_bounds_checks: false,
            parallel: false,
        };
        assert!(compile(&config, &info, &offsets, funcs).is_ok(), "{what}");
    }
}
