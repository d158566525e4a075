package brisk

// WASI through wasi.h: WasiConfig (what a program sees) and Wasi (an
// environment in a store that instantiates and runs programs).

/*
#include <stdlib.h>
#include "wasi.h"
*/
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// WasiConfig is what a WASI program sees. By default: no arguments, no
// environment, empty standard input, output discarded, no directories.
type WasiConfig struct{ ptr *C.wasi_config_t }

// NewWasiConfig makes a configuration with the defaults.
func NewWasiConfig() *WasiConfig {
	c := &WasiConfig{C.wasi_config_new()}
	runtime.SetFinalizer(c, func(c *WasiConfig) { C.wasi_config_delete(c.ptr) })
	return c
}

// cStrings copies strings into C memory; free releases them.
func cStrings(strs []string) (array **C.char, free func()) {
	n := len(strs)
	if n == 0 {
		return nil, func() {}
	}
	p := (**C.char)(C.malloc(C.size_t(n) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	s := unsafe.Slice(p, n)
	for i, str := range strs {
		s[i] = C.CString(str)
	}
	return p, func() {
		for _, c := range s {
			C.free(unsafe.Pointer(c))
		}
		C.free(unsafe.Pointer(p))
	}
}

// SetArgv sets the arguments, the program's name first.
func (c *WasiConfig) SetArgv(args ...string) error {
	argv, free := cStrings(args)
	defer free()
	if !C.wasi_config_set_argv(c.ptr, C.size_t(len(args)), argv) {
		return errors.New("brisk: an argument is not UTF-8")
	}
	return nil
}

// SetEnv sets the environment: names[i] to values[i].
func (c *WasiConfig) SetEnv(names, values []string) error {
	if len(names) != len(values) {
		return errors.New("brisk: SetEnv needs as many values as names")
	}
	n, freeNames := cStrings(names)
	defer freeNames()
	v, freeValues := cStrings(values)
	defer freeValues()
	if !C.wasi_config_set_env(c.ptr, C.size_t(len(names)), n, v) {
		return errors.New("brisk: an environment variable is not UTF-8")
	}
	return nil
}

// InheritArgv passes the host process's arguments through.
func (c *WasiConfig) InheritArgv() { C.wasi_config_inherit_argv(c.ptr) }

// InheritEnv passes the host process's environment through.
func (c *WasiConfig) InheritEnv() { C.wasi_config_inherit_env(c.ptr) }

// InheritStdin, InheritStdout and InheritStderr use the host process's
// streams.
func (c *WasiConfig) InheritStdin()  { C.wasi_config_inherit_stdin(c.ptr) }
func (c *WasiConfig) InheritStdout() { C.wasi_config_inherit_stdout(c.ptr) }
func (c *WasiConfig) InheritStderr() { C.wasi_config_inherit_stderr(c.ptr) }

// CaptureStdout and CaptureStderr keep the output in memory, read back with
// Wasi.Stdout and Wasi.Stderr.
func (c *WasiConfig) CaptureStdout() { C.wasi_config_capture_stdout(c.ptr) }
func (c *WasiConfig) CaptureStderr() { C.wasi_config_capture_stderr(c.ptr) }

// SetStdinBytes makes standard input read data, then end of file.
func (c *WasiConfig) SetStdinBytes(data []byte) {
	vec := byteVec(data)
	C.wasi_config_set_stdin_bytes(c.ptr, &vec) // takes the bytes
}

func withPath(path string, f func(*C.char) C.bool) error {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	if !f(cs) {
		return errors.New("brisk: cannot open " + path)
	}
	return nil
}

// SetStdinFile makes standard input read the host file at path.
func (c *WasiConfig) SetStdinFile(path string) error {
	return withPath(path, func(p *C.char) C.bool { return C.wasi_config_set_stdin_file(c.ptr, p) })
}

// SetStdoutFile makes standard output write the host file at path (created
// or truncated).
func (c *WasiConfig) SetStdoutFile(path string) error {
	return withPath(path, func(p *C.char) C.bool { return C.wasi_config_set_stdout_file(c.ptr, p) })
}

// SetStderrFile makes standard error write the host file at path.
func (c *WasiConfig) SetStderrFile(path string) error {
	return withPath(path, func(p *C.char) C.bool { return C.wasi_config_set_stderr_file(c.ptr, p) })
}

// PreopenDir lets the program open files under hostPath, which it sees as
// guestPath.
func (c *WasiConfig) PreopenDir(hostPath, guestPath string) error {
	guest := C.CString(guestPath)
	defer C.free(unsafe.Pointer(guest))
	return withPath(hostPath, func(p *C.char) C.bool { return C.wasi_config_preopen_dir(c.ptr, p, guest) })
}

// Wasi is a WASI environment in a store; Store.Close deletes it.
type Wasi struct {
	ptr   *C.wasi_env_t
	store *Store
}

// NewWasi makes an environment configured by config, which it takes (do
// not use it again); nil is the default configuration.
func NewWasi(store *Store, config *WasiConfig) *Wasi {
	var cfg *C.wasi_config_t
	if config != nil {
		cfg, config.ptr = config.ptr, nil
		runtime.SetFinalizer(config, nil)
	}
	w := &Wasi{C.wasi_env_new(store.ptr, cfg), store}
	store.wasis = append(store.wasis, w.ptr)
	return w
}

// Instantiate instantiates module with its WASI imports and binds its
// memory to the environment. A non-WASI import is an error (*Trap).
func (w *Wasi) Instantiate(module *Module) (*Instance, error) {
	var imports C.wasm_extern_vec_t
	var trap *C.wasm_trap_t
	if !C.wasi_env_get_imports(w.ptr, module.ptr, &imports, &trap) {
		return nil, takeTrap(trap)
	}
	defer C.wasm_extern_vec_delete(&imports)
	inst, err := instantiate(w.store, module, &imports)
	if err != nil {
		return nil, err
	}
	C.wasi_env_set_instance(w.ptr, inst.ptr)
	return inst, nil
}

// Run instantiates module and calls its _start; it returns the exit status
// (0 when _start returns). A trap is an error (*Trap).
func (w *Wasi) Run(module *Module) (int, error) {
	inst, err := w.Instantiate(module)
	if err != nil {
		return 0, err
	}
	start := inst.Func("_start")
	if start == nil {
		return 0, errors.New("brisk: the module exports no _start function")
	}
	trap := C.wasm_func_call(start.ptr, nil, nil)
	runtime.KeepAlive(start)
	if trap == nil {
		return 0, nil
	}
	var code C.int
	if C.wasi_trap_exit_code(trap, &code) {
		C.wasm_trap_delete(trap)
		return int(code), nil
	}
	return 0, takeTrap(trap)
}

func goBytes(read func(*C.wasm_byte_vec_t)) []byte {
	var vec C.wasm_byte_vec_t
	read(&vec)
	defer C.wasm_byte_vec_delete(&vec)
	return C.GoBytes(unsafe.Pointer(vec.data), C.int(vec.size))
}

// Stdout is what the program wrote to a captured standard output.
func (w *Wasi) Stdout() []byte {
	return goBytes(func(v *C.wasm_byte_vec_t) { C.wasi_env_stdout(w.ptr, v) })
}

// Stderr is what the program wrote to a captured standard error.
func (w *Wasi) Stderr() []byte {
	return goBytes(func(v *C.wasm_byte_vec_t) { C.wasi_env_stderr(w.ptr, v) })
}

// RunWasi runs a WASI command: its exit status and captured output.
func RunWasi(store *Store, module *Module, config *WasiConfig) (code int, stdout, stderr []byte, err error) {
	w := NewWasi(store, config)
	code, err = w.Run(module)
	return code, w.Stdout(), w.Stderr(), err
}
