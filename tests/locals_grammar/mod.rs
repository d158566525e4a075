//! A small grammar of function bodies over the compiler's most stateful
//! parts (the locals cache, lazy local references on the value stack,
//! register allocation, multi-value moves at branches, block ends, calls
//! and returns), used two ways: enumerated exhaustively up to a length
//! (`tests/exhaustive_locals.rs`) and walked at random into long bodies
//! (`tests/fuzz_locals.rs`). Every body is well-typed by construction and
//! terminates (loops run exactly twice); brisk and wasmi run each function
//! with the same arguments and every result is compared bit for bit.

#![allow(dead_code)] // each test uses its own subset

use std::fmt::Write as _;

use wasm_encoder::{
    BlockType, CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction,
    Module, TypeSection, ValType as EncTy,
};

/// A value type of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
    V128,
}

pub const ALL_TYPES: [Ty; 5] = [Ty::I32, Ty::I64, Ty::F32, Ty::F64, Ty::V128];

impl Ty {
    fn enc(self) -> EncTy {
        match self {
            Ty::I32 => EncTy::I32,
            Ty::I64 => EncTy::I64,
            Ty::F32 => EncTy::F32,
            Ty::F64 => EncTy::F64,
            Ty::V128 => EncTy::V128,
        }
    }

    /// Bits of the `n`th distinct test value of this type (distinct in
    /// every byte that the type has, so a half-moved value shows).
    pub fn value(self, n: u32) -> u128 {
        let n = n as u64 + 1;
        match self {
            Ty::I32 => (n * 0x0101_0103) as u32 as u128,
            Ty::I64 => (n * 0x0100_0300_0500_0007) as u128,
            Ty::F32 => (1.5f32 + n as f32 * 2.25).to_bits() as u128,
            Ty::F64 => (1.5f64 + n as f64 * 3.125).to_bits() as u128,
            Ty::V128 => {
                let lane = |k: u64| (n * 7 + k * 1000) as u32 as u128;
                lane(0) | lane(1) << 32 | lane(2) << 64 | lane(3) << 96
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
            Ty::F32 => "f32",
            Ty::F64 => "f64",
            Ty::V128 => "v128",
        }
    }
}

/// One token of the grammar; some emit a short instruction sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    Get(u32),
    Set(u32),
    Tee(u32),
    Const(Ty),
    Drop,
    /// `t.sub` (`i32x4.sub` for v128).
    Sub(Ty),
    /// `local.get $cond; select`.
    Select,
    /// `call` of helper function `i` (an identity over its signature).
    Call(u32),
    /// `block` with signature `i` of [`Spec::sigs`].
    Block(u32),
    /// `i32.const 2; local.set $k; loop` with signature `i` (params =
    /// results): the body runs twice.
    Loop(u32),
    /// `end` of a block; for a loop, its back edge first:
    /// `local.get $k; i32.const 1; i32.sub; local.tee $k; br_if 0; end`.
    End,
    Br(u32),
    /// `local.get $cond; br_if d`.
    BrIf(u32),
    Return,
}

/// A value the prefix pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// `local.get l`: a reference to the local on the value stack.
    Get(u32),
    /// `local.get l; local.get r; sub`: a computed value in a register.
    Sub(u32, u32),
}

/// A block or loop signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sig {
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
}

/// The fixed part of a test function: its locals, the prefix that runs
/// before the grammar's body, its results, and the helpers and block
/// signatures tokens refer to.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Parameters: the grammar's locals first, then `cond` (i32), then the
    /// prefix's parameters.
    pub params: Vec<Ty>,
    /// Declared locals (the grammar's, then the loop counters, i32).
    pub locals: Vec<Ty>,
    /// Index of the i32 parameter that decides `select` and `br_if`.
    pub cond: u32,
    /// Loop counter locals, one per loop nesting level.
    pub counters: Vec<u32>,
    /// Values pushed before the body, and their types: the body cannot pop
    /// them, the function returns them under the body's results.
    pub prefix: Vec<Prefix>,
    pub prefix_types: Vec<Ty>,
    /// The results the body leaves above the prefix.
    pub tail_results: Vec<Ty>,
    pub helpers: Vec<Sig>,
    pub sigs: Vec<Sig>,
}

impl Spec {
    pub fn local_ty(&self, l: u32) -> Ty {
        let l = l as usize;
        if l < self.params.len() {
            self.params[l]
        } else {
            self.locals[l - self.params.len()]
        }
    }

