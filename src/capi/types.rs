//! Type representations: value, function, global, table, memory, tag and
//! extern types, and import/export types.
//!
//! Every type that `wasm_X_as_externtype` can view is one allocation of
//! [`wasm_externtype_t`]; `wasm_functype_t` and its siblings are the same
//! object seen through a narrower type, so the conversions are casts and any
//! of the views can be deleted.

use super::vec::{wasm_name_t, wasm_valtype_vec_t, CVec, OwnedObject};
use super::{guard, into_raw, NO_KIND};
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
    fn copy_raw(&self) -> *mut Self {
        into_raw(self.clone())
    }
}

fn new_valtype(ty: ValType) -> *mut wasm_valtype_t {
    into_raw(wasm_valtype_t { ty })
}

/// A new value type; null for a kind that is not one.
#[no_mangle]
pub extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> *mut wasm_valtype_t {
    guard(ptr::null_mut(), || match valtype_of_kind(kind) {
        Some(ty) => new_valtype(ty),
        None => ptr::null_mut(),
    })
}

/// The kind; 0xff (no kind at all) for null.
#[no_mangle]
pub extern "C" fn wasm_valtype_kind(t: Option<&wasm_valtype_t>) -> wasm_valkind_t {
    t.map_or(NO_KIND, |t| valkind(t.ty))
}

#[no_mangle]
pub extern "C" fn wasm_valtype_copy(t: Option<&wasm_valtype_t>) -> *mut wasm_valtype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_valtype_delete(t: Option<Box<wasm_valtype_t>>) {
    drop(t)
}

/// `wasm_X_copy`: a new owned copy; null for null.
fn copy_of<T: OwnedObject>(t: Option<&T>) -> *mut T {
    t.map_or(ptr::null_mut(), T::copy_raw)
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
        functype: Box<wasm_functype_t>,
    },
}

#[repr(C, align(8))]
pub struct wasm_externtype_t {
    pub(crate) data: ExternTypeData,
}

