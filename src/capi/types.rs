//! Type representations: value, function, global, table, memory, tag and
//! extern types, and import/export types.
//!
//! Every type that `wasm_X_as_externtype` can view is one allocation of
//! [`wasm_externtype_t`]; `wasm_functype_t` and its siblings are the same
//! object seen through a narrower type, so the conversions are casts and any
//! of the views can be deleted.

use super::vec::{wasm_name_t, wasm_valtype_vec_t, CVec, OwnedObject};
use super::{drop_raw, guard, into_raw};
use crate::{ExternType, FuncType, GlobalType, MemoryType, TableType, ValType};
use std::ptr;

pub type wasm_valkind_t = u8;
pub type wasm_mutability_t = u8;
pub type wasm_externkind_t = u8;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasm_limits_t {
    pub min: u32,
    pub max: u32,
}

/// `wasm_limits_max_default`: no maximum.
pub(crate) const LIMITS_MAX_DEFAULT: u32 = u32::MAX;

#[repr(C)]
#[allow(dead_code)] // the variants are read by C through the header
pub enum wasm_valkind_enum {
    WASM_I32 = 0,
    WASM_I64 = 1,
    WASM_F32 = 2,
    WASM_F64 = 3,
    WASM_EXTERNREF = 128,
    WASM_FUNCREF = 129,
}

#[repr(C)]
#[allow(dead_code)]
pub enum wasm_mutability_enum {
    WASM_CONST = 0,
    WASM_VAR = 1,
}

#[repr(C)]
#[allow(dead_code)]
pub enum wasm_externkind_enum {
    WASM_EXTERN_FUNC = 0,
    WASM_EXTERN_GLOBAL = 1,
    WASM_EXTERN_TABLE = 2,
    WASM_EXTERN_MEMORY = 3,
    WASM_EXTERN_TAG = 4,
}

pub(crate) const KIND_I32: wasm_valkind_t = wasm_valkind_enum::WASM_I32 as u8;
pub(crate) const KIND_I64: wasm_valkind_t = wasm_valkind_enum::WASM_I64 as u8;
pub(crate) const KIND_F32: wasm_valkind_t = wasm_valkind_enum::WASM_F32 as u8;
pub(crate) const KIND_F64: wasm_valkind_t = wasm_valkind_enum::WASM_F64 as u8;
/// Not in the standard; the value other engines use (declared in `brisk.h`).
pub(crate) const KIND_V128: wasm_valkind_t = 4;
pub(crate) const KIND_EXTERNREF: wasm_valkind_t = wasm_valkind_enum::WASM_EXTERNREF as u8;
pub(crate) const KIND_FUNCREF: wasm_valkind_t = wasm_valkind_enum::WASM_FUNCREF as u8;

pub(crate) const EXTERN_FUNC: wasm_externkind_t = wasm_externkind_enum::WASM_EXTERN_FUNC as u8;
pub(crate) const EXTERN_GLOBAL: wasm_externkind_t = wasm_externkind_enum::WASM_EXTERN_GLOBAL as u8;
pub(crate) const EXTERN_TABLE: wasm_externkind_t = wasm_externkind_enum::WASM_EXTERN_TABLE as u8;
pub(crate) const EXTERN_MEMORY: wasm_externkind_t = wasm_externkind_enum::WASM_EXTERN_MEMORY as u8;
pub(crate) const EXTERN_TAG: wasm_externkind_t = wasm_externkind_enum::WASM_EXTERN_TAG as u8;

const MUT_CONST: wasm_mutability_t = wasm_mutability_enum::WASM_CONST as u8;
const MUT_VAR: wasm_mutability_t = wasm_mutability_enum::WASM_VAR as u8;

pub(crate) fn valkind(ty: ValType) -> wasm_valkind_t {
    match ty {
        ValType::I32 => KIND_I32,
        ValType::I64 => KIND_I64,
        ValType::F32 => KIND_F32,
        ValType::F64 => KIND_F64,
        ValType::V128 => KIND_V128,
        ValType::ExternRef => KIND_EXTERNREF,
        ValType::FuncRef => KIND_FUNCREF,
    }
}