    pub fn results(&self) -> Vec<Ty> {
        let mut r = self.prefix_types.clone();
        r.extend_from_slice(&self.tail_results);
        r
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    Loop,
}

#[derive(Debug, Clone)]
struct Frame {
    kind: Kind,
    sig: u32,
    /// Stack height below the frame's values.
    base: usize,
    dead: bool,
    loop_depth: usize,
}

/// The typing state of a body being built: undo-able token by token, so an
/// enumeration can walk the tree of sequences depth first.
#[derive(Debug, Clone)]
pub struct State {
    stack: Vec<Ty>,
    frames: Vec<Frame>,
    /// Undo log: (stack, frames) before each token.
    undo: Vec<(Vec<Ty>, Vec<Frame>)>,
    pub toks: Vec<Tok>,
}

impl State {
    pub fn new(spec: &Spec) -> State {
        State {
            stack: spec.prefix_types.clone(),
            frames: vec![Frame {
                kind: Kind::Func,
                sig: u32::MAX,
                base: 0,
                dead: false,
                loop_depth: 0,
            }],
            undo: Vec::new(),
            toks: Vec::new(),
        }
    }

    fn top(&self) -> &Frame {
        self.frames.last().unwrap()
    }

    /// The lowest stack index that ordinary operators may pop.
    fn floor(&self, spec: &Spec) -> usize {
        let f = self.top();
        if f.kind == Kind::Func {
            spec.prefix_types.len()
        } else {
            f.base
        }
    }

    /// Whether the `n` values above the floor end with `tys`.
    fn top_is(&self, spec: &Spec, tys: &[Ty]) -> bool {
        let floor = self.floor(spec);
        self.stack.len() >= floor + tys.len() && self.stack[self.stack.len() - tys.len()..] == *tys
    }