impl Drop for wasm_externtype_t {
    fn drop(&mut self) {
        if let ExternTypeData::Func { params, results } = &mut self.data {
            // SAFETY: the vectors are owned by this type.
            unsafe {
                super::vec::wasm_valtype_vec_delete(Some(params));
                super::vec::wasm_valtype_vec_delete(Some(results));
            }
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

    fn func(ty: &FuncType) -> wasm_externtype_t {
        wasm_externtype_t {
            data: ExternTypeData::Func {
                params: valtype_vec(&ty.params),
                results: valtype_vec(&ty.results),
            },
        }
    }

    pub(crate) fn new_func(ty: &FuncType) -> *mut wasm_functype_t {
        into_raw(Self::func(ty)).cast()
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

    fn deep_copy(&self) -> wasm_externtype_t {
        let data = match &self.data {
            ExternTypeData::Func { params, results } => ExternTypeData::Func {
                // SAFETY: the vectors are owned by this type and valid.
                params: unsafe { params.deep_copy() },
                results: unsafe { results.deep_copy() },
            },
            ExternTypeData::Global {
                content,
                mutability,
            } => ExternTypeData::Global {
                content: content.clone(),
                mutability: *mutability,
            },
            ExternTypeData::Table { element, limits } => ExternTypeData::Table {
                element: element.clone(),
                limits: *limits,
            },
            ExternTypeData::Memory { limits, shared } => ExternTypeData::Memory {
                limits: *limits,
                shared: *shared,
            },
            ExternTypeData::Tag { functype } => ExternTypeData::Tag {
                functype: Box::new(wasm_functype_t {
                    ext: functype.ext.deep_copy(),
                }),
            },
        };
        wasm_externtype_t { data }
    }
}

impl OwnedObject for wasm_externtype_t {
    fn copy_raw(&self) -> *mut Self {
        into_raw(self.deep_copy())
    }
}

/// Implements a view of [`wasm_externtype_t`] of one kind: its owned-object
/// behaviour and the checked downcasts. (The structs themselves are written
/// out, so that cbindgen sees them.) A view is a `repr(C)` wrapper of the
/// extern type with its layout, so a `Box` of a view frees the object.
macro_rules! externtype_view {
    ($view:ident, $kind:expr) => {
        const _: () = assert!(
            std::mem::size_of::<$view>() == std::mem::size_of::<wasm_externtype_t>()
                && std::mem::align_of::<$view>() == std::mem::align_of::<wasm_externtype_t>()
        );

        impl $view {
            /// The view of `ext` if it has this kind.
            pub(crate) fn from_ext(ext: &wasm_externtype_t) -> Option<&$view> {
                // SAFETY: a view is a `repr(C)` wrapper of the extern type.
                (ext.kind() == $kind).then(|| unsafe { &*ptr::from_ref(ext).cast::<$view>() })
            }

            /// The view of `ext` if it has this kind, mutably.
            pub(crate) fn from_ext_mut(ext: &mut wasm_externtype_t) -> Option<&mut $view> {
                // SAFETY: a view is a `repr(C)` wrapper of the extern type.
                (ext.kind() == $kind).then(|| unsafe { &mut *ptr::from_mut(ext).cast::<$view>() })
            }

            pub(crate) fn data(&self) -> &ExternTypeData {
                &self.ext.data
            }
        }

        impl OwnedObject for $view {
            fn copy_raw(&self) -> *mut Self {
                // The copy has the same kind.
                self.ext.copy_raw().cast()
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

/// Boxes a new extern type as the view `V` of its kind.
fn new_view<V>(data: ExternTypeData) -> *mut V {
    into_raw(wasm_externtype_t { data }).cast()
}

/// Takes the elements out of an owned vector the host passes in (null is
/// the empty vector), leaving it empty.
///
/// # Safety
/// `v` is null or an owned vector created by this library.
unsafe fn take_vec<V: CVec>(v: Option<&mut V>) -> V {
    // SAFETY: forwarded from the caller.
    V::from_vec(v.map_or_else(Vec::new, |v| unsafe { v.take() }))
}

// Function types

/// Takes both vectors (null is empty).
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_new(
    params: Option<&mut wasm_valtype_vec_t>,
    results: Option<&mut wasm_valtype_vec_t>,
) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || {
        // SAFETY: the vectors are null or owned vectors created by us.
        let (params, results) = unsafe { (take_vec(params), take_vec(results)) };
        new_view(ExternTypeData::Func { params, results })
    })
}

#[no_mangle]
pub extern "C" fn wasm_functype_params(t: Option<&wasm_functype_t>) -> Option<&wasm_valtype_vec_t> {
    match t?.data() {
        ExternTypeData::Func { params, .. } => Some(params),
        _ => unreachable!("a functype view is a function type"),
    }
}

#[no_mangle]
pub extern "C" fn wasm_functype_results(
    t: Option<&wasm_functype_t>,
) -> Option<&wasm_valtype_vec_t> {
    match t?.data() {
        ExternTypeData::Func { results, .. } => Some(results),
        _ => unreachable!("a functype view is a function type"),
    }
}

#[no_mangle]
pub extern "C" fn wasm_functype_copy(t: Option<&wasm_functype_t>) -> *mut wasm_functype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_functype_delete(t: Option<Box<wasm_functype_t>>) {
    drop(t)
}

// Global types

/// Takes `content`; null when it is null or `mutability` is not one.
#[no_mangle]
pub extern "C" fn wasm_globaltype_new(
    content: Option<Box<wasm_valtype_t>>,
    mutability: wasm_mutability_t,
) -> *mut wasm_globaltype_t {
    guard(ptr::null_mut(), || match content {
        Some(content) if mutability == MUT_CONST || mutability == MUT_VAR => {
            new_view(ExternTypeData::Global {
                content: *content,
                mutability,
            })
        }
        _ => ptr::null_mut(),
    })
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_content(
    t: Option<&wasm_globaltype_t>,
) -> Option<&wasm_valtype_t> {
    match t?.data() {
        ExternTypeData::Global { content, .. } => Some(content),
        _ => unreachable!("a globaltype view is a global type"),
    }
}

/// The mutability; 0xff (neither constant nor variable) for null.
#[no_mangle]
pub extern "C" fn wasm_globaltype_mutability(t: Option<&wasm_globaltype_t>) -> wasm_mutability_t {
    match t.map(wasm_globaltype_t::data) {
        Some(ExternTypeData::Global { mutability, .. }) => *mutability,
        Some(_) => unreachable!("a globaltype view is a global type"),
        None => NO_KIND,
    }
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_copy(t: Option<&wasm_globaltype_t>) -> *mut wasm_globaltype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_delete(t: Option<Box<wasm_globaltype_t>>) {
    drop(t)
}

// Table types

/// Takes `element`; null when it or `limits` is null, or it is not a
/// reference type.
#[no_mangle]
pub extern "C" fn wasm_tabletype_new(
    element: Option<Box<wasm_valtype_t>>,
    limits: Option<&wasm_limits_t>,
) -> *mut wasm_tabletype_t {
    guard(ptr::null_mut(), || match (element, limits) {
        (Some(element), Some(limits)) if element.ty.is_ref() => new_view(ExternTypeData::Table {
            element: *element,
            limits: *limits,
        }),
        _ => ptr::null_mut(),
    })
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_element(t: Option<&wasm_tabletype_t>) -> Option<&wasm_valtype_t> {
    match t?.data() {
        ExternTypeData::Table { element, .. } => Some(element),
        _ => unreachable!("a tabletype view is a table type"),
    }
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_limits(t: Option<&wasm_tabletype_t>) -> Option<&wasm_limits_t> {
    match t?.data() {
        ExternTypeData::Table { limits, .. } => Some(limits),
        _ => unreachable!("a tabletype view is a table type"),
    }
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_copy(t: Option<&wasm_tabletype_t>) -> *mut wasm_tabletype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_delete(t: Option<Box<wasm_tabletype_t>>) {
    drop(t)
}

// Memory types

#[no_mangle]
pub extern "C" fn wasm_memorytype_new(limits: Option<&wasm_limits_t>) -> *mut wasm_memorytype_t {
    guard(ptr::null_mut(), || match limits {
        Some(limits) => new_view(ExternTypeData::Memory {
            limits: *limits,
            shared: false,
        }),
        None => ptr::null_mut(),
    })
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_limits(t: Option<&wasm_memorytype_t>) -> Option<&wasm_limits_t> {
    match t?.data() {
        ExternTypeData::Memory { limits, .. } => Some(limits),
        _ => unreachable!("a memorytype view is a memory type"),
    }
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_copy(t: Option<&wasm_memorytype_t>) -> *mut wasm_memorytype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_delete(t: Option<Box<wasm_memorytype_t>>) {
    drop(t)
}

// Tag types (the runtime has no exception handling; these only describe)

/// Takes `functype`; null when it is null.
#[no_mangle]
pub extern "C" fn wasm_tagtype_new(functype: Option<Box<wasm_functype_t>>) -> *mut wasm_tagtype_t {
    guard(ptr::null_mut(), || match functype {
        Some(functype) => new_view(ExternTypeData::Tag { functype }),
        None => ptr::null_mut(),
    })
}

#[no_mangle]
pub extern "C" fn wasm_tagtype_functype(t: Option<&wasm_tagtype_t>) -> Option<&wasm_functype_t> {
    match t?.data() {
        ExternTypeData::Tag { functype } => Some(functype),
        _ => unreachable!("a tagtype view is a tag type"),
    }
}

#[no_mangle]
pub extern "C" fn wasm_tagtype_copy(t: Option<&wasm_tagtype_t>) -> *mut wasm_tagtype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_tagtype_delete(t: Option<Box<wasm_tagtype_t>>) {
    drop(t)
}

// Extern types

/// The kind; 0xff (no kind at all) for null.
#[no_mangle]
pub extern "C" fn wasm_externtype_kind(t: Option<&wasm_externtype_t>) -> wasm_externkind_t {
    t.map_or(NO_KIND, wasm_externtype_t::kind)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_copy(t: Option<&wasm_externtype_t>) -> *mut wasm_externtype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_externtype_delete(t: Option<Box<wasm_externtype_t>>) {
    drop(t)
}

#[no_mangle]
pub extern "C" fn wasm_functype_as_externtype(
    t: Option<&mut wasm_functype_t>,
) -> Option<&mut wasm_externtype_t> {
    t.map(|t| &mut t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_as_externtype(
    t: Option<&mut wasm_globaltype_t>,
) -> Option<&mut wasm_externtype_t> {
    t.map(|t| &mut t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_as_externtype(
    t: Option<&mut wasm_tabletype_t>,
) -> Option<&mut wasm_externtype_t> {
    t.map(|t| &mut t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_as_externtype(
    t: Option<&mut wasm_memorytype_t>,
) -> Option<&mut wasm_externtype_t> {
    t.map(|t| &mut t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_tagtype_as_externtype(
    t: Option<&mut wasm_tagtype_t>,
) -> Option<&mut wasm_externtype_t> {
    t.map(|t| &mut t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_functype_as_externtype_const(
    t: Option<&wasm_functype_t>,
) -> Option<&wasm_externtype_t> {
    t.map(|t| &t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_as_externtype_const(
    t: Option<&wasm_globaltype_t>,
) -> Option<&wasm_externtype_t> {
    t.map(|t| &t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_as_externtype_const(
    t: Option<&wasm_tabletype_t>,
) -> Option<&wasm_externtype_t> {
    t.map(|t| &t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_as_externtype_const(
    t: Option<&wasm_memorytype_t>,
) -> Option<&wasm_externtype_t> {
    t.map(|t| &t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_tagtype_as_externtype_const(
    t: Option<&wasm_tagtype_t>,
) -> Option<&wasm_externtype_t> {
    t.map(|t| &t.ext)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_functype(
    t: Option<&mut wasm_externtype_t>,
) -> Option<&mut wasm_functype_t> {
    t.and_then(wasm_functype_t::from_ext_mut)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_globaltype(
    t: Option<&mut wasm_externtype_t>,
) -> Option<&mut wasm_globaltype_t> {
    t.and_then(wasm_globaltype_t::from_ext_mut)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_tabletype(
    t: Option<&mut wasm_externtype_t>,
) -> Option<&mut wasm_tabletype_t> {
    t.and_then(wasm_tabletype_t::from_ext_mut)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_memorytype(
    t: Option<&mut wasm_externtype_t>,
) -> Option<&mut wasm_memorytype_t> {
    t.and_then(wasm_memorytype_t::from_ext_mut)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_tagtype(
    t: Option<&mut wasm_externtype_t>,
) -> Option<&mut wasm_tagtype_t> {
    t.and_then(wasm_tagtype_t::from_ext_mut)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_functype_const(
    t: Option<&wasm_externtype_t>,
) -> Option<&wasm_functype_t> {
    t.and_then(wasm_functype_t::from_ext)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_globaltype_const(
    t: Option<&wasm_externtype_t>,
) -> Option<&wasm_globaltype_t> {
    t.and_then(wasm_globaltype_t::from_ext)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_tabletype_const(
    t: Option<&wasm_externtype_t>,
) -> Option<&wasm_tabletype_t> {
    t.and_then(wasm_tabletype_t::from_ext)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_memorytype_const(
    t: Option<&wasm_externtype_t>,
) -> Option<&wasm_memorytype_t> {
    t.and_then(wasm_memorytype_t::from_ext)
}

#[no_mangle]
pub extern "C" fn wasm_externtype_as_tagtype_const(
    t: Option<&wasm_externtype_t>,
) -> Option<&wasm_tagtype_t> {
    t.and_then(wasm_tagtype_t::from_ext)
}

// Import types

pub struct wasm_importtype_t {
    module: wasm_name_t,
    name: wasm_name_t,
    ty: Box<wasm_externtype_t>,
}

impl wasm_importtype_t {
    pub(crate) fn new(module: &str, name: &str, ty: &ExternType) -> *mut wasm_importtype_t {
        into_raw(wasm_importtype_t {
            module: wasm_name_t::from_bytes(module.as_bytes()),
            name: wasm_name_t::from_bytes(name.as_bytes()),
            // SAFETY: `new_extern` returns a new owned box.
            ty: unsafe { Box::from_raw(wasm_externtype_t::new_extern(ty)) },
        })
    }
}

impl Drop for wasm_importtype_t {
    fn drop(&mut self) {
        // SAFETY: the names are owned by this import type.
        unsafe {
            super::vec::wasm_byte_vec_delete(Some(&mut self.module));
            super::vec::wasm_byte_vec_delete(Some(&mut self.name));
        }
    }
}

impl OwnedObject for wasm_importtype_t {
    fn copy_raw(&self) -> *mut Self {
        // SAFETY: the names are valid vectors.
        let (module, name) = unsafe { (self.module.deep_copy(), self.name.deep_copy()) };
        into_raw(wasm_importtype_t {
            module,
            name,
            ty: Box::new(self.ty.deep_copy()),
        })
    }
}

/// Releases an owned name the host passed in.
fn delete_name(mut name: wasm_name_t) {
    // SAFETY: `name` owns its buffer (see `take_vec`).
    unsafe { super::vec::wasm_byte_vec_delete(Some(&mut name)) }
}

/// Takes the names and the type; null when the type is null.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_new(
    module: Option<&mut wasm_name_t>,
    name: Option<&mut wasm_name_t>,
    ty: Option<Box<wasm_externtype_t>>,
) -> *mut wasm_importtype_t {
    guard(ptr::null_mut(), || {
        // SAFETY: the names are null or owned vectors created by us.
        let (module, name) = unsafe { (take_vec(module), take_vec(name)) };
        match ty {
            Some(ty) => into_raw(wasm_importtype_t { module, name, ty }),
            None => {
                delete_name(module);
                delete_name(name);
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn wasm_importtype_module(t: Option<&wasm_importtype_t>) -> Option<&wasm_name_t> {
    t.map(|t| &t.module)
}

#[no_mangle]
pub extern "C" fn wasm_importtype_name(t: Option<&wasm_importtype_t>) -> Option<&wasm_name_t> {
    t.map(|t| &t.name)
}

#[no_mangle]
pub extern "C" fn wasm_importtype_type(
    t: Option<&wasm_importtype_t>,
) -> Option<&wasm_externtype_t> {
    t.map(|t| &*t.ty)
}

#[no_mangle]
pub extern "C" fn wasm_importtype_copy(t: Option<&wasm_importtype_t>) -> *mut wasm_importtype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_importtype_delete(t: Option<Box<wasm_importtype_t>>) {
    drop(t)
}

// Export types

pub struct wasm_exporttype_t {
    name: wasm_name_t,
    ty: Box<wasm_externtype_t>,
}

impl wasm_exporttype_t {
    pub(crate) fn new(name: &str, ty: &ExternType) -> *mut wasm_exporttype_t {
        into_raw(wasm_exporttype_t {
            name: wasm_name_t::from_bytes(name.as_bytes()),
            // SAFETY: `new_extern` returns a new owned box.
            ty: unsafe { Box::from_raw(wasm_externtype_t::new_extern(ty)) },
        })
    }
}

impl Drop for wasm_exporttype_t {
    fn drop(&mut self) {
        // SAFETY: the name is owned by this export type.
        unsafe { super::vec::wasm_byte_vec_delete(Some(&mut self.name)) }
    }
}

impl OwnedObject for wasm_exporttype_t {
    fn copy_raw(&self) -> *mut Self {
        into_raw(wasm_exporttype_t {
            // SAFETY: the name is a valid vector.
            name: unsafe { self.name.deep_copy() },
            ty: Box::new(self.ty.deep_copy()),
        })
    }
}

/// Takes the name and the type; null when the type is null.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: Option<&mut wasm_name_t>,
    ty: Option<Box<wasm_externtype_t>>,
) -> *mut wasm_exporttype_t {
    guard(ptr::null_mut(), || {
        // SAFETY: the name is null or an owned vector created by us.
        let name = unsafe { take_vec(name) };
        match ty {
            Some(ty) => into_raw(wasm_exporttype_t { name, ty }),
            None => {
                delete_name(name);
                ptr::null_mut()
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn wasm_exporttype_name(t: Option<&wasm_exporttype_t>) -> Option<&wasm_name_t> {
    t.map(|t| &t.name)
}

#[no_mangle]
pub extern "C" fn wasm_exporttype_type(
    t: Option<&wasm_exporttype_t>,
) -> Option<&wasm_externtype_t> {
    t.map(|t| &*t.ty)
}

#[no_mangle]
pub extern "C" fn wasm_exporttype_copy(t: Option<&wasm_exporttype_t>) -> *mut wasm_exporttype_t {
    guard(ptr::null_mut(), || copy_of(t))
}

#[no_mangle]
pub extern "C" fn wasm_exporttype_delete(t: Option<Box<wasm_exporttype_t>>) {
    drop(t)
}
