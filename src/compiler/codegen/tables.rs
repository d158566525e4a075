//! Table operators: `table.get/set/size` inline, the rest through builtins.

use dynasmrt::DynasmApi;

use super::CodeGen;
use crate::compiler::x64::masm::{asm, Cond};
use crate::module::{CompileError, ValType};
use crate::vm::{TrapCode, VMBuiltins, VMTableDefinition};

impl<'m> CodeGen<'m> {
    /// r11 = the element address of the popped index register `i` in
    /// `table`, after the bounds check.
    fn table_elem_addr(&mut self, table: u32, i: u8) {
        let off = self.env.offsets.table(table);
        let oob = self.trap_label(TrapCode::TableOutOfBounds);
        asm!(self.masm
            ; mov r11, QWORD [r15 + off]
            ; cmp Rd(i), DWORD [r11 + VMTableDefinition::OFFSET_LENGTH]
        );
        self.masm.jcc(Cond::AE, oob);
        asm!(self.masm
            ; mov r11, QWORD [r11 + VMTableDefinition::OFFSET_BASE]
            ; lea r11, [r11 + Rq(i) * 8]
        );
    }

    pub fn visit_table_get(&mut self, table: u32) -> Result<(), CompileError> {
        let ty = self.env.info.tables[table as usize].element;
        let r = self.pop_reg();
        let i = r.code();
        self.table_elem_addr(table, i);
        asm!(self.masm; mov Rq(i), QWORD [r11]);
        self.push_reg(ty, r);
        Ok(())
    }

    pub fn visit_table_set(&mut self, table: u32) -> Result<(), CompileError> {
        let v = self.pop_reg();
        let r = self.pop_reg();
        self.table_elem_addr(table, r.code());
        asm!(self.masm; mov QWORD [r11], Rq(v.code()));
        self.release(v);
        self.release(r);
        Ok(())
    }

    pub fn visit_table_size(&mut self, table: u32) -> Result<(), CompileError> {
        let off = self.env.offsets.table(table);
        let r = self.alloc(ValType::I32);
        let d = r.code();
        asm!(self.masm
            ; mov Rq(d), QWORD [r15 + off]
            ; mov Rd(d), DWORD [Rq(d) + VMTableDefinition::OFFSET_LENGTH]
        );
        self.push_reg(ValType::I32, r);
        Ok(())
    }

    pub fn visit_table_grow(&mut self, table: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_TABLE_GROW,
            2,
            &[table as u64],
            Some(ValType::I32),
            false,
        );
        Ok(())
    }

    pub fn visit_table_fill(&mut self, table: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_TABLE_FILL,
            3,
            &[table as u64],
            None,
            true,
        );
        Ok(())
    }

    pub fn visit_table_copy(&mut self, dst_table: u32, src_table: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_TABLE_COPY,
            3,
            &[dst_table as u64, src_table as u64],
            None,
            true,
        );
        Ok(())
    }

    pub fn visit_table_init(&mut self, elem_index: u32, table: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_TABLE_INIT,
            3,
            &[table as u64, elem_index as u64],
            None,
            true,
        );
        Ok(())
    }

    pub fn visit_elem_drop(&mut self, elem_index: u32) -> Result<(), CompileError> {
        self.call_builtin(
            VMBuiltins::OFFSET_ELEM_DROP,
            0,
            &[elem_index as u64],
            None,
            false,
        );
        Ok(())
    }
}