    /// The types a branch to frame `idx` carries (a loop's params, else
    /// the results).
    fn label_types<'s>(&self, spec: &'s Spec, idx: usize) -> &'s [Ty] {
        let f = &self.frames[idx];
        match f.kind {
            Kind::Func => &spec.tail_results,
            Kind::Loop => &spec.sigs[f.sig as usize].params,
            Kind::Block => &spec.sigs[f.sig as usize].results,
        }
    }

    /// Whether a branch to frame `idx` is well-typed here. The function's
    /// label takes all its results (the prefix's values too) from the top
    /// of the current frame's values (at the function's own level, the
    /// prefix's values count).
    fn can_branch(&self, spec: &Spec, idx: usize) -> bool {
        if idx == 0 {
            let full = spec.results();
            let lo = if self.frames.len() > 1 {
                self.top().base
            } else {
                0
            };
            return self.stack.len() >= lo + full.len()
                && self.stack[self.stack.len() - full.len()..] == full[..];
        }
        let tys = self.label_types(spec, idx);
        self.top_is(spec, tys)
    }

    /// Whether the body can end here (the function frame is the only one
    /// and holds exactly its results).
    pub fn can_finish(&self, spec: &Spec) -> bool {
        self.frames.len() == 1
            && (self.top().dead
                || (self.stack.len() == spec.prefix_types.len() + spec.tail_results.len()
                    && self.top_is(spec, &spec.tail_results)))
    }

    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    pub fn dead(&self) -> bool {
        self.top().dead
    }

    /// Whether `t` is well-typed next.
    pub fn valid(&self, spec: &Spec, t: Tok) -> bool {
        let f = self.top();
        if f.dead {
            return t == Tok::End && f.kind != Kind::Func;
        }
        let floor = self.floor(spec);
        let h = self.stack.len() - floor;
        match t {
            Tok::Get(_) | Tok::Const(_) => true,
            Tok::Set(l) | Tok::Tee(l) => h >= 1 && *self.stack.last().unwrap() == spec.local_ty(l),
            Tok::Drop => h >= 1,
            Tok::Sub(ty) => self.top_is(spec, &[ty, ty]),
            Tok::Select => {
                h >= 2 && self.stack[self.stack.len() - 2] == self.stack[self.stack.len() - 1]
            }
            Tok::Call(i) => self.top_is(spec, &spec.helpers[i as usize].params),
            Tok::Block(s) => self.top_is(spec, &spec.sigs[s as usize].params),
            Tok::Loop(s) => {
                let sig = &spec.sigs[s as usize];
                sig.params == sig.results
                    && f.loop_depth < spec.counters.len()
                    && self.top_is(spec, &sig.params)
            }
            Tok::End => match f.kind {
                Kind::Func => false,
                _ => {
                    let tys = if f.kind == Kind::Loop {
                        &spec.sigs[f.sig as usize].params
                    } else {
                        &spec.sigs[f.sig as usize].results
                    };
                    h == tys.len() && self.top_is(spec, tys)
                }
            },
            // Branches back to a loop header would not terminate.
            Tok::Br(d) | Tok::BrIf(d) => {
                let idx = self.frames.len().checked_sub(1 + d as usize);
                idx.is_some_and(|i| self.frames[i].kind != Kind::Loop && self.can_branch(spec, i))
            }
            Tok::Return => self.can_branch(spec, 0),
        }
    }

    /// Applies a valid token.
    pub fn push(&mut self, spec: &Spec, t: Tok) {
        debug_assert!(self.valid(spec, t), "{t:?} after {:?}", self.toks);
        self.undo.push((self.stack.clone(), self.frames.clone()));
        self.toks.push(t);
        let pop = |s: &mut Vec<Ty>, n: usize| {
            let len = s.len();
            s.truncate(len - n);
        };
        match t {
            Tok::Get(l) => self.stack.push(spec.local_ty(l)),
            Tok::Const(ty) => self.stack.push(ty),
            Tok::Set(_) | Tok::Drop | Tok::Sub(_) | Tok::Select => pop(&mut self.stack, 1),
            Tok::Tee(_) => {}
            Tok::Call(i) => {
                let h = &spec.helpers[i as usize];
                pop(&mut self.stack, h.params.len());
                self.stack.extend_from_slice(&h.results);
            }
            Tok::Block(s) | Tok::Loop(s) => {
                let sig = &spec.sigs[s as usize];
                let f = self.top();
                let loop_depth = f.loop_depth + matches!(t, Tok::Loop(_)) as usize;
                self.frames.push(Frame {
                    kind: if matches!(t, Tok::Loop(_)) {
                        Kind::Loop
                    } else {
                        Kind::Block
                    },
                    sig: s,
                    base: self.stack.len() - sig.params.len(),
                    dead: false,
                    loop_depth,
                });
            }
            Tok::End => {
                let f = self.frames.pop().unwrap();
                self.stack.truncate(f.base);
                self.stack
                    .extend_from_slice(&spec.sigs[f.sig as usize].results);
            }
            Tok::Br(_) | Tok::Return => {
                let f = self.frames.last_mut().unwrap();
                f.dead = true;
                let base = if f.kind == Kind::Func {
                    spec.prefix_types.len()
                } else {
                    f.base
                };
                self.stack.truncate(base);
            }
            Tok::BrIf(_) => {}
        }
    }

    pub fn pop(&mut self) {
        let (stack, frames) = self.undo.pop().expect("a token to undo");
        self.stack = stack;
        self.frames = frames;
        self.toks.pop();
    }

    /// Tokens that close every open frame and leave the results: drops
    /// what is above the floor, pushes constants of the wanted types.
    pub fn close(&mut self, spec: &Spec) {
        loop {
            if self.top().dead {
                if self.frames.len() == 1 {
                    return;
                }
                self.push(spec, Tok::End);
                continue;
            }
            let f = self.top().clone();
            let want: Vec<Ty> = match f.kind {
                Kind::Func => spec.tail_results.clone(),
                Kind::Loop => spec.sigs[f.sig as usize].params.clone(),
                Kind::Block => spec.sigs[f.sig as usize].results.clone(),
            };
            let floor = self.floor(spec);
            // Keep the longest prefix of the frame's values that matches.
            let have = self.stack[floor..].to_vec();
            let keep = have.iter().zip(&want).take_while(|(a, b)| a == b).count();
            for _ in keep..have.len() {
                self.push(spec, Tok::Drop);
            }
            for &ty in &want[keep..] {
                self.push(spec, Tok::Const(ty));
            }
            if f.kind == Kind::Func {
                return;
            }
            self.push(spec, Tok::End);
        }
    }
}

/// Interns function types for the type section.
#[derive(Default)]
struct Types {
    list: Vec<(Vec<Ty>, Vec<Ty>)>,
}

impl Types {
    fn index(&mut self, params: &[Ty], results: &[Ty]) -> u32 {
        if let Some(i) = self
            .list
            .iter()
            .position(|(p, r)| p == params && r == results)
        {
            return i as u32;
        }
        self.list.push((params.to_vec(), results.to_vec()));
        (self.list.len() - 1) as u32
    }
}

