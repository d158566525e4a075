//! Table operators: `table.get/set/size` inline, the rest through builtins.

use super::CodeGen;
use crate::module::{CompileError, ValType};
use crate::vm::{TrapCode, VMBuiltins};

impl<'m> CodeGen<'m> {
    pub fn visit_table_get(&mut self, table: u32) -> Result<(), CompileError> {
        let ty = self.env.info.tables[table as usize].element;
        let r = self.pop_reg();
        let off = self.env.offsets.table(table);
        let oob = self.trap_label(TrapCode::TableOutOfBounds);
        self.masm.table_get(r, off, oob);
        self.push_reg(ty, r);
        Ok(())
    }

    pub fn visit_table_set(&mut self, table: u32) -> Result<(), CompileError> {
        let v = self.pop_reg();
        let r = self.pop_reg();
        let off = self.env.offsets.table(table);
        let oob = self.trap_label(TrapCode::TableOutOfBounds);
        self.masm.table_set(r, v, off, oob);
        self.release(v);
        self.release(r);
        Ok(())
    }

    pub fn visit_table_size(&mut self, table: u32) -> Result<(), CompileError> {
        let off = self.env.offsets.table(table);
        let r = self.alloc(ValType::I32);
        self.masm.table_size(r, off);
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
