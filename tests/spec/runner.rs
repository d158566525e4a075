//! Runs the directives of one `.wast` file against one store of a
//! [`Backend`] (the Rust API or the C API), reporting an [`Event`] per
//! directive. A trap or a panic fails only its own directive: the store stays
//! in use for the rest of the file.

use crate::backend::{Backend, EngineError, ExternKind, Value};
use crate::protocol::{Event, Outcome, Pos};
use crate::values;
use brisk::{BoundsChecks, Features};
use std::cell::RefCell;
use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use wast::token::Span;
use wast::{QuoteWat, WastDirective, WastExecute, WastInvoke, Wat};

/// Why a directive did not do what the script said.
enum Failure {
    /// The engine returned an error where the script expected success.
    Engine(EngineError),
    /// Anything else: a wrong result, a missing export, an unsupported form.
    Script(String),
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Failure {
        Failure::Engine(e)
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure::Script(s)
    }
}

impl Failure {
    fn describe(self) -> String {
        match self {
            Failure::Engine(e) => format!("unexpected error: {e}"),
            Failure::Script(s) => s,
        }
    }
}

/// Whether the engine's message says what the script expects. The engine's
/// message must contain the expected text; the reference interpreter appends
/// indices to a few messages ("uninitialized element 2"), which we do not
/// require.
pub fn message_matches(expected: &str, actual: &str) -> bool {
    if actual.contains(expected) {
        return true;
    }
    let without_index = expected
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .trim_end();
    without_index.len() < expected.len() && actual.contains(without_index)
}

/// Positions in a file: 1-based line and byte column, as
/// `Span::linecol_in` gives them, without rescanning the file each time.
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.len);
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        Pos {
            line: line + 1,
            col: offset - self.starts[line] + 1,
        }
    }
}

pub struct Runner<B: Backend> {
    lines: LineIndex,
    api: B,
    /// Instances by their `$name` in the script.
    instances: HashMap<String, B::Instance>,
    /// `(module definition $name ...)` modules, by name.
    definitions: HashMap<String, B::Module>,
    last_definition: Option<B::Module>,
    /// The most recently instantiated module: the target of unnamed commands.
    current: Option<B::Instance>,
    /// What imports resolve to, by (module, name): `spectest` and every `register`ed instance.
    registry: HashMap<(String, String), B::Extern>,
}

impl<B: Backend> Runner<B> {
    pub fn new(
        text: &str,
        features: Features,
        bounds_checks: BoundsChecks,
    ) -> Result<Runner<B>, String> {
        let mut api = B::new(features, bounds_checks)?;
        let mut registry = HashMap::new();
        for (name, ext) in api.spectest()? {
            registry.insert(("spectest".to_string(), name), ext);
        }
        Ok(Runner {
            lines: LineIndex::new(text),
            api,
            instances: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            current: None,
            registry,
        })
    }

    fn pos(&self, span: Span) -> Pos {
        self.lines.pos(span.offset())
    }

