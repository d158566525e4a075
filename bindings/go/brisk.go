// Package brisk runs WebAssembly through libbrisk's standard C API (cgo).
//
// Engines compile, stores own what runs, modules are compiled code,
// instances are modules linked with their imports. Numbers cross the
// boundary (i32, i64, f32, f64); host functions are Go functions; traps are
// errors of type *Trap. WASI programs run through wasi.h: a WasiConfig says
// what a program sees, a Wasi instantiates and runs it (RunWasi in one call).
//
// The build finds wasm.h in the repository's include/ and links libbrisk
// from target/release; set CGO_CFLAGS / CGO_LDFLAGS to use another one.
package brisk

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../target/release -lbrisk -lpthread -ldl -lm
#include <stdlib.h>
#include "wasm.h"
#include "wasi.h"

extern wasm_trap_t* briskGoHostCall(void*, wasm_val_vec_t*, wasm_val_vec_t*);
extern void briskGoFinalize(void*);

static wasm_trap_t* brisk_go_callback(void* env, const wasm_val_vec_t* args,
                                      wasm_val_vec_t* results) {
  return briskGoHostCall(env, (wasm_val_vec_t*)args, results);
}

static wasm_func_t* brisk_go_func_new(wasm_store_t* store, const wasm_functype_t* type,
                                      void* env) {
  return wasm_func_new_with_env(store, type, brisk_go_callback, env, briskGoFinalize);
}

static wasm_val_t* brisk_go_val_at(wasm_val_t* vals, size_t i) { return &vals[i]; }
*/
import "C"

import (
	"errors"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// ValKind is the kind of a value (wasm_valkind_t).
type ValKind uint8

const (
	KindI32 ValKind = C.WASM_I32
	KindI64 ValKind = C.WASM_I64
	KindF32 ValKind = C.WASM_F32
	KindF64 ValKind = C.WASM_F64
)

// Value is a number crossing the boundary.
type Value struct {
	Kind ValKind
	bits uint64
}

func I32(v int32) Value      { return Value{KindI32, uint64(uint32(v))} }
func I64(v int64) Value      { return Value{KindI64, uint64(v)} }
func F32(v float32) Value    { return Value{KindF32, uint64(*(*uint32)(unsafe.Pointer(&v)))} }
func F64(v float64) Value    { return Value{KindF64, *(*uint64)(unsafe.Pointer(&v))} }
func (v Value) I32() int32   { return int32(uint32(v.bits)) }
func (v Value) I64() int64   { return int64(v.bits) }
func (v Value) F32() float32 { b := uint32(v.bits); return *(*float32)(unsafe.Pointer(&b)) }
func (v Value) F64() float64 { b := v.bits; return *(*float64)(unsafe.Pointer(&b)) }

func fromC(v *C.wasm_val_t) Value {
	p := unsafe.Pointer(&v.of)
	switch ValKind(v.kind) {
	case KindI32:
		return I32(*(*int32)(p))
	case KindI64:
		return I64(*(*int64)(p))
	case KindF32:
		return F32(*(*float32)(p))
	case KindF64:
		return F64(*(*float64)(p))
	}
	return Value{Kind: ValKind(v.kind)}
}

func toC(v Value, out *C.wasm_val_t) {
	out.kind = C.wasm_valkind_t(v.Kind)
	p := unsafe.Pointer(&out.of)
	if v.Kind == KindI32 || v.Kind == KindF32 {
		*(*uint32)(p) = uint32(v.bits)
	} else {
		*(*uint64)(p) = v.bits
	}
}

// Trap is a WebAssembly trap, raised by wasm code or by a host function.
type Trap struct{ Message string }

func (t *Trap) Error() string { return t.Message }

// takeTrap converts and deletes an owned C trap.
func takeTrap(trap *C.wasm_trap_t) *Trap {
	var msg C.wasm_message_t
	C.wasm_trap_message(trap, &msg)
	text := C.GoStringN(msg.data, C.int(msg.size))
	if len(text) > 0 && text[len(text)-1] == 0 {
		text = text[:len(text)-1]
	}
	C.wasm_byte_vec_delete(&msg)
	C.wasm_trap_delete(trap)
	return &Trap{text}
}

func newTrap(store *C.wasm_store_t, message string) *C.wasm_trap_t {
	var msg C.wasm_message_t
	cs := C.CString(message)
	defer C.free(unsafe.Pointer(cs))
	C.wasm_byte_vec_new(&msg, C.size_t(len(message)+1), cs)
	trap := C.wasm_trap_new(store, &msg)
	C.wasm_byte_vec_delete(&msg)
	return trap
}

// Engine compiles modules; share one between stores and goroutines.
type Engine struct{ ptr *C.wasm_engine_t }

func NewEngine() *Engine {
	e := &Engine{C.wasm_engine_new()}
	runtime.SetFinalizer(e, func(e *Engine) { C.wasm_engine_delete(e.ptr) })
	return e
}

// Store owns everything created in it. Use it from one goroutine at a time,
// and Close it when done (its objects go with it).
type Store struct {
	engine *Engine
	ptr    *C.wasm_store_t
	// The WASI environments made in the store, deleted with it (not by a
	// finalizer: their state is the store's, used by one thread at a time).
	wasis []*C.wasi_env_t
}

func NewStore(engine *Engine) *Store {
	return &Store{engine: engine, ptr: C.wasm_store_new(engine.ptr)}
}

// Close deletes the store and everything in it.
func (s *Store) Close() {
	if s.ptr != nil {
		for _, w := range s.wasis {
			C.wasi_env_delete(w)
		}
		s.wasis = nil
		C.wasm_store_delete(s.ptr)
		s.ptr = nil
	}
	runtime.KeepAlive(s.engine)
}

func byteVec(data []byte) C.wasm_byte_vec_t {
	var vec C.wasm_byte_vec_t
	C.wasm_byte_vec_new_uninitialized(&vec, C.size_t(len(data)))
	if len(data) > 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(vec.data)), len(data)), data)
	}
	return vec
}