fn const_instr(ty: Ty, bits: u128) -> Instruction<'static> {
    match ty {
        Ty::I32 => Instruction::I32Const(bits as u32 as i32),
        Ty::I64 => Instruction::I64Const(bits as u64 as i64),
        Ty::F32 => Instruction::F32Const(f32::from_bits(bits as u32).into()),
        Ty::F64 => Instruction::F64Const(f64::from_bits(bits as u64).into()),
        Ty::V128 => Instruction::V128Const(bits as i128),
    }
}

/// The constant every `Const(ty)` pushes.
pub fn const_bits(ty: Ty) -> u128 {
    ty.value(40)
}

fn sub_instr(ty: Ty) -> Instruction<'static> {
    match ty {
        Ty::I32 => Instruction::I32Sub,
        Ty::I64 => Instruction::I64Sub,
        Ty::F32 => Instruction::F32Sub,
        Ty::F64 => Instruction::F64Sub,
        Ty::V128 => Instruction::I32x4Sub,
    }
}

/// The machine-independent text of a body (for failure reports).
pub fn describe(spec: &Spec, toks: &[Tok]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "params {:?} locals {:?} results {:?} prefix {:?}\n  ",
        spec.params,
        spec.locals,
        spec.results(),
        spec.prefix
    );
    for t in toks {
        let _ = write!(s, "{t:?} ");
    }
    s
}

/// Builds a module: the helpers (identities where their signature allows), then one exported function
/// `f<i>` per body.
pub struct ModuleBuilder<'s> {
    spec: &'s Spec,
    types: Types,
    bodies: Vec<(u32, Function)>,
    /// Arguments for an exported `main` that calls `f0` and stores its
    /// results to memory `mem` (8 or 16 bytes each), for other engines.
    runner: Option<Vec<Bits>>,
}