    /// Runs every directive, emitting one `Event::Start` and one
    /// `Event::Done` for each.
    pub fn run(&mut self, directives: Vec<WastDirective<'_>>, emit: &mut dyn FnMut(Event)) {
        for directive in directives {
            let pos = self.pos(directive.span());
            emit(Event::Start(pos));
            let outcome = match catch_panic(|| self.directive(directive)) {
                Ok(outcome) => outcome,
                Err(panic) => Outcome::Fail(format!("panicked: {panic}")),
            };
            emit(Event::Done(pos, outcome));
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Outcome {
        use WastDirective as D;
        let result: Result<Outcome, Failure> = match directive {
            D::Module(mut module) => self.module(&mut module, true).map(|_| Outcome::Pass),
            D::ModuleDefinition(mut module) => {
                self.module(&mut module, false).map(|_| Outcome::Pass)
            }
            D::ModuleInstance {
                instance, module, ..
            } => self.module_instance(instance.map(|i| i.name()), module.map(|m| m.name())),
            D::Register { name, module, .. } => self.register(name, module.map(|m| m.name())),
            D::Invoke(invoke) => self.invoke(&invoke).map(|_| Outcome::Pass),
            D::AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            D::AssertTrap { exec, message, .. } => self.assert_trap(exec, message),
            D::AssertExhaustion { call, message, .. } => {
                self.assert_trap(WastExecute::Invoke(call), message)
            }
            D::AssertInvalid {
                mut module,
                message,
                ..
            } => self.assert_invalid(&mut module, message),
            D::AssertMalformed {
                mut module,
                message,
                ..
            } => self.assert_malformed(&mut module, message),
            D::AssertUnlinkable {
                module, message, ..
            } => self.assert_unlinkable(QuoteWat::Wat(module), message),
            D::AssertInvalidCustom { .. }
            | D::AssertMalformedCustom { .. }
            | D::AssertException { .. }
            | D::AssertSuspension { .. }
            | D::Thread(_)
            | D::Wait { .. } => Err(Failure::Script(format!(
                "unsupported directive {} (a proposal the runner does not implement)",
                directive_kind(&directive)
            ))),
        };
        result.unwrap_or_else(|f| Outcome::Fail(f.describe()))
    }

    /// Compiles a script module; with `instantiate`, also instantiates it and
    /// makes it current. Returns the instance when there is one.
    fn module(
        &mut self,
        wat: &mut QuoteWat<'_>,
        instantiate: bool,
    ) -> Result<Option<B::Instance>, Failure> {
        let name = wat.name().map(|id| id.name().to_string());
        let module = match self.compile(wat) {
            Ok(module) => module,
            Err(f) => {
                self.forget(name.as_deref(), instantiate);
                return Err(f);
            }
        };
        if !instantiate {
            if let Some(name) = name {
                self.definitions.insert(name, module.clone());
            }
            self.last_definition = Some(module);
            return Ok(None);
        }
        let instance = match self.instantiate(&module) {
            Ok(instance) => instance,
            Err(e) => {
                self.forget(name.as_deref(), true);
                return Err(e.into());
            }
        };
        if let Some(name) = name {
            self.instances.insert(name, instance.clone());
        }
        self.current = Some(instance.clone());
        Ok(Some(instance))
    }

    /// After a module failed: the commands that follow it must fail too, not
    /// run against an older module that happens to export the same names.
    fn forget(&mut self, name: Option<&str>, instance: bool) {
        if instance {
            self.current = None;
            if let Some(name) = name {
                self.instances.remove(name);
            }
        } else {
            self.last_definition = None;
            if let Some(name) = name {
                self.definitions.remove(name);
            }
        }
    }

    fn compile(&mut self, wat: &mut QuoteWat<'_>) -> Result<B::Module, Failure> {
        let bytes = encode(wat)?;
        Ok(self.api.compile(&bytes)?)
    }

    /// Resolves the imports of `module` in the registry, then instantiates it.
    /// A missing import is a link error, as the spec's "unknown import".
    fn instantiate(&mut self, module: &B::Module) -> Result<B::Instance, EngineError> {
        let mut imports = Vec::new();
        for key in self.api.imports(module) {
            match self.registry.get(&key) {
                Some(ext) => imports.push(ext.clone()),
                None => {
                    return Err(EngineError::Link(format!(
                        "unknown import `{}::{}`",
                        key.0, key.1
                    )));
                }
            }
        }
        self.api.instantiate(module, &imports)
    }

    fn module_instance(
        &mut self,
        instance: Option<&str>,
        module: Option<&str>,
    ) -> Result<Outcome, Failure> {
        let module = match module {
            Some(name) => self.definitions.get(name).cloned(),
            None => self.last_definition.clone(),
        }
        .ok_or_else(|| format!("no module definition {module:?}"))?;
        let inst = match self.instantiate(&module) {
            Ok(inst) => inst,
            Err(e) => {
                self.forget(instance, true);
                return Err(e.into());
            }
        };
        if let Some(name) = instance {
            self.instances.insert(name.to_string(), inst.clone());
        }
        self.current = Some(inst);
        Ok(Outcome::Pass)
    }

    fn instance(&self, name: Option<&str>) -> Result<B::Instance, Failure> {
        match name {
            Some(name) => self.instances.get(name).cloned(),
            None => self.current.clone(),
        }
        .ok_or_else(|| {
            Failure::Script(match name {
                Some(name) => format!("no instance {name} (never defined, or its module failed)"),
                None => "no current instance (none defined, or the last module failed)".into(),
            })
        })
    }

    fn register(&mut self, as_name: &str, module: Option<&str>) -> Result<Outcome, Failure> {
        let instance = self.instance(module)?;
        for (name, ext) in self.api.exports(&instance) {
            self.registry.insert((as_name.to_string(), name), ext);
        }
        Ok(Outcome::Pass)
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Vec<Value>, Failure> {
        let instance = self.instance(invoke.module.map(|m| m.name()))?;
        let func = self.export_of_kind(&instance, invoke.name, ExternKind::Func)?;
        let args = invoke
            .args
            .iter()
            .map(values::arg_to_value)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.api.call(&func, &args)?)
    }

    /// The export `name` of `instance`, which must be of kind `kind`.
    fn export_of_kind(
        &mut self,
        instance: &B::Instance,
        name: &str,
        kind: ExternKind,
    ) -> Result<B::Extern, Failure> {
        match self.api.export(instance, name) {
            Some(ext) if self.api.kind(&ext) == kind => Ok(ext),
            Some(ext) => Err(format!(
                "export {name:?} is a {:?}, not a {kind:?}",
                self.api.kind(&ext)
            )
            .into()),
            None => Err(format!("no export {name:?}").into()),
        }
    }

    /// Runs an `invoke`, a `get` or a module instantiation and returns its values.
    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Value>, Failure> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(&invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(module.map(|m| m.name()))?;
                let global = self.export_of_kind(&instance, global, ExternKind::Global)?;
                Ok(vec![self.api.global_get(&global)?])
            }
            WastExecute::Wat(wat) => {
                let module = self.compile(&mut QuoteWat::Wat(wat))?;
                self.instantiate(&module)?;
                Ok(Vec::new())
            }
        }
    }

