//! Values (`wasm_val_t`) and their conversion to and from runtime values.
//!
//! A value of a reference kind owns its `wasm_ref_t` (null is the null
//! reference): `wasm_val_delete` and `wasm_val_vec_delete` release it.

use super::engine::wasm_store_t;
use super::ref_::{ref_of_val, val_of_ref, wasm_ref_t, RefObject};
use super::types::{
    valkind, wasm_valkind_t, KIND_EXTERNREF, KIND_F32, KIND_F64, KIND_FUNCREF, KIND_I32, KIND_I64,
};
use super::vec::{float32_t, float64_t, VecElem};
use super::NO_KIND;
use crate::{Store, Val, ValType};
use std::mem::MaybeUninit;
use std::ptr;

#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    pub i32: i32,
    pub i64: i64,
    pub f32: float32_t,
    pub f64: float64_t,
    pub r#ref: *mut wasm_ref_t,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_val_t {
    pub kind: wasm_valkind_t,
    pub of: wasm_val_union,
}

const _: () = assert!(std::mem::size_of::<wasm_val_t>() == 16);

impl wasm_val_t {
    pub(crate) fn is_ref(&self) -> bool {
        self.kind == KIND_EXTERNREF || self.kind == KIND_FUNCREF
    }

    /// The reference of a reference value.
    pub(crate) fn ref_ptr(&self) -> *mut wasm_ref_t {
        // SAFETY: reference values store a pointer in `of`.
        unsafe { self.of.r#ref }
    }

    /// The value written for nothing (see "Null pointers" in `mod.rs`): of
    /// no kind, all bits zero.
    pub(crate) fn none() -> wasm_val_t {
        wasm_val_t {
            kind: NO_KIND,
            of: wasm_val_union { i64: 0 },
        }
    }

    fn null_ref(kind: wasm_valkind_t) -> wasm_val_t {
        wasm_val_t {
            kind,
            of: wasm_val_union {
                r#ref: ptr::null_mut(),
            },
        }
    }

    /// The runtime value; `None` for an unknown kind or a reference that
    /// cannot be used in `store`.
    ///
    /// # Safety
    /// A reference value holds null or a live reference object.
    pub(crate) unsafe fn to_rust(self, store: &wasm_store_t) -> Option<Val> {
        // SAFETY: the kind says which union member is set.
        unsafe {
            Some(match self.kind {
                KIND_I32 => Val::I32(self.of.i32),
                KIND_I64 => Val::I64(self.of.i64),
                KIND_F32 => Val::F32(self.of.f32.to_bits()),
                KIND_F64 => Val::F64(self.of.f64.to_bits()),
                KIND_FUNCREF => return val_of_ref(store, self.of.r#ref, true),
                KIND_EXTERNREF => return val_of_ref(store, self.of.r#ref, false),
                _ => return None,
            })
        }
    }

    /// A C value owning new references; `None` for v128 values, which
    /// `wasm_val_t` cannot hold.
    pub(crate) fn from_rust(store: *mut wasm_store_t, rt: &Store, v: &Val) -> Option<wasm_val_t> {
        let of = match *v {
            Val::I32(i) => wasm_val_union { i32: i },
            Val::I64(i) => wasm_val_union { i64: i },
            Val::F32(bits) => wasm_val_union {
                f32: f32::from_bits(bits),
            },
            Val::F64(bits) => wasm_val_union {
                f64: f64::from_bits(bits),
            },
            Val::V128(_) => return None,
            Val::FuncRef(_) | Val::ExternRef(_) => wasm_val_union {
                r#ref: ref_of_val(store, v, rt),
            },
        };
        Some(wasm_val_t {
            kind: valkind(v.ty()),
            of,
        })
    }

    /// Whether the value has type `ty`.
    pub(crate) fn has_type(&self, ty: ValType) -> bool {
        self.kind == valkind(ty)
    }

    /// The name of the value's kind, for error messages.
    pub(crate) fn kind_name(&self) -> String {
        use super::types::{
            KIND_EXTERNREF, KIND_F32, KIND_F64, KIND_FUNCREF, KIND_I32, KIND_I64, KIND_V128,
        };
        match self.kind {
            KIND_I32 => "i32".into(),
            KIND_I64 => "i64".into(),
            KIND_F32 => "f32".into(),
            KIND_F64 => "f64".into(),
            KIND_V128 => "v128".into(),
            KIND_EXTERNREF => "externref".into(),
            KIND_FUNCREF => "funcref".into(),
            k => format!("an unknown kind ({k})"),
        }
    }
}

impl VecElem for wasm_val_t {
    fn empty() -> Self {
        wasm_val_t::null_ref(KIND_EXTERNREF)
    }

    unsafe fn copy_elem(&self) -> Self {
        if self.is_ref() && !self.ref_ptr().is_null() {
            // SAFETY: a non-null reference of a value is live.
            let r = unsafe { (*self.ref_ptr()).copy() };
            wasm_val_t {
                kind: self.kind,
                of: wasm_val_union { r#ref: r },
            }
        } else {
            *self
        }
    }

    unsafe fn drop_elem(&mut self) {
        if self.is_ref() {
            // SAFETY: the value owns its reference.
            unsafe { wasm_ref_t::delete(self.ref_ptr()) };
            *self = wasm_val_t::null_ref(self.kind);
        }
    }
}

/// Releases the reference a value owns; null does nothing.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_delete(v: Option<&mut wasm_val_t>) {
    if let Some(v) = v {
        // SAFETY: `v` is an owned value.
        unsafe { v.drop_elem() }
    }
}

/// Writes a copy of `v` (with a new reference for a reference value); for a
/// null `v`, a value of kind 0xff (no kind at all) and zero bits.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_copy(
    out: Option<&mut MaybeUninit<wasm_val_t>>,
    v: Option<&wasm_val_t>,
) {
    if let Some(out) = out {
        // SAFETY: `v` is null or a valid value.
        out.write(v.map_or_else(wasm_val_t::none, |v| unsafe { v.copy_elem() }));
    }
}
