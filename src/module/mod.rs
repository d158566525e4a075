//! Bytes → module description.
//!
//! `parse` drives wasmparser's `Parser` and `Validator` over a whole module and
//! returns a [`ModuleInfo`] (everything but the function bodies) plus one
//! [`FunctionToCompile`] per body. Bodies are not validated here: the compiler
//! validates each one in the same pass that emits its code.

mod types;

pub use types::*;

use wasmparser::{
    ElementItems, ElementKind, ExternalKind, FuncToValidate, FunctionBody, Parser, Payload,
    TypeRef, ValidPayload, Validator, ValidatorResources, WasmFeatures,
};

/// A function body waiting for the compiler, with the validator that checks it.
pub struct FunctionToCompile<'a> {
    /// Index in the function index space (imports come first).
    pub func_index: u32,
    pub validator: FuncToValidate<ValidatorResources>,
    pub body: FunctionBody<'a>,
}

/// Everything the compiler and the runtime need to know about a module,
/// except the function bodies themselves.
#[derive(Debug, Default, Clone)]
pub struct ModuleInfo {
    /// The type section, in order. Only function types exist in the features we support.
    pub types: Vec<FuncType>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    /// Every table, imported ones first.
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    /// Every memory, imported ones first.
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    /// Every global, imported ones first.
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    /// Initialisers of the defined globals (index `i` is global `num_imported_globals + i`).
    pub global_inits: Vec<ConstExpr>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub data: Vec<DataSegment>,
    /// Function names from the name section, sorted by function index.
    pub func_names: Vec<(u32, String)>,
    /// Byte offset of each defined function's body in the module, for frame info.
    pub body_offsets: Vec<u32>,
}

impl ModuleInfo {
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.func_types[func_index as usize] as usize]
    }

    pub fn num_defined_funcs(&self) -> u32 {
        self.func_types.len() as u32 - self.num_imported_funcs
    }

    pub fn is_imported_func(&self, func_index: u32) -> bool {
        func_index < self.num_imported_funcs
    }

    /// Name from the name section, if any.
    pub fn func_name(&self, func_index: u32) -> Option<&str> {
        self.func_names
            .binary_search_by_key(&func_index, |(i, _)| *i)
            .ok()
            .map(|i| self.func_names[i].1.as_str())
    }
}

/// A decoding or validation failure, with the byte offset where it was found.
#[derive(Debug, Clone)]
pub struct CompileError {
    pub message: String,
    pub offset: usize,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset 0x{:x})", self.message, self.offset)
    }
}

impl std::error::Error for CompileError {}

impl From<wasmparser::BinaryReaderError> for CompileError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        CompileError {
            message: e.message().to_string(),
            offset: e.offset() as usize,
        }
    }
}

