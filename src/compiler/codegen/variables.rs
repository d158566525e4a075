//! Constants, locals, globals, `drop`/`select`, and reference values.

use wasmparser::{HeapType, Ieee32, Ieee64};

use super::stack::Loc;
use super::CodeGen;
use crate::compiler::isa::masm::Address;
use crate::compiler::isa::regs::is_fp_class;
use crate::module::{CompileError, ValType};

impl<'m> CodeGen<'m> {
    pub fn visit_i32_const(&mut self, value: i32) -> Result<(), CompileError> {
        self.push_const(ValType::I32, value as u32 as u64);
        Ok(())
    }

    pub fn visit_i64_const(&mut self, value: i64) -> Result<(), CompileError> {
        self.push_const(ValType::I64, value as u64);
        Ok(())
    }

    pub fn visit_f32_const(&mut self, value: Ieee32) -> Result<(), CompileError> {
        self.push_const(ValType::F32, value.bits() as u64);
        Ok(())
    }

    pub fn visit_f64_const(&mut self, value: Ieee64) -> Result<(), CompileError> {
        self.push_const(ValType::F64, value.bits());
        Ok(())
    }

    pub fn visit_drop(&mut self) -> Result<(), CompileError> {
        let o = self.pop();
        self.release_opnd(o);
        Ok(())
    }

    pub fn visit_local_get(&mut self, local_index: u32) -> Result<(), CompileError> {
        let l = self.frame.local(local_index);
        if self.lcache.reg(local_index).is_none() {
            match self.try_alloc(l.ty) {
                // Cache it: later reads (and this one) use the register.
                Some(c) => {
                    self.masm.load(l.ty, c, Address::Frame(l.disp));
                    self.cache_local(local_index, c);
                }
                None => {
                    let r = self.alloc(l.ty);
                    self.masm.load(l.ty, r, Address::Frame(l.disp));
                    self.push_reg(l.ty, r);
                    return Ok(());
                }
            }
        }
        self.push(l.ty, Loc::Local(local_index));
        Ok(())
    }

    pub fn visit_local_set(&mut self, local_index: u32) -> Result<(), CompileError> {
        let l = self.frame.local(local_index);
        let o = self.pop();
        self.materialize_local_refs(local_index);
        if let Loc::Reg(r) = o.loc {
            // The register becomes the local's (stale-slot) cache.
            self.set_cached_local(local_index, r);
            return Ok(());
        }
        self.store_opnd(o, Address::Frame(l.disp));
        // Per location: only a constant is worth caching after the store.
        match o.loc {
            // A constant (typically a loop counter's start) is worth a
            // register if one is free: a loop header then carries it.
            Loc::Const(bits) => {
                self.drop_local_cache(local_index);
                if let Some(r) = self.try_alloc(l.ty) {
                    self.masm.load_const(l.ty, r, bits);
                    self.cache_local(local_index, r);
                }
            }
            _ => self.drop_local_cache(local_index),
        }
        Ok(())
    }

    pub fn visit_local_tee(&mut self, local_index: u32) -> Result<(), CompileError> {
        let l = self.frame.local(local_index);
        let o = self.pop();
        self.materialize_local_refs(local_index);
        if let Loc::Reg(r) = o.loc {
            // The local takes the value, and the stack refers to the local.
            self.set_cached_local(local_index, r);
            self.push(o.ty, Loc::Local(local_index));
            return Ok(());
        }
        self.store_opnd(o, Address::Frame(l.disp));
        self.drop_local_cache(local_index);
        self.push_opnd(o);
        Ok(())
    }

    pub fn visit_global_get(&mut self, global_index: u32) -> Result<(), CompileError> {
        let ty = self.env.info.globals[global_index as usize].content;
        let off = self.env.offsets.global(global_index);
        let r = self.alloc(ty);
        self.masm.global_load(ty, r, off);
        self.push_reg(ty, r);
        Ok(())
    }

    pub fn visit_global_set(&mut self, global_index: u32) -> Result<(), CompileError> {
        let off = self.env.offsets.global(global_index);
        let o = self.pop();
        let r = self.opnd_to_reg(o);
        self.masm.global_store(o.ty, off, r);
        self.release(r);
        Ok(())
    }

    pub fn visit_select(&mut self) -> Result<(), CompileError> {
        let cond = self.pop();
        // Evaluate the condition into flags first; loads below are plain moves.
        // Per location: flags are the condition and a constant picks the
        // value now; the rest is tested in a register (unlike `cond_of`,
        // which tests a slot in memory: the code must not change).
        let c = match cond.loc {
            Loc::Flags(c) => c,
            Loc::Const(bits) => {
                let b = self.pop();
                let a = self.pop();
                let (keep, drop) = if bits as u32 != 0 { (a, b) } else { (b, a) };
                self.release_opnd(drop);
                self.push_opnd(keep);
                return Ok(());
            }
            _ => {
                let r = self.opnd_to_reg(cond);
                let c = self.masm.test_nonzero(ValType::I32, r);
                self.release(r);
                c
            }
        };
        let b = self.pop();
        let a = self.pop();
        let ra = self.opnd_to_reg(a);
        let rb = self.opnd_to_reg(b);
        if is_fp_class(a.ty) {
            let done = self.masm.new_label();
            self.masm.branch_if(c, done);
            self.masm.mov_rr(ra, rb);
            self.masm.bind(done);
        } else {
            self.masm.move_if(c.invert(), ra, rb);
        }
        self.release(rb);
        self.push_reg(a.ty, ra);
        Ok(())
    }

    pub fn visit_typed_select(&mut self, _ty: wasmparser::ValType) -> Result<(), CompileError> {
        self.visit_select()
    }

    pub fn visit_typed_select_multi(
        &mut self,
        _tys: Vec<wasmparser::ValType>,
    ) -> Result<(), CompileError> {
        Err(self.unsupported("multi-value select"))
    }

    pub fn visit_ref_null(&mut self, hty: HeapType) -> Result<(), CompileError> {
        let ty = match hty {
            HeapType::Abstract {
                ty: wasmparser::AbstractHeapType::Extern,
                ..
            } => ValType::ExternRef,
            _ => ValType::FuncRef,
        };
        self.push_const(ty, 0);
        Ok(())
    }

    pub fn visit_ref_is_null(&mut self) -> Result<(), CompileError> {
        let o = self.pop();
        if let Loc::Const(bits) = o.loc {
            self.push_const(ValType::I32, (bits == 0) as u64);
            return Ok(());
        }
        let r = self.opnd_to_reg(o);
        let nonzero = self.masm.test_nonzero(o.ty, r);
        self.release(r);
        self.push(ValType::I32, Loc::Flags(nonzero.invert()));
        Ok(())
    }

    pub fn visit_ref_func(&mut self, function_index: u32) -> Result<(), CompileError> {
        let off = self.env.offsets.funcref(function_index);
        let r = self.alloc(ValType::FuncRef);
        self.masm.vmctx_address(r, off);
        self.push_reg(ValType::FuncRef, r);
        Ok(())
    }
}