// Module is compiled code.
type Module struct {
	ptr   *C.wasm_module_t
	store *Store
}

// NewModule compiles a binary module.
func NewModule(store *Store, wasm []byte) (*Module, error) {
	vec := byteVec(wasm)
	defer C.wasm_byte_vec_delete(&vec)
	ptr := C.wasm_module_new(store.ptr, &vec)
	if ptr == nil {
		return nil, errors.New("brisk: invalid WebAssembly module")
	}
	m := &Module{ptr, store}
	runtime.SetFinalizer(m, func(m *Module) { C.wasm_module_delete(m.ptr) })
	return m, nil
}

// Validate says whether the bytes are a valid module.
func Validate(store *Store, wasm []byte) bool {
	vec := byteVec(wasm)
	defer C.wasm_byte_vec_delete(&vec)
	return bool(C.wasm_module_validate(store.ptr, &vec))
}

// ExportNames are the module's export names, in order.
func (m *Module) ExportNames() []string {
	var vec C.wasm_exporttype_vec_t
	C.wasm_module_exports(m.ptr, &vec)
	defer C.wasm_exporttype_vec_delete(&vec)
	names := make([]string, int(vec.size))
	for i, t := range unsafe.Slice(vec.data, int(vec.size)) {
		name := C.wasm_exporttype_name(t)
		names[i] = C.GoStringN(name.data, C.int(name.size))
	}
	return names
}

type hostFunc struct {
	store   *C.wasm_store_t
	results []ValKind
	fn      func([]Value) ([]Value, error)
}

// Func is a function of a store: exported by an instance or made by NewFunc.
type Func struct {
	ptr     *C.wasm_func_t
	store   *Store
	params  []ValKind
	results []ValKind
}

func valtypes(kinds []ValKind) C.wasm_valtype_vec_t {
	var vec C.wasm_valtype_vec_t
	C.wasm_valtype_vec_new_uninitialized(&vec, C.size_t(len(kinds)))
	if len(kinds) > 0 {
		types := unsafe.Slice(vec.data, len(kinds))
		for i, k := range kinds {
			types[i] = C.wasm_valtype_new(C.wasm_valkind_t(k))
		}
	}
	return vec
}

func kinds(vec *C.wasm_valtype_vec_t) []ValKind {
	out := make([]ValKind, int(vec.size))
	for i, t := range unsafe.Slice(vec.data, int(vec.size)) {
		out[i] = ValKind(C.wasm_valtype_kind(t))
	}
	return out
}

func newFunc(store *Store, ptr *C.wasm_func_t) *Func {
	ty := C.wasm_func_type(ptr)
	defer C.wasm_functype_delete(ty)
	f := &Func{ptr, store, kinds(C.wasm_functype_params(ty)), kinds(C.wasm_functype_results(ty))}
	runtime.SetFinalizer(f, func(f *Func) { C.wasm_func_delete(f.ptr) })
	return f
}

// NewFunc makes a host function of the given type; an error it returns, or
// a panic, becomes a trap in the wasm code that called it.
func NewFunc(store *Store, params, results []ValKind, fn func([]Value) ([]Value, error)) *Func {
	p, r := valtypes(params), valtypes(results)
	ty := C.wasm_functype_new(&p, &r)
	defer C.wasm_functype_delete(ty)
	h := cgo.NewHandle(&hostFunc{store.ptr, append([]ValKind(nil), results...), fn})
	env := C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0))))
	*(*C.uintptr_t)(env) = C.uintptr_t(h)
	return newFunc(store, C.brisk_go_func_new(store.ptr, ty, env))
}