/// Decodes and validates everything in `bytes` but the function bodies.
pub fn parse(
    bytes: &[u8],
    features: WasmFeatures,
) -> Result<(ModuleInfo, Vec<FunctionToCompile<'_>>), CompileError> {
    let mut info = ModuleInfo::default();
    let mut funcs = Vec::new();
    let mut validator = Validator::new_with_features(features);
    let mut next_defined_func = 0u32;

    // The reader must know the features too: with memory64 enabled it would
    // accept over-long limits encodings that a 32-bit-only module must reject.
    let mut parser = Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(bytes) {
        let payload = payload?;
        match validator.payload(&payload)? {
            ValidPayload::Func(validator, body) => {
                let func_index = info.num_imported_funcs + next_defined_func;
                next_defined_func += 1;
                info.body_offsets.push(body.range().start as u32);
                funcs.push(FunctionToCompile {
                    func_index,
                    validator,
                    body,
                });
                continue;
            }
            ValidPayload::End(_) => break,
            ValidPayload::Ok | ValidPayload::Parser(_) => {}
        }
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    info.types.push(FuncType::from_wasmparser(&ty?)?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let ty = match import.ty {
                        TypeRef::Func(idx) => {
                            info.func_types.push(idx);
                            info.num_imported_funcs += 1;
                            ImportKind::Func(idx)
                        }
                        TypeRef::Table(t) => {
                            let t = TableType::from_wasmparser(&t)?;
                            info.tables.push(t);
                            info.num_imported_tables += 1;
                            ImportKind::Table(t)
                        }
                        TypeRef::Memory(m) => {
                            let m = MemoryType::from_wasmparser(&m)?;
                            info.memories.push(m);
                            info.num_imported_memories += 1;
                            ImportKind::Memory(m)
                        }
                        TypeRef::Global(g) => {
                            let g = GlobalType::from_wasmparser(&g)?;
                            info.globals.push(g);
                            info.num_imported_globals += 1;
                            ImportKind::Global(g)
                        }
                        TypeRef::Tag(_) | TypeRef::FuncExact(_) => {
                            return Err(unsupported("this import kind", 0))
                        }
                    };
                    info.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind: ty,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for idx in reader {
                    info.func_types.push(idx?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    let ty = TableType::from_wasmparser(&table.ty)?;
                    if let wasmparser::TableInit::Expr(_) = table.init {
                        return Err(unsupported("table initialiser expressions", 0));
                    }
                    info.tables.push(ty);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    info.memories.push(MemoryType::from_wasmparser(&memory?)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    info.globals.push(GlobalType::from_wasmparser(&global.ty)?);
                    info.global_inits
                        .push(ConstExpr::from_wasmparser(&global.init_expr)?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    let kind = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            ExportKind::Func(export.index)
                        }
                        ExternalKind::Table => ExportKind::Table(export.index),
                        ExternalKind::Memory => ExportKind::Memory(export.index),
                        ExternalKind::Global => ExportKind::Global(export.index),
                        ExternalKind::Tag => return Err(unsupported("tag exports", 0)),
                    };
                    info.exports.push(Export {
                        name: export.name.to_string(),
                        kind,
                    });
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::ElementSection(reader) => {
                for element in reader {
                    info.elements.push(parse_element(element?)?);
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let kind = match data.kind {
                        wasmparser::DataKind::Passive => DataKind::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => DataKind::Active {
                            memory: memory_index,
                            offset: ConstExpr::from_wasmparser(&offset_expr)?,
                        },
                    };
                    info.data.push(DataSegment {
                        kind,
                        bytes: data.data.into(),
                    });
                }
            }
            Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    // The name section is advisory: a malformed one is ignored, as the spec says.
                    let _ = parse_names(names, &mut info);
                }
            }
            _ => {}
        }
    }
    Ok((info, funcs))
}

fn parse_element(element: wasmparser::Element<'_>) -> Result<ElementSegment, CompileError> {
    let kind = match element.kind {
        ElementKind::Passive => ElementSegmentKind::Passive,
        ElementKind::Declared => ElementSegmentKind::Declared,
        ElementKind::Active {
            table_index,
            offset_expr,
        } => ElementSegmentKind::Active {
            table: table_index.unwrap_or(0),
            offset: ConstExpr::from_wasmparser(&offset_expr)?,
        },
    };
    let (ty, items) = match element.items {
        ElementItems::Functions(reader) => {
            let funcs = reader.into_iter().collect::<Result<Vec<_>, _>>()?;
            (ValType::FuncRef, ElementItemsKind::Functions(funcs))
        }
        ElementItems::Expressions(ty, reader) => {
            let ty = ValType::from_ref_type(ty)?;
            let mut exprs = Vec::new();
            for expr in reader {
                exprs.push(ConstExpr::from_wasmparser(&expr?)?);
            }
            (ty, ElementItemsKind::Expressions(exprs))
        }
    };
    Ok(ElementSegment { kind, ty, items })
}

fn parse_names(
    names: wasmparser::NameSectionReader<'_>,
    info: &mut ModuleInfo,
) -> Result<(), CompileError> {
    for name in names {
        if let wasmparser::Name::Function(map) = name? {
            for naming in map {
                let naming = naming?;
                info.func_names
                    .push((naming.index, naming.name.to_string()));
            }
        }
    }
    info.func_names.sort_by_key(|(i, _)| *i);
    info.func_names.dedup_by_key(|(i, _)| *i);
    Ok(())
}

pub(crate) fn unsupported(what: &str, offset: usize) -> CompileError {
    CompileError {
        message: format!("{what} not supported"),
        offset,
    }
}
