//! Calls: direct calls between the module's functions, calls to imports and
//! `call_indirect` through `VMFuncRef`s, and calls to runtime builtins.

use super::stack::Loc;
use super::CodeGen;
use crate::compiler::isa::masm::{Address, Masm};
use crate::compiler::isa::regs;
use crate::module::{CompileError, ValType};
use crate::vm::{value_size, TrapCode};

impl<'m> CodeGen<'m> {
    /// Spills everything below the arguments and stores the `n` topmost
    /// values into the outgoing slots (`Address::OutArg`).
    fn pass_args(&mut self, params: &[ValType], results: &[ValType]) {
        let n = params.len();
        let len = self.base_below(params) + n;
        self.spill_all(len - n);
        let slots = |v: &[ValType]| v.iter().map(|t| value_size(*t)).sum::<i32>();
        self.frame.use_call_area(slots(params).max(slots(results)));
        let mut disp = 0;
        for k in 0..n {
            let v = self.vstack.get(len - n + k);
            let o = v.opnd();
            self.store_opnd(o, Address::OutArg(disp));
            disp += value_size(v.ty);
        }
        self.truncate_stack(len - n);
        // The callee clobbers every register.
        self.uncache_all();
    }

    /// After the call: restore the vmctx and memory base, record the return address, and push
    /// the results from the outgoing slots.
    ///
    /// A `direct` callee is a function of this module: it returns with the vmctx
    /// unchanged (every function restores it after its own calls) and, with
    /// guard pages, with the memory base unchanged too (the base of a reserved memory
    /// never moves), so neither needs reloading.
    fn take_results(&mut self, results: &[ValType], direct: bool) {
        self.record_return_address();
        if !direct {
            self.restore_pinned();
        } else if self.env.config.explicit_bounds_checks {
            self.reload_memory_base();
        }
        let mut disp = 0;
        for &ty in results {
            let r = self.alloc(ty);
            self.masm.load(ty, r, Address::OutArg(disp));
            self.push_reg(ty, r);
            disp += value_size(ty);
        }
    }

    pub fn visit_call(&mut self, function_index: u32) -> Result<(), CompileError> {
        let info = self.env.info;
        let ty = info.func_type(function_index);
        self.pass_args(&ty.params, &ty.results);
        if info.is_imported_func(function_index) {
            let off = self.env.offsets.funcref(function_index);
            self.masm.call_import(off);
        } else {
            // Linked once every function's offset is known.
            let at = self.masm.call_direct();
            self.calls.push((at, function_index));
        }
        self.take_results(&ty.results, !info.is_imported_func(function_index));
        Ok(())
    }

    pub fn visit_call_indirect(
        &mut self,
        type_index: u32,
        table_index: u32,
    ) -> Result<(), CompileError> {
        let ty = &self.env.info.types[type_index as usize];
        let index = self.pop();
        let r = self.opnd_to_reg(index);
        // The callee index survives the spills and argument stores.
        self.pass_args(&ty.params, &ty.results);
        let undefined = self.trap_label(TrapCode::UndefinedElement);
        let uninit = self.trap_label(TrapCode::UninitializedElement);
        let mismatch = self.trap_label(TrapCode::IndirectCallTypeMismatch);
        let table = self.env.offsets.table(table_index);
        let type_id = self.env.offsets.type_id(type_index);
        self.masm
            .call_indirect(r, table, type_id, undefined, uninit, mismatch);
        self.release(r);
        self.take_results(&ty.results, false);
        Ok(())
    }

    /// Calls the builtin at `VMBuiltins` offset `builtin` with (vmctx, the
    /// `nargs` topmost stack values..., then `extra` constants), after
    /// spilling everything. Pushes the result (`regs::RESULT`) if `result`.
    /// With `traps`, a non-zero return is raised as a trap code.
    pub fn call_builtin(
        &mut self,
        builtin: i32,
        nargs: usize,
        leading: &[u64],
        result: Option<ValType>,
        traps: bool,
    ) {
        let len = self.base_below_n(nargs) + nargs;
        self.spill_all(len);
        // Write stale locals back while their registers are intact (the
        // argument registers are about to be overwritten).
        self.uncache_all();
        debug_assert!(leading.len() + nargs <= Masm::BUILTIN_ARGS);
        let mut argi = 0;
        for &c in leading {
            self.masm.set_builtin_arg_const(argi, c);
            argi += 1;
        }
        for k in 0..nargs {
            let v = self.vstack.get(len - nargs + k);
            // Per location: a constant is an immediate argument, a slot is
            // loaded into the argument; nothing else survives `spill_all`.
            match v.loc {
                Loc::Const(bits) => self.masm.set_builtin_arg_const(argi, bits),
                Loc::Slot => self.masm.set_builtin_arg(argi, Address::Frame(-v.off)),
                Loc::Reg(_) | Loc::Flags(_) | Loc::Local(_) => {
                    self.bail("a builtin argument not spilled")
                }
            }
            argi += 1;
        }
        self.truncate_stack(len - nargs);
        self.masm.call_builtin(builtin);
        self.record_return_address();
        if traps {
            let ok = self.masm.new_label();
            self.masm.branch_if_result_zero(ok);
            self.masm.raise_trap_from_result();
            self.record_return_address();
            self.masm.bind(ok);
        }
        self.reload_memory_base();
        if let Some(ty) = result {
            self.take_fixed(regs::RESULT);
            self.push_reg(ty, regs::RESULT);
        }
    }
}
