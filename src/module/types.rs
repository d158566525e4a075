//! The type vocabulary shared by every stage: value, function, table, memory and
//! global types, constant expressions, imports, exports and segments.

use super::{unsupported, CompileError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    pub fn is_float(self) -> bool {
        matches!(self, ValType::F32 | ValType::F64)
    }

    pub fn from_wasmparser(ty: wasmparser::ValType) -> Result<ValType, CompileError> {
        Ok(match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            wasmparser::ValType::V128 => ValType::V128,
            wasmparser::ValType::Ref(r) => ValType::from_ref_type(r)?,
        })
    }

    pub fn from_ref_type(ty: wasmparser::RefType) -> Result<ValType, CompileError> {
        if ty == wasmparser::RefType::FUNCREF {
            Ok(ValType::FuncRef)
        } else if ty == wasmparser::RefType::EXTERNREF {
            Ok(ValType::ExternRef)
        } else {
            Err(unsupported("this reference type", 0))
        }
    }
}

impl std::fmt::Display for ValType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    pub params: Box<[ValType]>,
    pub results: Box<[ValType]>,
}

impl FuncType {
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        FuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    pub(crate) fn from_wasmparser(ty: &wasmparser::FuncType) -> Result<FuncType, CompileError> {
        let params = ty
            .params()
            .iter()
            .map(|t| ValType::from_wasmparser(*t))
            .collect::<Result<_, _>>()?;
        let results = ty
            .results()
            .iter()
            .map(|t| ValType::from_wasmparser(*t))
            .collect::<Result<_, _>>()?;
        Ok(FuncType { params, results })
    }
}

impl std::fmt::Display for FuncType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &[ValType]| {
            v.iter()
                .map(|t| t.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        write!(f, "[{}] -> [{}]", list(&self.params), list(&self.results))
    }
}

/// Limits in elements. `element` is `FuncRef` or `ExternRef`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    pub element: ValType,
    pub min: u32,
    pub max: Option<u32>,
}

impl TableType {
    pub(crate) fn from_wasmparser(ty: &wasmparser::TableType) -> Result<TableType, CompileError> {
        if ty.table64 {
            return Err(unsupported("64-bit tables", 0));
        }
        Ok(TableType {
            element: ValType::from_ref_type(ty.element_type)?,
            min: ty.initial as u32,
            max: ty.maximum.map(|m| m as u32),
        })
    }
}

/// Limits in 64 KiB pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryType {
    pub min: u32,
    pub max: Option<u32>,
    pub shared: bool,
}

impl MemoryType {
    pub const PAGE_SIZE: u64 = 65536;
    /// The most pages a 32-bit memory can have (4 GiB).
    pub const MAX_PAGES: u32 = 65536;

    pub(crate) fn from_wasmparser(ty: &wasmparser::MemoryType) -> Result<MemoryType, CompileError> {
        if ty.memory64 {
            return Err(unsupported("64-bit memories", 0));
        }
        if ty.page_size_log2.is_some() {
            return Err(unsupported("custom page sizes", 0));
        }
        Ok(MemoryType {
            min: ty.initial as u32,
            max: ty.maximum.map(|m| m as u32),
            shared: ty.shared,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

impl GlobalType {
    pub(crate) fn from_wasmparser(ty: &wasmparser::GlobalType) -> Result<GlobalType, CompileError> {
        if ty.shared {
            return Err(unsupported("shared globals", 0));
        }
        Ok(GlobalType {
            content: ValType::from_wasmparser(ty.content_type)?,
            mutable: ty.mutable,
        })
    }
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

/// One operator of a constant expression. A sequence is evaluated on a stack
/// (extended-const expressions have several operators; plain ones have one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConstOp {
    I32Const(i32),
    I64Const(i64),
    F32Const(u32),
    F64Const(u64),
    V128Const(u128),
    RefNull(ValType),
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConstExpr(pub Vec<ConstOp>);

impl ConstExpr {
    pub(crate) fn from_wasmparser(
        expr: &wasmparser::ConstExpr<'_>,
    ) -> Result<ConstExpr, CompileError> {
        use wasmparser::Operator as O;
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        while !reader.eof() {
            let offset = reader.original_position() as usize;
            let op = match reader.read()? {
                O::I32Const { value } => ConstOp::I32Const(value),
                O::I64Const { value } => ConstOp::I64Const(value),
                O::F32Const { value } => ConstOp::F32Const(value.bits()),
                O::F64Const { value } => ConstOp::F64Const(value.bits()),
                O::V128Const { value } => ConstOp::V128Const(value.i128() as u128),
                O::RefNull { hty } => ConstOp::RefNull(ValType::from_ref_type(
                    wasmparser::RefType::new(true, hty)
                        .ok_or_else(|| unsupported("this heap type", offset))?,
                )?),
                O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                O::I32Add => ConstOp::I32Add,
                O::I32Sub => ConstOp::I32Sub,
                O::I32Mul => ConstOp::I32Mul,
                O::I64Add => ConstOp::I64Add,
                O::I64Sub => ConstOp::I64Sub,
                O::I64Mul => ConstOp::I64Mul,
                O::End => continue,
                _ => return Err(unsupported("this constant operator", offset)),
            };
            ops.push(op);
        }
        Ok(ConstExpr(ops))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ImportKind {
    /// The function's type index.
    Func(u32),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// What an export names, by index in its index space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ElementSegmentKind {
    Passive,
    Declared,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ElementItemsKind {
    Functions(Vec<u32>),
    Expressions(Vec<ConstExpr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ElementSegment {
    pub kind: ElementSegmentKind,
    /// `FuncRef` or `ExternRef`.
    pub ty: ValType,
    pub items: ElementItemsKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DataKind {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataSegment {
    pub kind: DataKind,
    pub bytes: Box<[u8]>,
}