impl<'s> ModuleBuilder<'s> {
    pub fn new(spec: &'s Spec) -> ModuleBuilder<'s> {
        ModuleBuilder {
            spec,
            types: Types::default(),
            bodies: Vec::new(),
            runner: None,
        }
    }

    pub fn len(&self) -> usize {
        self.bodies.len()
    }

    fn block_type(&mut self, s: u32) -> BlockType {
        let sig = &self.spec.sigs[s as usize];
        match (&sig.params[..], &sig.results[..]) {
            ([], []) => BlockType::Empty,
            ([], [r]) => BlockType::Result(r.enc()),
            (p, r) => BlockType::FunctionType(self.types.index(p, r)),
        }
    }

    /// Adds a function whose body is `toks` (which can finish).
    pub fn add(&mut self, toks: &[Tok]) {
        let spec = self.spec;
        let helpers = spec.helpers.len() as u32;
        let ty = self.types.index(&spec.params, &spec.results());
        let mut f = Function::new(spec.locals.iter().map(|t| (1, t.enc())));
        for p in &spec.prefix {
            match *p {
                Prefix::Get(l) => f.instruction(&Instruction::LocalGet(l)),
                Prefix::Sub(l, r) => {
                    f.instruction(&Instruction::LocalGet(l));
                    f.instruction(&Instruction::LocalGet(r));
                    f.instruction(&sub_instr(spec.local_ty(l)))
                }
            };
        }
        // Replays the typing to know each `End`'s frame.
        let mut frames: Vec<(bool, usize)> = Vec::new(); // (is loop, loop depth)
        let mut loop_depth = 0;
        let mut dead = vec![false];
        for &t in toks {
            match t {
                Tok::Get(l) => f.instruction(&Instruction::LocalGet(l)),
                Tok::Set(l) => f.instruction(&Instruction::LocalSet(l)),
                Tok::Tee(l) => f.instruction(&Instruction::LocalTee(l)),
                Tok::Const(ty) => f.instruction(&const_instr(ty, const_bits(ty))),
                Tok::Drop => f.instruction(&Instruction::Drop),
                Tok::Sub(ty) => f.instruction(&sub_instr(ty)),
                Tok::Select => {
                    f.instruction(&Instruction::LocalGet(spec.cond));
                    f.instruction(&Instruction::Select)
                }
                Tok::Call(i) => f.instruction(&Instruction::Call(i)),
                Tok::Block(s) => {
                    frames.push((false, loop_depth));
                    dead.push(false);
                    let bt = self.block_type(s);
                    f.instruction(&Instruction::Block(bt))
                }
                Tok::Loop(s) => {
                    let k = spec.counters[loop_depth];
                    f.instruction(&Instruction::I32Const(2));
                    f.instruction(&Instruction::LocalSet(k));
                    frames.push((true, loop_depth));
                    loop_depth += 1;
                    dead.push(false);
                    let bt = self.block_type(s);
                    f.instruction(&Instruction::Loop(bt))
                }
                Tok::End => {
                    let (is_loop, depth) = frames.pop().unwrap();
                    if is_loop && !dead.last().unwrap() {
                        let k = spec.counters[depth];
                        f.instruction(&Instruction::LocalGet(k));
                        f.instruction(&Instruction::I32Const(1));
                        f.instruction(&Instruction::I32Sub);
                        f.instruction(&Instruction::LocalTee(k));
                        f.instruction(&Instruction::BrIf(0));
                    }
                    if is_loop {
                        loop_depth = depth;
                    }
                    dead.pop();
                    f.instruction(&Instruction::End)
                }
                Tok::Br(d) => {
                    *dead.last_mut().unwrap() = true;
                    f.instruction(&Instruction::Br(d))
                }
                Tok::BrIf(d) => {
                    f.instruction(&Instruction::LocalGet(spec.cond));
                    f.instruction(&Instruction::BrIf(d))
                }
                Tok::Return => {
                    *dead.last_mut().unwrap() = true;
                    f.instruction(&Instruction::Return)
                }
            };
        }
        f.instruction(&Instruction::End);
        self.bodies.push((ty, f));
        let _ = helpers;
    }

    /// Adds an exported `main` that calls `f0` with `args` and stores its
    /// results to the exported memory `mem`, 16 bytes apart.
    pub fn with_runner(mut self, args: Vec<Bits>) -> Self {
        self.runner = Some(args);
        self
    }

    /// The module's bytes.
    pub fn finish(mut self) -> Vec<u8> {
        let spec = self.spec;
        let mut helper_bodies = Vec::new();
        for h in &spec.helpers {
            let ty = self.types.index(&h.params, &h.results);
            // Result k is the k-th parameter of its type (cycling), or a
            // constant when there is none: an identity where the types agree.
            let mut f = Function::new([]);
            for (k, &ty) in h.results.iter().enumerate() {
                let same: Vec<u32> = (0..h.params.len() as u32)
                    .filter(|&i| h.params[i as usize] == ty)
                    .collect();
                let nth = h.results[..k].iter().filter(|&&t| t == ty).count();
                match same.get(nth % same.len().max(1)) {
                    Some(&i) => f.instruction(&Instruction::LocalGet(i)),
                    None => f.instruction(&const_instr(ty, ty.value(90 + k as u32))),
                };
            }
            f.instruction(&Instruction::End);
            helper_bodies.push((ty, f));
        }
        let mut types = TypeSection::new();
        for (p, r) in &self.types.list {
            types
                .ty()
                .function(p.iter().map(|t| t.enc()), r.iter().map(|t| t.enc()));
        }
        let mut funcs = FunctionSection::new();
        let mut code = CodeSection::new();
        let mut exports = ExportSection::new();
        let helpers = helper_bodies.len() as u32;
        for (i, (ty, body)) in helper_bodies.iter().chain(self.bodies.iter()).enumerate() {
            funcs.function(*ty);
            code.function(body);
            if i as u32 >= helpers {
                exports.export(
                    &format!("f{}", i as u32 - helpers),
                    ExportKind::Func,
                    i as u32,
                );
            }
        }
        let mut memories = wasm_encoder::MemorySection::new();
        if let Some(args) = &self.runner {
            let results = spec.results();
            let main_ty = self.types.index(&[], &[]);
            types.ty().function([], []);
            let mut f = Function::new(results.iter().map(|t| (1, t.enc())));
            for a in args {
                f.instruction(&const_instr(a.0, a.1));
            }
            f.instruction(&Instruction::Call(helpers));
            for k in (0..results.len() as u32).rev() {
                f.instruction(&Instruction::LocalSet(k));
            }
            for (k, &ty) in results.iter().enumerate() {
                f.instruction(&Instruction::I32Const(16 * k as i32));
                f.instruction(&Instruction::LocalGet(k as u32));
                let arg = wasm_encoder::MemArg {
                    offset: 0,
                    align: 0,
                    target: wasm_encoder::MemArgTarget::Memory(0),
                    ordering: None,
                };
                f.instruction(&match ty {
                    Ty::I32 => Instruction::I32Store(arg),
                    Ty::I64 => Instruction::I64Store(arg),
                    Ty::F32 => Instruction::F32Store(arg),
                    Ty::F64 => Instruction::F64Store(arg),
                    Ty::V128 => Instruction::V128Store(arg),
                });
            }
            f.instruction(&Instruction::End);
            let index = helpers + self.bodies.len() as u32;
            funcs.function(main_ty);
            code.function(&f);
            exports.export("main", ExportKind::Func, index);
            memories.memory(wasm_encoder::MemoryType {
                minimum: 1,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            });
            exports.export("mem", ExportKind::Memory, 0);
        }
        let mut m = Module::new();
        m.section(&types);
        m.section(&funcs);
        if self.runner.is_some() {
            m.section(&memories);
        }
        m.section(&exports);
        m.section(&code);
        m.finish()
    }
}

/// Panics naming the first body that does not validate (a grammar bug),
/// if the module built from `bodies` does not.
pub fn assert_valid(spec: &Spec, bodies: &[Vec<Tok>], wasm: &[u8]) {
    let validate = |w: &[u8]| wasmparser::Validator::new().validate_all(w).map(|_| ());
    if let Err(e) = validate(wasm) {
        for body in bodies {
            let mut one = ModuleBuilder::new(spec);
            one.add(body);
            if validate(&one.finish()).is_err() {
                panic!("generated an invalid body ({e}):\n{}", describe(spec, body));
            }
        }
        panic!("generated an invalid module: {e}");
    }
}

/// Raw bits of a result, per type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bits(pub Ty, pub u128);

/// The two engines over one module.
pub struct Engines {
    brisk_store: brisk::Store,
    brisk_funcs: Vec<brisk::Func>,
    wasmi_store: wasmi::Store<()>,
    wasmi_funcs: Vec<wasmi::Func>,
}

pub fn wasmi_engine() -> wasmi::Engine {
    let mut c = wasmi::Config::default();
    c.wasm_simd(true);
    wasmi::Engine::new(&c)
}

impl Engines {
    pub fn new(
        brisk_engine: &brisk::Engine,
        wasmi_engine: &wasmi::Engine,
        wasm: &[u8],
        n: usize,
    ) -> Engines {
        let module = brisk::Module::new(brisk_engine, wasm)
            .unwrap_or_else(|e| panic!("brisk rejects a generated module: {e:?}"));
        let mut brisk_store = brisk::Store::new(brisk_engine);
        let inst =
            brisk::Instance::new(&mut brisk_store, &module, &[]).expect("brisk instantiates");
        let brisk_funcs = (0..n)
            .map(|i| match inst.get_export(&brisk_store, &format!("f{i}")) {
                Some(brisk::Extern::Func(f)) => f,
                _ => panic!("no export f{i}"),
            })
            .collect();
        let wmodule = wasmi::Module::new(wasmi_engine, wasm)
            .unwrap_or_else(|e| panic!("wasmi rejects a generated module: {e}"));
        let mut wasmi_store = wasmi::Store::new(wasmi_engine, ());
        let winst =
            wasmi::Instance::new(&mut wasmi_store, &wmodule, &[]).expect("wasmi instantiates");
        let wasmi_funcs = (0..n)
            .map(|i| {
                winst
                    .get_func(&wasmi_store, &format!("f{i}"))
                    .expect("export")
            })
            .collect();
        Engines {
            brisk_store,
            brisk_funcs,
            wasmi_store,
            wasmi_funcs,
        }
    }

