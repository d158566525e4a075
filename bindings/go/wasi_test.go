package brisk

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The WASI programs of tests/wasi/, copied by tests/c_api.rs into
// BRISK_WASM_DIR as wasi_<name>, with their expected output.
func expected(t *testing.T, name string) []byte {
	data, err := os.ReadFile(filepath.Join(os.Getenv("BRISK_WASM_DIR"), "wasi_"+name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func module(t *testing.T, store *Store, name string) *Module {
	m, err := NewModule(store, load(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWasiArgsEnvCapture(t *testing.T) {
	store := NewStore(NewEngine())
	defer store.Close()
	config := NewWasiConfig()
	if err := config.SetArgv("hello", "one", "two words", "three"); err != nil {
		t.Fatal(err)
	}
	if err := config.SetEnv([]string{"GREETING", "EMPTY", "WITH_EQUALS"}, []string{"hi", "", "a=b=c"}); err != nil {
		t.Fatal(err)
	}
	if config.SetArgv("\xff") == nil {
		t.Fatal("a non-UTF-8 argument was accepted")
	}
	config.CaptureStdout()
	config.CaptureStderr()
	code, stdout, stderr, err := RunWasi(store, module(t, store, "wasi_hello"), config)
	if err != nil || code != 0 {
		t.Fatalf("hello: %d, %v", code, err)
	}
	if !bytes.Equal(stdout, expected(t, "hello.stdout")) {
		t.Fatalf("hello printed %q", stdout)
	}
	if string(stderr) != "this goes to stderr\n" {
		t.Fatalf("hello's stderr: %q", stderr)
	}
}

func TestWasiExitCodesAndTraps(t *testing.T) {
	store := NewStore(NewEngine())
	defer store.Close()
	exitCode := module(t, store, "wasi_exit_code")
	config := NewWasiConfig()
	if err := config.SetArgv("exit_code", "3"); err != nil {
		t.Fatal(err)
	}
	config.CaptureStdout()
	wasi := NewWasi(store, config)
	if code, err := wasi.Run(exitCode); code != 3 || err != nil {
		t.Fatalf("exit(3): %d, %v", code, err)
	}
	if string(wasi.Stdout()) != "before exit\n" || len(wasi.Stderr()) != 0 {
		t.Fatalf("exit_code printed %q", wasi.Stdout())
	}
	if code, out, _, err := RunWasi(store, exitCode, nil); code != 0 || err != nil || len(out) != 0 {
		t.Fatalf("no exit: %d, %q, %v", code, out, err)
	}

	_, _, _, err := RunWasi(store, module(t, store, "wasi_trap"), nil)
	var trap *Trap
	if !errors.As(err, &trap) || trap.Message != "integer divide by zero" {
		t.Fatalf("trap: %v", err)
	}
	_, err = NewWasi(store, nil).Instantiate(module(t, store, "errors"))
	if !errors.As(err, &trap) || !strings.Contains(trap.Message, "unknown import: `env::f`") {
		t.Fatalf("a non-WASI import: %v", err)
	}
}

func TestWasiStdinAndFiles(t *testing.T) {
	store := NewStore(NewEngine())
	defer store.Close()
	config := NewWasiConfig()
	config.SetStdinBytes(expected(t, "stdin.input"))
	config.CaptureStdout()
	code, stdout, _, err := RunWasi(store, module(t, store, "wasi_stdin"), config)
	if err != nil || code != 0 || !bytes.Equal(stdout, expected(t, "stdin.stdout")) {
		t.Fatalf("stdin: %d, %v, %q", code, err, stdout)
	}

	config = NewWasiConfig()
	if config.PreopenDir("/nonexistent/dir", "/sandbox") == nil {
		t.Fatal("a missing directory was preopened")
	}
	if err := config.PreopenDir(t.TempDir(), "/sandbox"); err != nil {
		t.Fatal(err)
	}
	config.CaptureStdout()
	code, stdout, _, err = RunWasi(store, module(t, store, "wasi_files"), config)
	if err != nil || code != 0 || !bytes.Equal(stdout, expected(t, "files.stdout")) {
		t.Fatalf("files: %d, %v, %q", code, err, stdout)
	}
}