pub(crate) fn valtype_of_kind(kind: wasm_valkind_t) -> Option<ValType> {
    Some(match kind {
        KIND_I32 => ValType::I32,
        KIND_I64 => ValType::I64,
        KIND_F32 => ValType::F32,
        KIND_F64 => ValType::F64,
        KIND_V128 => ValType::V128,
        KIND_EXTERNREF => ValType::ExternRef,
        KIND_FUNCREF => ValType::FuncRef,
        _ => return None,
    })
}

fn limits(min: u32, max: Option<u32>) -> wasm_limits_t {
    wasm_limits_t {
        min,
        max: max.unwrap_or(LIMITS_MAX_DEFAULT),
    }
}

fn limits_max(l: &wasm_limits_t) -> Option<u32> {
    (l.max != LIMITS_MAX_DEFAULT).then_some(l.max)
}

// Value types

#[derive(Clone)]
pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

impl OwnedObject for wasm_valtype_t {
    unsafe fn copy_raw(this: *const Self) -> *mut Self {
        // SAFETY: `this` is a live valtype.
        into_raw(unsafe { (*this).clone() })
    }
}

fn new_valtype(ty: ValType) -> *mut wasm_valtype_t {
    into_raw(wasm_valtype_t { ty })
}

#[no_mangle]
pub extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> *mut wasm_valtype_t {
    guard(ptr::null_mut(), || match valtype_of_kind(kind) {
        Some(ty) => new_valtype(ty),
        None => ptr::null_mut(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_kind(t: *const wasm_valtype_t) -> wasm_valkind_t {
    // SAFETY: `t` is a live valtype.
    guard(0, || valkind(unsafe { (*t).ty }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_copy(t: *const wasm_valtype_t) -> *mut wasm_valtype_t {
    guard(ptr::null_mut(), || wasm_valtype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_delete(t: *mut wasm_valtype_t) {
    guard((), || drop_raw(t))
}

/// The valtypes of a runtime type list, as an owned C vector.
fn valtype_vec(types: &[ValType]) -> wasm_valtype_vec_t {
    wasm_valtype_vec_t::from_vec(types.iter().map(|&t| new_valtype(t)).collect())
}

/// The runtime types of a C vector; `None` when an element is null.
///
/// # Safety
/// `v` is a valid valtype vector.
unsafe fn valtypes_of(v: &wasm_valtype_vec_t) -> Option<Vec<ValType>> {
    // SAFETY: the elements are null or live valtypes.
    unsafe { v.as_slice() }
        .iter()
        .map(|&t| (!t.is_null()).then(|| unsafe { (*t).ty }))
        .collect()
}

// Extern types and their views

pub(crate) enum ExternTypeData {
    Func {
        params: wasm_valtype_vec_t,
        results: wasm_valtype_vec_t,
    },
    Global {
        content: wasm_valtype_t,
        mutability: wasm_mutability_t,
    },
    Table {
        element: wasm_valtype_t,
        limits: wasm_limits_t,
    },
    Memory {
        limits: wasm_limits_t,
        shared: bool,
    },
    Tag {
        functype: *mut wasm_functype_t,
    },
}

#[repr(C, align(8))]
pub struct wasm_externtype_t {
    pub(crate) data: ExternTypeData,
}

impl Drop for wasm_externtype_t {
    fn drop(&mut self) {
        match &mut self.data {
            ExternTypeData::Func { params, results } => {
                // SAFETY: the vectors are owned by this type.
                unsafe {
                    super::vec::wasm_valtype_vec_delete(params);
                    super::vec::wasm_valtype_vec_delete(results);
                }
            }
            // SAFETY: the tag's function type is owned by this type.
            ExternTypeData::Tag { functype } => unsafe { wasm_functype_delete(*functype) },
            _ => {}
        }
    }
}

impl wasm_externtype_t {
    pub(crate) fn kind(&self) -> wasm_externkind_t {
        match self.data {
            ExternTypeData::Func { .. } => EXTERN_FUNC,
            ExternTypeData::Global { .. } => EXTERN_GLOBAL,
            ExternTypeData::Table { .. } => EXTERN_TABLE,
            ExternTypeData::Memory { .. } => EXTERN_MEMORY,
            ExternTypeData::Tag { .. } => EXTERN_TAG,
        }
    }

    pub(crate) fn new_func(ty: &FuncType) -> *mut wasm_functype_t {
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Func {
                params: valtype_vec(&ty.params),
                results: valtype_vec(&ty.results),
            },
        })
        .cast()
    }

    pub(crate) fn new_global(ty: &GlobalType) -> *mut wasm_globaltype_t {
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Global {
                content: wasm_valtype_t { ty: ty.content },
                mutability: if ty.mutable { MUT_VAR } else { MUT_CONST },
            },
        })
        .cast()
    }

    pub(crate) fn new_table(ty: &TableType) -> *mut wasm_tabletype_t {
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Table {
                element: wasm_valtype_t { ty: ty.element },
                limits: limits(ty.min, ty.max),
            },
        })
        .cast()
    }

    pub(crate) fn new_memory(ty: &MemoryType) -> *mut wasm_memorytype_t {
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Memory {
                limits: limits(ty.min, ty.max),
                shared: ty.shared,
            },
        })
        .cast()
    }

    /// A new C extern type describing a runtime one.
    pub(crate) fn new_extern(ty: &ExternType) -> *mut wasm_externtype_t {
        match ty {
            ExternType::Func(f) => Self::new_func(f).cast(),
            ExternType::Global(g) => Self::new_global(g).cast(),
            ExternType::Table(t) => Self::new_table(t).cast(),
            ExternType::Memory(m) => Self::new_memory(m).cast(),
        }
    }

    /// The runtime type this describes; `None` for tag types (which the
    /// runtime does not support) and for malformed function types.
    pub(crate) fn to_rust(&self) -> Option<ExternType> {
        Some(match &self.data {
            ExternTypeData::Func { params, results } => {
                // SAFETY: the vectors are owned by this type and valid.
                let (p, r) = unsafe { (valtypes_of(params)?, valtypes_of(results)?) };
                ExternType::Func(FuncType::new(p, r))
            }
            ExternTypeData::Global {
                content,
                mutability,
            } => ExternType::Global(GlobalType {
                content: content.ty,
                mutable: *mutability == MUT_VAR,
            }),
            ExternTypeData::Table { element, limits } => ExternType::Table(TableType {
                element: element.ty,
                min: limits.min,
                max: limits_max(limits),
            }),
            ExternTypeData::Memory { limits, shared } => ExternType::Memory(MemoryType {
                min: limits.min,
                max: limits_max(limits),
                shared: *shared,
            }),
            ExternTypeData::Tag { .. } => return None,
        })
    }

    fn deep_copy(&self) -> *mut wasm_externtype_t {
        match &self.data {
            ExternTypeData::Tag { functype } => into_raw(wasm_externtype_t {
                data: ExternTypeData::Tag {
                    // SAFETY: the tag's function type is live.
                    functype: unsafe { wasm_functype_copy(*functype) },
                },
            }),
            ExternTypeData::Func { params, results } => {
                let copy = |v: &wasm_valtype_vec_t| {
                    let mut out = std::mem::MaybeUninit::uninit();
                    // SAFETY: `v` is valid; `out` is written by the call.
                    unsafe {
                        super::vec::wasm_valtype_vec_copy(out.as_mut_ptr(), v);
                        out.assume_init()
                    }
                };
                into_raw(wasm_externtype_t {
                    data: ExternTypeData::Func {
                        params: copy(params),
                        results: copy(results),
                    },
                })
            }
            _ => Self::new_extern(&self.to_rust().expect("non-tag types convert")),
        }
    }
}

impl OwnedObject for wasm_externtype_t {
    unsafe fn copy_raw(this: *const Self) -> *mut Self {
        // SAFETY: `this` is a live extern type.
        unsafe { (*this).deep_copy() }
    }
}

/// Implements a view of [`wasm_externtype_t`] of one kind: its owned-object
/// behaviour and the checked downcast. (The structs themselves are written
/// out, so that cbindgen sees them.)
macro_rules! externtype_view {
    ($view:ident, $kind:expr) => {
        const _: () = assert!(
            std::mem::size_of::<$view>() == std::mem::size_of::<wasm_externtype_t>()
                && std::mem::align_of::<$view>() == std::mem::align_of::<wasm_externtype_t>()
        );

        impl $view {
            /// The view of `ext` if it has this kind, else null.
            ///
            /// # Safety
            /// `ext` is null or a live extern type.
            pub(crate) unsafe fn from_ext(ext: *const wasm_externtype_t) -> *const $view {
                // SAFETY: a non-null `ext` is live.
                if ext.is_null() || unsafe { (*ext).kind() } != $kind {
                    ptr::null()
                } else {
                    ext.cast()
                }
            }

            pub(crate) fn data(&self) -> &ExternTypeData {
                &self.ext.data
            }
        }

        impl OwnedObject for $view {
            unsafe fn copy_raw(this: *const Self) -> *mut Self {
                // SAFETY: `this` is a live view; the copy has the same kind.
                unsafe { wasm_externtype_t::copy_raw(this.cast()) }.cast()
            }
            unsafe fn delete_raw(this: *mut Self) {
                // SAFETY: every view is allocated as a `wasm_externtype_t`.
                unsafe { drop_raw(this.cast::<wasm_externtype_t>()) }
            }
        }
    };
}

#[repr(C, align(8))]
pub struct wasm_functype_t {
    ext: wasm_externtype_t,
}

#[repr(C, align(8))]
pub struct wasm_globaltype_t {
    ext: wasm_externtype_t,
}

#[repr(C, align(8))]
pub struct wasm_tabletype_t {
    ext: wasm_externtype_t,
}

#[repr(C, align(8))]
pub struct wasm_memorytype_t {
    ext: wasm_externtype_t,
}

#[repr(C, align(8))]
pub struct wasm_tagtype_t {
    ext: wasm_externtype_t,
}

externtype_view!(wasm_functype_t, EXTERN_FUNC);
externtype_view!(wasm_globaltype_t, EXTERN_GLOBAL);
externtype_view!(wasm_tabletype_t, EXTERN_TABLE);
externtype_view!(wasm_memorytype_t, EXTERN_MEMORY);
externtype_view!(wasm_tagtype_t, EXTERN_TAG);

impl wasm_functype_t {
    pub(crate) fn to_rust(&self) -> Option<FuncType> {
        match self.ext.to_rust()? {
            ExternType::Func(f) => Some(f),
            _ => None,
        }
    }
}

impl wasm_globaltype_t {
    pub(crate) fn to_rust(&self) -> GlobalType {
        match self.ext.to_rust() {
            Some(ExternType::Global(g)) => g,
            _ => unreachable!("a globaltype view is a global type"),
        }
    }
}

impl wasm_tabletype_t {
    pub(crate) fn to_rust(&self) -> TableType {
        match self.ext.to_rust() {
            Some(ExternType::Table(t)) => t,
            _ => unreachable!("a tabletype view is a table type"),
        }
    }
}

impl wasm_memorytype_t {
    pub(crate) fn to_rust(&self) -> MemoryType {
        match self.ext.to_rust() {
            Some(ExternType::Memory(m)) => m,
            _ => unreachable!("a memorytype view is a memory type"),
        }
    }
}

// Function types

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || {
        // Ownership of both vectors passes to the new type.
        let take = |v: *mut wasm_valtype_vec_t| {
            if v.is_null() {
                wasm_valtype_vec_t::from_vec(Vec::new())
            } else {
                // SAFETY: `v` is an owned vector created by this library.
                wasm_valtype_vec_t::from_vec(unsafe { (*v).take() })
            }
        };
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Func {
                params: take(params),
                results: take(results),
            },
        })
        .cast()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_params(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    guard(ptr::null(), || match unsafe { (*t).data() } {
        ExternTypeData::Func { params, .. } => params as *const _,
        _ => ptr::null(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_results(
    t: *const wasm_functype_t,
) -> *const wasm_valtype_vec_t {
    guard(ptr::null(), || match unsafe { (*t).data() } {
        ExternTypeData::Func { results, .. } => results as *const _,
        _ => ptr::null(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_copy(t: *const wasm_functype_t) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || wasm_functype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_delete(t: *mut wasm_functype_t) {
    guard((), || wasm_functype_t::delete_raw(t))
}

// Global types

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: wasm_mutability_t,
) -> *mut wasm_globaltype_t {
    guard(ptr::null_mut(), || {
        if content.is_null() || (mutability != MUT_CONST && mutability != MUT_VAR) {
            drop_raw(content);
            return ptr::null_mut();
        }
        // SAFETY: `content` is an owned valtype; the new type takes it.
        let content = unsafe { Box::from_raw(content) };
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Global {
                content: *content,
                mutability,
            },
        })
        .cast()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_content(
    t: *const wasm_globaltype_t,
) -> *const wasm_valtype_t {
    guard(ptr::null(), || match unsafe { (*t).data() } {
        ExternTypeData::Global { content, .. } => content as *const _,
        _ => ptr::null(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_mutability(
    t: *const wasm_globaltype_t,
) -> wasm_mutability_t {
    guard(MUT_CONST, || match unsafe { (*t).data() } {
        ExternTypeData::Global { mutability, .. } => *mutability,
        _ => MUT_CONST,
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_copy(
    t: *const wasm_globaltype_t,
) -> *mut wasm_globaltype_t {
    guard(ptr::null_mut(), || wasm_globaltype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_delete(t: *mut wasm_globaltype_t) {
    guard((), || wasm_globaltype_t::delete_raw(t))
}

// Table types

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    guard(ptr::null_mut(), || {
        // SAFETY: a non-null `element` is an owned valtype.
        if element.is_null() || limits.is_null() || !unsafe { (*element).ty.is_ref() } {
            drop_raw(element);
            return ptr::null_mut();
        }
        // SAFETY: `element` is an owned valtype; the new type takes it.
        let element = unsafe { Box::from_raw(element) };
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Table {
                element: *element,
                // SAFETY: `limits` is non-null and valid.
                limits: unsafe { *limits },
            },
        })
        .cast()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_element(
    t: *const wasm_tabletype_t,
) -> *const wasm_valtype_t {
    guard(ptr::null(), || match unsafe { (*t).data() } {
        ExternTypeData::Table { element, .. } => element as *const _,
        _ => ptr::null(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_limits(t: *const wasm_tabletype_t) -> *const wasm_limits_t {
    guard(ptr::null(), || match unsafe { (*t).data() } {
        ExternTypeData::Table { limits, .. } => limits as *const _,
        _ => ptr::null(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_copy(t: *const wasm_tabletype_t) -> *mut wasm_tabletype_t {
    guard(ptr::null_mut(), || wasm_tabletype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_delete(t: *mut wasm_tabletype_t) {
    guard((), || wasm_tabletype_t::delete_raw(t))
}

// Memory types

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_new(
    limits: *const wasm_limits_t,
) -> *mut wasm_memorytype_t {
    guard(ptr::null_mut(), || {
        if limits.is_null() {
            return ptr::null_mut();
        }
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Memory {
                // SAFETY: `limits` is non-null and valid.
                limits: unsafe { *limits },
                shared: false,
            },
        })
        .cast()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_limits(
    t: *const wasm_memorytype_t,
) -> *const wasm_limits_t {
    guard(ptr::null(), || match unsafe { (*t).data() } {
        ExternTypeData::Memory { limits, .. } => limits as *const _,
        _ => ptr::null(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_copy(
    t: *const wasm_memorytype_t,
) -> *mut wasm_memorytype_t {
    guard(ptr::null_mut(), || wasm_memorytype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_delete(t: *mut wasm_memorytype_t) {
    guard((), || wasm_memorytype_t::delete_raw(t))
}

// Tag types (the runtime has no exception handling; these only describe)

#[no_mangle]
pub unsafe extern "C" fn wasm_tagtype_new(functype: *mut wasm_functype_t) -> *mut wasm_tagtype_t {
    guard(ptr::null_mut(), || {
        if functype.is_null() {
            return ptr::null_mut();
        }
        into_raw(wasm_externtype_t {
            data: ExternTypeData::Tag { functype },
        })
        .cast()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tagtype_functype(t: *const wasm_tagtype_t) -> *const wasm_functype_t {
    guard(ptr::null(), || match unsafe { (*t).data() } {
        ExternTypeData::Tag { functype } => *functype as *const _,
        _ => ptr::null(),
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tagtype_copy(t: *const wasm_tagtype_t) -> *mut wasm_tagtype_t {
    guard(ptr::null_mut(), || wasm_tagtype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tagtype_delete(t: *mut wasm_tagtype_t) {
    guard((), || wasm_tagtype_t::delete_raw(t))
}

// Extern types

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_kind(t: *const wasm_externtype_t) -> wasm_externkind_t {
    guard(EXTERN_FUNC, || unsafe { (*t).kind() })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_copy(
    t: *const wasm_externtype_t,
) -> *mut wasm_externtype_t {
    guard(ptr::null_mut(), || wasm_externtype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_delete(t: *mut wasm_externtype_t) {
    guard((), || drop_raw(t))
}

#[no_mangle]
pub extern "C" fn wasm_functype_as_externtype(t: *mut wasm_functype_t) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_as_externtype(
    t: *mut wasm_globaltype_t,
) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_as_externtype(t: *mut wasm_tabletype_t) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_as_externtype(
    t: *mut wasm_memorytype_t,
) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_tagtype_as_externtype(t: *mut wasm_tagtype_t) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_functype_as_externtype_const(
    t: *const wasm_functype_t,
) -> *const wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_as_externtype_const(
    t: *const wasm_globaltype_t,
) -> *const wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_as_externtype_const(
    t: *const wasm_tabletype_t,
) -> *const wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_as_externtype_const(
    t: *const wasm_memorytype_t,
) -> *const wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_tagtype_as_externtype_const(
    t: *const wasm_tagtype_t,
) -> *const wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_functype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || wasm_functype_t::from_ext(t).cast_mut())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_globaltype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_globaltype_t {
    guard(ptr::null_mut(), || {
        wasm_globaltype_t::from_ext(t).cast_mut()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_tabletype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_tabletype_t {
    guard(ptr::null_mut(), || wasm_tabletype_t::from_ext(t).cast_mut())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_memorytype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_memorytype_t {
    guard(ptr::null_mut(), || {
        wasm_memorytype_t::from_ext(t).cast_mut()
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_tagtype(
    t: *mut wasm_externtype_t,
) -> *mut wasm_tagtype_t {
    guard(ptr::null_mut(), || wasm_tagtype_t::from_ext(t).cast_mut())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_functype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_functype_t {
    guard(ptr::null(), || wasm_functype_t::from_ext(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_globaltype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_globaltype_t {
    guard(ptr::null(), || wasm_globaltype_t::from_ext(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_tabletype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_tabletype_t {
    guard(ptr::null(), || wasm_tabletype_t::from_ext(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_memorytype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_memorytype_t {
    guard(ptr::null(), || wasm_memorytype_t::from_ext(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_tagtype_const(
    t: *const wasm_externtype_t,
) -> *const wasm_tagtype_t {
    guard(ptr::null(), || wasm_tagtype_t::from_ext(t))
}

// Import types

pub struct wasm_importtype_t {
    module: wasm_name_t,
    name: wasm_name_t,
    ty: *mut wasm_externtype_t,
}

impl wasm_importtype_t {
    pub(crate) fn new(module: &str, name: &str, ty: &ExternType) -> *mut wasm_importtype_t {
        into_raw(wasm_importtype_t {
            module: wasm_name_t::from_bytes(module.as_bytes()),
            name: wasm_name_t::from_bytes(name.as_bytes()),
            ty: wasm_externtype_t::new_extern(ty),
        })
    }
}

impl Drop for wasm_importtype_t {
    fn drop(&mut self) {
        // SAFETY: the names and the type are owned by this import type.
        unsafe {
            super::vec::wasm_byte_vec_delete(&mut self.module);
            super::vec::wasm_byte_vec_delete(&mut self.name);
            drop_raw(self.ty);
        }
    }
}

impl OwnedObject for wasm_importtype_t {
    unsafe fn copy_raw(this: *const Self) -> *mut Self {
        // SAFETY: `this` is a live import type; its parts are valid.
        unsafe {
            let this = &*this;
            into_raw(wasm_importtype_t {
                module: wasm_name_t::from_bytes(this.module.bytes()),
                name: wasm_name_t::from_bytes(this.name.bytes()),
                ty: wasm_externtype_t::copy_raw(this.ty),
            })
        }
    }
}

/// Moves the content of an owned name the host passes in.
///
/// # Safety
/// `name` is null or an owned vector created by this library.
unsafe fn take_name(name: *mut wasm_name_t) -> wasm_name_t {
    if name.is_null() {
        wasm_name_t::from_vec(Vec::new())
    } else {
        // SAFETY: forwarded from the caller.
        wasm_name_t::from_vec(unsafe { (*name).take() })
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_name_t,
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    guard(ptr::null_mut(), || {
        into_raw(wasm_importtype_t {
            module: take_name(module),
            name: take_name(name),
            ty,
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_module(t: *const wasm_importtype_t) -> *const wasm_name_t {
    guard(ptr::null(), || unsafe { &(*t).module as *const _ })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_name(t: *const wasm_importtype_t) -> *const wasm_name_t {
    guard(ptr::null(), || unsafe { &(*t).name as *const _ })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_type(
    t: *const wasm_importtype_t,
) -> *const wasm_externtype_t {
    guard(ptr::null(), || unsafe { (*t).ty as *const _ })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_copy(
    t: *const wasm_importtype_t,
) -> *mut wasm_importtype_t {
    guard(ptr::null_mut(), || wasm_importtype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_delete(t: *mut wasm_importtype_t) {
    guard((), || drop_raw(t))
}

// Export types

pub struct wasm_exporttype_t {
    name: wasm_name_t,
    ty: *mut wasm_externtype_t,
}

impl wasm_exporttype_t {
    pub(crate) fn new(name: &str, ty: &ExternType) -> *mut wasm_exporttype_t {
        into_raw(wasm_exporttype_t {
            name: wasm_name_t::from_bytes(name.as_bytes()),
            ty: wasm_externtype_t::new_extern(ty),
        })
    }
}

impl Drop for wasm_exporttype_t {
    fn drop(&mut self) {
        // SAFETY: the name and the type are owned by this export type.
        unsafe {
            super::vec::wasm_byte_vec_delete(&mut self.name);
            drop_raw(self.ty);
        }
    }
}

impl OwnedObject for wasm_exporttype_t {
    unsafe fn copy_raw(this: *const Self) -> *mut Self {
        // SAFETY: `this` is a live export type; its parts are valid.
        unsafe {
            let this = &*this;
            into_raw(wasm_exporttype_t {
                name: wasm_name_t::from_bytes(this.name.bytes()),
                ty: wasm_externtype_t::copy_raw(this.ty),
            })
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    guard(ptr::null_mut(), || {
        into_raw(wasm_exporttype_t {
            name: take_name(name),
            ty,
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_name(t: *const wasm_exporttype_t) -> *const wasm_name_t {
    guard(ptr::null(), || unsafe { &(*t).name as *const _ })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_type(
    t: *const wasm_exporttype_t,
) -> *const wasm_externtype_t {
    guard(ptr::null(), || unsafe { (*t).ty as *const _ })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_copy(
    t: *const wasm_exporttype_t,
) -> *mut wasm_exporttype_t {
    guard(ptr::null_mut(), || wasm_exporttype_t::copy_raw(t))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_delete(t: *mut wasm_exporttype_t) {
    guard((), || drop_raw(t))
}