    /// Calls function `i` in both engines; returns (brisk, wasmi) results.
    pub fn call(&mut self, i: usize, args: &[Bits], results: &[Ty]) -> (Vec<Bits>, Vec<Bits>) {
        let bargs: Vec<brisk::Val> = args.iter().map(|b| to_brisk(*b)).collect();
        let mut bout = vec![brisk::Val::I32(0); results.len()];
        self.brisk_funcs[i]
            .call(&mut self.brisk_store, &bargs, &mut bout)
            .unwrap_or_else(|e| panic!("brisk traps: {e:?}"));
        let wargs: Vec<wasmi::Val> = args.iter().map(|b| to_wasmi(*b)).collect();
        let mut wout = vec![wasmi::Val::I32(0); results.len()];
        self.wasmi_funcs[i]
            .call(&mut self.wasmi_store, &wargs, &mut wout)
            .unwrap_or_else(|e| panic!("wasmi traps: {e}"));
        (
            bout.iter().map(from_brisk).collect(),
            wout.iter().map(from_wasmi).collect(),
        )
    }
}

fn to_brisk(b: Bits) -> brisk::Val {
    match b.0 {
        Ty::I32 => brisk::Val::I32(b.1 as u32 as i32),
        Ty::I64 => brisk::Val::I64(b.1 as u64 as i64),
        Ty::F32 => brisk::Val::F32(b.1 as u32),
        Ty::F64 => brisk::Val::F64(b.1 as u64),
        Ty::V128 => brisk::Val::V128(b.1),
    }
}

fn from_brisk(v: &brisk::Val) -> Bits {
    match *v {
        brisk::Val::I32(x) => Bits(Ty::I32, x as u32 as u128),
        brisk::Val::I64(x) => Bits(Ty::I64, x as u64 as u128),
        brisk::Val::F32(x) => Bits(Ty::F32, x as u128),
        brisk::Val::F64(x) => Bits(Ty::F64, x as u128),
        brisk::Val::V128(x) => Bits(Ty::V128, x),
        ref other => panic!("unexpected result {other:?}"),
    }
}

fn to_wasmi(b: Bits) -> wasmi::Val {
    match b.0 {
        Ty::I32 => wasmi::Val::I32(b.1 as u32 as i32),
        Ty::I64 => wasmi::Val::I64(b.1 as u64 as i64),
        Ty::F32 => wasmi::Val::F32(wasmi::F32::from_bits(b.1 as u32)),
        Ty::F64 => wasmi::Val::F64(wasmi::F64::from_bits(b.1 as u64)),
        Ty::V128 => wasmi::Val::V128(wasmi::V128::from(b.1)),
    }
}

fn from_wasmi(v: &wasmi::Val) -> Bits {
    match v {
        wasmi::Val::I32(x) => Bits(Ty::I32, *x as u32 as u128),
        wasmi::Val::I64(x) => Bits(Ty::I64, *x as u64 as u128),
        wasmi::Val::F32(x) => Bits(Ty::F32, x.to_bits() as u128),
        wasmi::Val::F64(x) => Bits(Ty::F64, x.to_bits() as u128),
        wasmi::Val::V128(x) => Bits(Ty::V128, x.as_u128()),
        other => panic!("unexpected result {other:?}"),
    }
}

/// The arguments of a call: test values for the grammar's locals and the
/// prefix's parameters, `cond` as given.
pub fn args(spec: &Spec, cond: i32) -> Vec<Bits> {
    spec.params
        .iter()
        .enumerate()
        .map(|(i, &ty)| {
            if i as u32 == spec.cond {
                Bits(Ty::I32, cond as u32 as u128)
            } else {
                Bits(ty, ty.value(i as u32))
            }
        })
        .collect()
}

/// `a - b` of type `ty` on raw bits (`i32x4.sub` for v128).
fn sub_bits(ty: Ty, a: u128, b: u128) -> u128 {
    match ty {
        Ty::I32 => (a as u32).wrapping_sub(b as u32) as u128,
        Ty::I64 => (a as u64).wrapping_sub(b as u64) as u128,
        Ty::F32 => (f32::from_bits(a as u32) - f32::from_bits(b as u32)).to_bits() as u128,
        Ty::F64 => (f64::from_bits(a as u64) - f64::from_bits(b as u64)).to_bits() as u128,
        Ty::V128 => (0..4).fold(0, |acc, lane| {
            let x = (a >> (32 * lane)) as u32;
            let y = (b >> (32 * lane)) as u32;
            acc | (x.wrapping_sub(y) as u128) << (32 * lane)
        }),
    }
}

/// The results of helper `h` for `args` (what its body computes).
fn helper_results(h: &Sig, args: &[u128]) -> Vec<u128> {
    h.results
        .iter()
        .enumerate()
        .map(|(k, &ty)| {
            let same: Vec<usize> = (0..h.params.len()).filter(|&i| h.params[i] == ty).collect();
            let nth = h.results[..k].iter().filter(|&&t| t == ty).count();
            match same.get(nth % same.len().max(1)) {
                Some(&i) => args[i],
                None => ty.value(90 + k as u32),
            }
        })
        .collect()
}

/// The grammar's own reference interpreter: what a body must return for
/// `args`, straight from the specification's semantics of each token.
/// Independent of both engines (wasmi 2.0.0 has bugs of its own here).
pub fn evaluate(spec: &Spec, toks: &[Tok], args: &[Bits]) -> Vec<Bits> {
    let mut locals: Vec<u128> = args.iter().map(|b| b.1).collect();
    locals.extend(spec.locals.iter().map(|_| 0));
    let mut stack: Vec<u128> = Vec::new();
    for p in &spec.prefix {
        stack.push(match *p {
            Prefix::Get(l) => locals[l as usize],
            Prefix::Sub(l, r) => sub_bits(spec.local_ty(l), locals[l as usize], locals[r as usize]),
        });
    }
    // The `End` of each `Block`/`Loop`.
    let mut ends = vec![usize::MAX; toks.len()];
    let mut open = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Block(_) | Tok::Loop(_) => open.push(i),
            Tok::End => ends[open.pop().expect("balanced")] = i,
            _ => {}
        }
    }
    struct Ctl {
        start: usize,
        end: usize,
        base: usize,
        sig: u32,
        counter: Option<u32>,
    }
    let results = spec.results();
    let mut ctl: Vec<Ctl> = Vec::new();
    let mut pc = 0;
    // Branches to `ctl[idx]` (a block) or out of the function (`None`).
    let branch =
        |stack: &mut Vec<u128>, ctl: &mut Vec<Ctl>, target: Option<usize>| -> Option<usize> {
            let Some(idx) = target else {
                let n = results.len();
                let vals = stack.split_off(stack.len() - n);
                *stack = vals;
                return None;
            };
            let f = &ctl[idx];
            let n = spec.sigs[f.sig as usize].results.len();
            let vals = stack.split_off(stack.len() - n);
            stack.truncate(f.base);
            stack.extend(vals);
            let next = f.end + 1;
            ctl.truncate(idx);
            Some(next)
        };
    let target = |ctl: &Vec<Ctl>, d: u32| ctl.len().checked_sub(1 + d as usize);
    while pc < toks.len() {
        let t = toks[pc];
        pc += 1;
        match t {
            Tok::Get(l) => stack.push(locals[l as usize]),
            Tok::Set(l) => locals[l as usize] = stack.pop().unwrap(),
            Tok::Tee(l) => locals[l as usize] = *stack.last().unwrap(),
            Tok::Const(ty) => stack.push(const_bits(ty)),
            Tok::Drop => {
                stack.pop();
            }
            Tok::Sub(ty) => {
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                stack.push(sub_bits(ty, a, b));
            }
            Tok::Select => {
                let b = stack.pop().unwrap();
                let a = stack.pop().unwrap();
                stack.push(if locals[spec.cond as usize] as u32 != 0 {
                    a
                } else {
                    b
                });
            }
            Tok::Call(i) => {
                let h = &spec.helpers[i as usize];
                let a = stack.split_off(stack.len() - h.params.len());
                stack.extend(helper_results(h, &a));
            }
            Tok::Block(s) | Tok::Loop(s) => {
                let counter = match t {
                    Tok::Loop(_) => {
                        let depth = ctl.iter().filter(|c| c.counter.is_some()).count();
                        let k = spec.counters[depth];
                        locals[k as usize] = 2;
                        Some(k)
                    }
                    _ => None,
                };
                ctl.push(Ctl {
                    start: pc - 1,
                    end: ends[pc - 1],
                    base: stack.len() - spec.sigs[s as usize].params.len(),
                    sig: s,
                    counter,
                });
            }
            Tok::End => {
                let f = ctl.last().expect("an open frame");
                if let Some(k) = f.counter {
                    // The back edge: `k -= 1; br_if 0 (k)`.
                    let k = k as usize;
                    locals[k] = (locals[k] as u32).wrapping_sub(1) as u128;
                    if locals[k] as u32 != 0 {
                        let n = spec.sigs[f.sig as usize].params.len();
                        let vals = stack.split_off(stack.len() - n);
                        stack.truncate(f.base);
                        stack.extend(vals);
                        pc = f.start + 1;
                        continue;
                    }
                }
                ctl.pop();
            }
            Tok::Br(d) => {
                let to = target(&ctl, d);
                match branch(&mut stack, &mut ctl, to) {
                    Some(next) => pc = next,
                    None => break,
                }
            }
            Tok::BrIf(d) => {
                if locals[spec.cond as usize] as u32 != 0 {
                    let to = target(&ctl, d);
                    match branch(&mut stack, &mut ctl, to) {
                        Some(next) => pc = next,
                        None => break,
                    }
                }
            }
            Tok::Return => {
                branch(&mut stack, &mut ctl, None);
                break;
            }
        }
    }
    assert_eq!(stack.len(), results.len(), "evaluated {toks:?}");
    results
        .iter()
        .zip(stack)
        .map(|(&ty, v)| Bits(ty, v))
        .collect()
}