    fn assert_return(
        &mut self,
        exec: WastExecute<'_>,
        expected: &[wast::WastRet<'_>],
    ) -> Result<Outcome, Failure> {
        let actual = self.execute(exec)?;
        let mut ok = actual.len() == expected.len();
        for (e, a) in expected.iter().zip(&actual) {
            ok &= values::matches(e, a)?;
        }
        if ok {
            return Ok(Outcome::Pass);
        }
        let shown_actual: Vec<_> = actual
            .iter()
            .enumerate()
            .map(|(i, a)| values::show_val_like(expected.get(i), a))
            .collect();
        let expected: Vec<_> = expected.iter().map(values::show_ret).collect();
        let actual = shown_actual;
        Err(format!(
            "expected [{}], got [{}]",
            expected.join(" "),
            actual.join(" ")
        )
        .into())
    }

    fn assert_trap(&mut self, exec: WastExecute<'_>, message: &str) -> Result<Outcome, Failure> {
        match self.execute(exec) {
            Ok(values) => {
                let values: Vec<_> = values.iter().map(values::show_val).collect();
                Err(format!("expected trap {message:?}, got [{}]", values.join(" ")).into())
            }
            Err(Failure::Engine(EngineError::Trap(trap))) => {
                if message_matches(message, &trap) {
                    Ok(Outcome::Pass)
                } else {
                    Err(format!("expected trap {message:?}, got trap {trap:?}").into())
                }
            }
            // Through the C API a trap in a start function comes back as a
            // failed instantiation: the message says which failure it was.
            Err(Failure::Engine(EngineError::Instantiate(m))) if message_matches(message, &m) => {
                Ok(Outcome::Pass)
            }
            Err(Failure::Engine(e)) => Err(format!("expected trap {message:?}, got {e}").into()),
            Err(f @ Failure::Script(_)) => Err(f),
        }
    }

    fn assert_invalid(
        &mut self,
        wat: &mut QuoteWat<'_>,
        message: &str,
    ) -> Result<Outcome, Failure> {
        let bytes = encode(wat)?;
        match self.api.compile(&bytes) {
            Ok(_) => Err(format!("expected invalid module ({message:?}), but it compiled").into()),
            Err(EngineError::Compile(m)) => Ok(rejected(message, &m)),
            Err(e) => Err(format!("expected compile error {message:?}, got {e}").into()),
        }
    }

    /// The module must be rejected; text that `wast` itself cannot parse is
    /// malformed before it reaches the engine and passes as such.
    fn assert_malformed(
        &mut self,
        wat: &mut QuoteWat<'_>,
        message: &str,
    ) -> Result<Outcome, Failure> {
        let bytes = match wat {
            QuoteWat::QuoteModule(..) => match wat.encode() {
                Ok(bytes) => bytes,
                Err(e) => return Ok(Outcome::PassMalformedText(one_line(&e.message()))),
            },
            _ => encode(wat)?,
        };
        match self.api.compile(&bytes) {
            Ok(_) => {
                Err(format!("expected malformed module ({message:?}), but it compiled").into())
            }
            Err(EngineError::Compile(m)) => Ok(rejected(message, &m)),
            Err(e) => Err(format!("expected compile error {message:?}, got {e}").into()),
        }
    }

    fn assert_unlinkable(
        &mut self,
        mut wat: QuoteWat<'_>,
        message: &str,
    ) -> Result<Outcome, Failure> {
        let module = self.compile(&mut wat)?;
        match self.instantiate(&module) {
            Ok(_) => Err(format!("expected link error {message:?}, but it instantiated").into()),
            // `wasm_instance_new` reports link errors as traps.
            Err(EngineError::Link(m) | EngineError::Instantiate(m))
                if message_matches(message, &m) =>
            {
                Ok(Outcome::Pass)
            }
            Err(e) => Err(format!("expected link error {message:?}, got {e}").into()),
        }
    }
}

/// A rejected module passes; a differently worded reason is noted, not failed
/// (wasmparser's wording differs from the reference interpreter's). A module
/// refused only because the engine lacks a feature ("… not supported") was
/// never checked for what the test is about, so that fails.
fn rejected(expected: &str, actual: &str) -> Outcome {
    if message_matches(expected, actual) {
        Outcome::Pass
    } else if is_unsupported(actual) {
        Outcome::Fail(format!(
            "expected {expected:?}, but the engine only said {:?}",
            one_line(actual)
        ))
    } else {
        Outcome::PassOtherMessage {
            expected: expected.to_string(),
            actual: one_line(actual),
        }
    }
}

/// The engine's wording for a feature it does not implement (see
/// `unsupported` in src/module and src/compiler).
pub fn is_unsupported(message: &str) -> bool {
    message.contains(" not supported")
}

fn encode(wat: &mut QuoteWat<'_>) -> Result<Vec<u8>, Failure> {
    if matches!(
        wat,
        QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..)
    ) {
        return Err(Failure::Script(
            "component-model module (not supported)".into(),
        ));
    }
    wat.encode().map_err(|e| {
        Failure::Script(format!(
            "wast could not encode the module: {}",
            one_line(&e.message())
        ))
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn directive_kind(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
        _ => "directive",
    }
}

thread_local! {
    /// Where the last panic on this thread happened, recorded by the hook
    /// installed in [`install_quiet_panic_hook`].
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default hook (which prints to stderr) with one that records
/// the location, so that a panic is reported once, as the directive's failure.
pub fn install_quiet_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        PANIC_LOCATION.with(|p| *p.borrow_mut() = location);
    }));
}

/// Runs `f`, turning a panic into its message and location.
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_string());
        match PANIC_LOCATION.with(|p| p.borrow_mut().take()) {
            Some(location) => format!("{} at {location}", one_line(&message)),
            None => one_line(&message),
        }
    })
}