// Call calls the function; a trap is returned as a *Trap.
func (f *Func) Call(args ...Value) ([]Value, error) {
	n := len(args)
	if len(f.results) > n {
		n = len(f.results)
	}
	if n == 0 {
		n = 1
	}
	buf := (*C.wasm_val_t)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(C.wasm_val_t{}))))
	defer C.free(unsafe.Pointer(buf))
	vals := unsafe.Slice(buf, n)
	for i, a := range args {
		toC(a, &vals[i])
	}
	res := (*C.wasm_val_t)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof(C.wasm_val_t{}))))
	defer C.free(unsafe.Pointer(res))
	argVec := C.wasm_val_vec_t{size: C.size_t(len(args)), data: buf}
	resVec := C.wasm_val_vec_t{size: C.size_t(len(f.results)), data: res}
	if trap := C.wasm_func_call(f.ptr, &argVec, &resVec); trap != nil {
		return nil, takeTrap(trap)
	}
	out := make([]Value, len(f.results))
	for i := range out {
		out[i] = fromC(C.brisk_go_val_at(res, C.size_t(i)))
	}
	runtime.KeepAlive(f)
	return out, nil
}

// Memory is a linear memory of a store.
type Memory struct {
	ptr   *C.wasm_memory_t
	store *Store
}

// Data is the memory's bytes, valid until it grows.
func (m *Memory) Data() []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(C.wasm_memory_data(m.ptr))), int(C.wasm_memory_data_size(m.ptr)))
}

// Grow adds pages; false past the maximum.
func (m *Memory) Grow(pages uint32) bool {
	return bool(C.wasm_memory_grow(m.ptr, C.wasm_memory_pages_t(pages)))
}

// Instance is a module linked with its imports.
type Instance struct {
	ptr   *C.wasm_instance_t
	funcs map[string]*Func
	mems  map[string]*Memory
}

// NewInstance instantiates the module; imports are functions, in the
// module's import order.
func NewInstance(store *Store, module *Module, imports ...*Func) (*Instance, error) {
	externs := make([]*C.wasm_extern_t, len(imports)+1)
	for i, f := range imports {
		externs[i] = C.wasm_func_as_extern(f.ptr)
	}
	cExterns := (**C.wasm_extern_t)(C.malloc(C.size_t(len(externs)) * C.size_t(unsafe.Sizeof(externs[0]))))
	defer C.free(unsafe.Pointer(cExterns))
	copy(unsafe.Slice(cExterns, len(externs)), externs)
	vec := C.wasm_extern_vec_t{size: C.size_t(len(imports)), data: cExterns}
	inst, err := instantiate(store, module, &vec)
	runtime.KeepAlive(imports)
	return inst, err
}

// instantiate instantiates the module with the imports in vec.
func instantiate(store *Store, module *Module, vec *C.wasm_extern_vec_t) (*Instance, error) {
	var trap *C.wasm_trap_t
	ptr := C.wasm_instance_new(store.ptr, module.ptr, vec, &trap)
	if ptr == nil {
		if trap != nil {
			return nil, takeTrap(trap)
		}
		return nil, errors.New("brisk: instantiation failed")
	}
	inst := &Instance{ptr, map[string]*Func{}, map[string]*Memory{}}
	runtime.SetFinalizer(inst, func(i *Instance) { C.wasm_instance_delete(i.ptr) })
	var exports C.wasm_extern_vec_t
	C.wasm_instance_exports(ptr, &exports)
	defer C.wasm_extern_vec_delete(&exports)
	names := module.ExportNames()
	for i, e := range unsafe.Slice(exports.data, int(exports.size)) {
		switch C.wasm_extern_kind(e) {
		case C.WASM_EXTERN_FUNC:
			inst.funcs[names[i]] = newFunc(store, C.wasm_extern_as_func(C.wasm_extern_copy(e)))
		case C.WASM_EXTERN_MEMORY:
			m := &Memory{C.wasm_extern_as_memory(C.wasm_extern_copy(e)), store}
			runtime.SetFinalizer(m, func(m *Memory) { C.wasm_memory_delete(m.ptr) })
			inst.mems[names[i]] = m
		}
	}
	return inst, nil
}

// Func is the exported function `name`, or nil.
func (i *Instance) Func(name string) *Func { return i.funcs[name] }

// Memory is the exported memory `name`, or nil.
func (i *Instance) Memory(name string) *Memory { return i.mems[name] }
