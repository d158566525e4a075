//! Calls: direct calls between the module's functions, calls to imports and
//! `call_indirect` through `VMFuncRef`s, and calls to runtime builtins.

use dynasmrt::DynasmApi;

use super::stack::{Loc, Opnd};
use super::CodeGen;
use crate::compiler::x64::masm::{asm, Cond};
use crate::compiler::x64::regs::Reg;
use crate::module::{CompileError, ValType};
use crate::vm::{value_size, TrapCode, VMContextHeader, VMFuncRef, VMTableDefinition};

/// SysV argument registers after `rdi` (which carries the vmctx).
const C_ARGS: [u8; 5] = [6, 2, 1, 8, 9];

impl<'m> CodeGen<'m> {
    /// Spills everything below the arguments and stores the `n` topmost
    /// values into the outgoing slots at `[rsp + 8*i]`.
    fn pass_args(&mut self, params: &[ValType], results: &[ValType]) {
        let n = params.len();
        let len = self.stack.len();
        self.spill_all(len - n);
        let slots = |v: &[ValType]| v.iter().map(|t| value_size(*t)).sum::<i32>();
        self.call_area = self.call_area.max(slots(params).max(slots(results)));
        let mut disp = 0;
        for k in 0..n {
            let v = self.stack[len - n + k];
            let o = Opnd {
                ty: v.ty,
                loc: v.loc,
                off: v.off,
            };
            self.store_opnd(o, 4, disp);
            disp += value_size(v.ty);
        }
        self.truncate_stack(len - n);
        // The callee clobbers every register.
        self.uncache_all();
    }

    /// After the call: restore r15/r14, record the return address, and push
    /// the results from the outgoing slots.
    ///
    /// A `direct` callee is a function of this module: it returns with r15
    /// unchanged (every function restores it after its own calls) and, with
    /// guard pages, with r14 unchanged too (the base of a reserved memory
    /// never moves), so neither needs reloading.
    fn take_results(&mut self, results: &[ValType], direct: bool) {
        let pc = self.masm.offset();
        self.address_map.push((pc, self.wasm_offset));
        if !direct {
            self.restore_pinned();
        } else if self.env.config.explicit_bounds_checks {
            self.reload_memory_base();
        }
        let mut disp = 0;
        for &ty in results {
            let r = self.alloc(ty);
            self.masm.load(ty, r, 4, disp);
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
            asm!(self.masm
                ; lea r11, [r15 + off]
                ; mov r15, QWORD [r11 + VMFuncRef::OFFSET_VMCTX]
                ; call QWORD [r11 + VMFuncRef::OFFSET_CODE]
            );
        } else {
            // `call rel32`, linked once every function's offset is known.
            self.masm.asm.push(0xe8);
            self.masm.asm.push_i32(0);
            let at = self.masm.offset() - 4;
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
        let rc = r.code();
        asm!(self.masm
            ; mov r11, QWORD [r15 + table]
            ; cmp Rd(rc), DWORD [r11 + VMTableDefinition::OFFSET_LENGTH]
        );
        self.masm.jcc(Cond::AE, undefined);
        asm!(self.masm
            ; mov r11, QWORD [r11 + VMTableDefinition::OFFSET_BASE]
            ; mov r11, QWORD [r11 + Rq(rc) * 8]
            ; test r11, r11
        );
        self.masm.jcc(Cond::E, uninit);
        asm!(self.masm
            ; mov Rd(rc), DWORD [r15 + type_id]
            ; cmp Rd(rc), DWORD [r11 + VMFuncRef::OFFSET_TYPE_ID]
        );
        self.masm.jcc(Cond::NE, mismatch);
        asm!(self.masm
            ; mov r15, QWORD [r11 + VMFuncRef::OFFSET_VMCTX]
            ; call QWORD [r11 + VMFuncRef::OFFSET_CODE]
        );
        self.release(r);
        self.take_results(&ty.results, false);
        Ok(())
    }

    /// Calls the builtin at `VMBuiltins` offset `builtin` with (vmctx, the
    /// `nargs` topmost stack values..., then `extra` constants), after
    /// spilling everything. Returns the result register (rax) if `result`.
    /// With `traps`, a non-zero return is raised as a trap code.
    pub fn call_builtin(
        &mut self,
        builtin: i32,
        nargs: usize,
        leading: &[u64],
        result: Option<ValType>,
        traps: bool,
    ) {
        let len = self.stack.len();
        self.spill_all(len);
        // Write stale locals back while their registers are intact (the
        // argument registers are about to be overwritten).
        self.uncache_all();
        let mut argi = 0;
        for &c in leading {
            self.masm.mov_imm64(C_ARGS[argi], c);
            argi += 1;
        }
        for k in 0..nargs {
            let v = self.stack[len - nargs + k];
            let a = C_ARGS[argi];
            argi += 1;
            match v.loc {
                Loc::Const(bits) => self.masm.mov_imm64(a, bits),
                Loc::Slot => asm!(self.masm; mov Rq(a), QWORD [rbp - v.off]),
                Loc::Reg(_) | Loc::Flags(_) | Loc::Local(_) => unreachable!("spilled above"),
            }
        }
        self.truncate_stack(len - nargs);
        asm!(self.masm
            ; mov rdi, r15
            ; mov rax, QWORD [r15 + VMContextHeader::OFFSET_BUILTINS]
            ; call QWORD [rax + builtin]
        );
        let pc = self.masm.offset();
        self.address_map.push((pc, self.wasm_offset));
        if traps {
            let raise = self.masm.new_label();
            let ok = self.masm.new_label();
            asm!(self.masm; test eax, eax);
            self.masm.jcc(Cond::E, ok);
            self.masm.bind(raise);
            asm!(self.masm
                ; mov edi, eax
                ; call QWORD [r15 + VMContextHeader::OFFSET_RAISE_TRAP]
            );
            let pc = self.masm.offset();
            self.address_map.push((pc, self.wasm_offset));
            self.masm.bind(ok);
        }
        self.reload_memory_base();
        if let Some(ty) = result {
            let rax = Reg::gpr(0);
            self.take_fixed(rax);
            self.push_reg(ty, rax);
        }
    }
}
