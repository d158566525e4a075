package brisk

// The Go functions C calls back: a host function's body and its
// environment's finalizer. (A file with //export may only declare in its
// preamble; the C shims that call these are in brisk.go.)

/*
#include <stdlib.h>
#include "wasm.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

//export briskGoHostCall
func briskGoHostCall(env unsafe.Pointer, args *C.wasm_val_vec_t, results *C.wasm_val_vec_t) *C.wasm_trap_t {
	h := cgo.Handle(*(*C.uintptr_t)(env))
	hf := h.Value().(*hostFunc)
	in := make([]Value, int(args.size))
	argVals := unsafe.Slice(args.data, int(args.size))
	for i := range in {
		in[i] = fromC(&argVals[i])
	}
	out, err := callHost(hf, in)
	if err == nil && len(out) != len(hf.results) {
		err = fmt.Errorf("host function returned %d values, its type has %d", len(out), len(hf.results))
	}
	if err == nil {
		resVals := unsafe.Slice(results.data, int(results.size))
		for i, v := range out {
			if v.Kind != hf.results[i] {
				err = fmt.Errorf("host function result %d has kind %d, its type says %d", i, v.Kind, hf.results[i])
				break
			}
			toC(v, &resVals[i])
		}
	}
	if err != nil {
		return newTrap(hf.store, err.Error())
	}
	return nil
}

// callHost runs the Go function, turning a panic into an error: unwinding
// must not cross the C and wasm frames below.
func callHost(hf *hostFunc, in []Value) (out []Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("host function panicked: %v", r)
		}
	}()
	return hf.fn(in)
}

//export briskGoFinalize
func briskGoFinalize(env unsafe.Pointer) {
	cgo.Handle(*(*C.uintptr_t)(env)).Delete()
	C.free(env)
}
