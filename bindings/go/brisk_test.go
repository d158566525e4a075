package brisk

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The modules are the C tests' (c-tests/*.wat), compiled by tests/c_api.rs
// into BRISK_WASM_DIR.
func load(t *testing.T, name string) []byte {
	dir := os.Getenv("BRISK_WASM_DIR")
	if dir == "" {
		t.Fatal("BRISK_WASM_DIR is not set (run through `cargo test --test c_api go_bindings`)")
	}
	wasm, err := os.ReadFile(filepath.Join(dir, name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return wasm
}

func TestCallsMemoryAndValidation(t *testing.T) {
	engine := NewEngine()
	store := NewStore(engine)
	defer store.Close()
	if Validate(store, []byte("junk")) || !Validate(store, load(t, "serialize")) {
		t.Fatal("validation")
	}
	if _, err := NewModule(store, []byte("junk")); err == nil {
		t.Fatal("junk compiled")
	}
	module, err := NewModule(store, load(t, "serialize"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := NewInstance(store, module)
	if err != nil {
		t.Fatal(err)
	}
	out, err := inst.Func("answer").Call()
	if err != nil || out[0].I32() != 42 {
		t.Fatalf("answer() = %v, %v", out, err)
	}
	out, err = inst.Func("square").Call(I64(-12))
	if err != nil || out[0].I64() != 144 {
		t.Fatalf("square(-12) = %v, %v", out, err)
	}
	mem := inst.Memory("memory")
	mem.Data()[0] = 7
	if out, _ := inst.Func("answer").Call(); out[0].I32() != 7 {
		t.Fatal("memory write not seen by wasm")
	}
	if !mem.Grow(1) || len(mem.Data()) != 2*65536 {
		t.Fatal("grow")
	}
}

func TestHostFunctionsAndTraps(t *testing.T) {
	store := NewStore(NewEngine())
	defer store.Close()

	// Nested: wasm -> Go -> wasm -> Go.
	module, err := NewModule(store, load(t, "calls"))
	if err != nil {
		t.Fatal(err)
	}
	var down *Func
	twice := NewFunc(store, []ValKind{KindI32}, []ValKind{KindI32}, func(a []Value) ([]Value, error) {
		return []Value{I32(2 * a[0].I32())}, nil
	})
	reenter := NewFunc(store, []ValKind{KindI32}, []ValKind{KindI32}, func(a []Value) ([]Value, error) {
		out, err := down.Call(a[0])
		if err != nil {
			return nil, err
		}
		return []Value{I32(out[0].I32() + 1)}, nil
	})
	multi := NewFunc(store, []ValKind{KindI64, KindF32}, []ValKind{KindF64, KindI64, KindI32},
		func(a []Value) ([]Value, error) {
			return []Value{F64(float64(a[1].F32()) * 2), I64(a[0].I64() + 1), I32(-1)}, nil
		})
	ten := make([]ValKind, 10)
	for i := range ten {
		ten[i] = KindI32
	}
	sum10 := NewFunc(store, ten, []ValKind{KindI64}, func(a []Value) ([]Value, error) {
		var s int64
		for _, v := range a {
			s += int64(v.I32())
		}
		return []Value{I64(s)}, nil
	})
	inst, err := NewInstance(store, module, twice, reenter, multi, sum10)
	if err != nil {
		t.Fatal(err)
	}
	down = inst.Func("down")
	if out, err := down.Call(I32(3)); err != nil || out[0].I32() != 45 {
		t.Fatalf("down(3) = %v, %v", out, err)
	}
	out, err := inst.Func("call_multi").Call(I64(41), F32(1.25))
	if err != nil || out[0].F64() != 2.5 || out[1].I64() != 42 || out[2].I32() != -1 {
		t.Fatalf("call_multi = %v, %v", out, err)
	}
	if out, err := inst.Func("call_sum10").Call(); err != nil || out[0].I64() != 55 {
		t.Fatalf("call_sum10 = %v, %v", out, err)
	}

	// Traps from wasm, from a Go error, from a Go panic.
	traps, err := NewModule(store, load(t, "traps"))
	if err != nil {
		t.Fatal(err)
	}
	fail := NewFunc(store, nil, nil, func([]Value) ([]Value, error) {
		return nil, errors.New("go says no")
	})
	inst, err = NewInstance(store, traps, fail)
	if err != nil {
		t.Fatal(err)
	}
	_, err = inst.Func("call_host_fail").Call()
	var trap *Trap
	if !errors.As(err, &trap) || trap.Message != "go says no" {
		t.Fatalf("call_host_fail: %v", err)
	}
	if _, err := inst.Func("div").Call(I32(1), I32(0)); err == nil ||
		err.Error() != "integer divide by zero" {
		t.Fatalf("div(1, 0): %v", err)
	}
	panicky := NewFunc(store, nil, nil, func([]Value) ([]Value, error) { panic("oops") })
	inst, err = NewInstance(store, traps, panicky)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inst.Func("call_host_fail").Call(); err == nil ||
		!strings.Contains(err.Error(), "panicked: oops") {
		t.Fatalf("panic: %v", err)
	}
	// Wrong imports.
	if _, err := NewInstance(store, traps); err == nil {
		t.Fatal("instantiated without its import")
	}
}

func TestGoroutines(t *testing.T) {
	engine := NewEngine()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			store := NewStore(engine)
			defer store.Close()
			module, err := NewModule(store, load(t, "serialize"))
			if err != nil {
				t.Error(err)
				return
			}
			inst, err := NewInstance(store, module)
			if err != nil {
				t.Error(err)
				return
			}
			for i := 0; i < 100; i++ {
				if out, err := inst.Func("square").Call(I64(int64(i))); err != nil || out[0].I64() != int64(i*i) {
					t.Errorf("square(%d) = %v, %v", i, out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
