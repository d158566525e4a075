// WASI for C hosts (wasi.h): the WASI programs of tests/wasi/ (which
// tests/c_api.rs copies into the module directory as wasi_<name>.wasm, with
// their expected output) run through wasm.h: arguments, environment,
// captured stdout and stderr, exit codes, stdin bytes, stdout to a file, a
// preopened directory; then a real trap, and a module with a non-WASI
// import.

#define _XOPEN_SOURCE 700

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "wasi.h"

// Whether a byte vector holds exactly the string `s`.
static int vec_is(const wasm_byte_vec_t* v, const char* s) {
  return v->size == strlen(s) && (v->size == 0 || memcmp(v->data, s, v->size) == 0);
}

// The function `_start` among the instance's exports (found by name).
static wasm_func_t* find_start(const wasm_module_t* module, const wasm_extern_vec_t* exports) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  CHECK(types.size == exports->size);
  wasm_func_t* start = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t* name = wasm_exporttype_name(types.data[i]);
    if (name->size == 6 && memcmp(name->data, "_start", 6) == 0)
      start = wasm_extern_as_func(exports->data[i]);
  }
  wasm_exporttype_vec_delete(&types);
  CHECK(start != NULL);
  return start;
}

// Instantiates `module` with the WASI imports of `wasi` and runs `_start`.
// Returns what the run ended with: null when `_start` returned, else the
// trap (a `proc_exit` or a failure) for the caller to delete.
static wasm_trap_t* run(wasm_store_t* store, wasm_module_t* module, wasi_env_t* wasi) {
  wasm_extern_vec_t imports;
  wasm_trap_t* trap = NULL;
  CHECK(wasi_env_get_imports(wasi, module, &imports, &trap));
  CHECK(trap == NULL);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  wasm_extern_vec_delete(&imports);
  CHECK(instance != NULL);
  CHECK(wasi_env_set_instance(wasi, instance));
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(find_start(module, &exports), &none, &none);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  return trap;
}

// The exit status of a run: 0 when `_start` returned, the `proc_exit`
// status otherwise; a real trap fails the test. Deletes the trap.
static int exit_status(wasm_trap_t* trap) {
  int status = 0;
  if (trap) {
    if (!wasi_trap_exit_code(trap, &status)) {
      fprintf(stderr, "trapped: %s\n", trap_message(trap));
      exit(1);
    }
    wasm_trap_delete(trap);
  }
  return status;
}

// hello: arguments, environment, both output streams captured.
static void hello(wasm_store_t* store) {
  wasi_config_t* config = wasi_config_new();
  const char* argv[] = {"hello", "one", "two words", "three"};
  CHECK(wasi_config_set_argv(config, 4, argv));
  const char* names[] = {"GREETING", "EMPTY", "WITH_EQUALS"};
  const char* values[] = {"hi", "", "a=b=c"};
  CHECK(wasi_config_set_env(config, 3, names, values));
  const char* bad[] = {"ok", "\xff not UTF-8"};
  CHECK(!wasi_config_set_argv(config, 2, bad));  // refused, argv unchanged
  wasi_config_capture_stdout(config);
  wasi_config_capture_stderr(config);
  wasi_env_t* wasi = wasi_env_new(store, config);
  CHECK(wasi != NULL);
  wasm_module_t* module = load_module(store, "wasi_hello");
  printf("hello: exit %d\n", exit_status(run(store, module, wasi)));
  wasm_byte_vec_t out, err;
  wasi_env_stdout(wasi, &out);
  wasi_env_stderr(wasi, &err);
  char* expected = read_file("wasi_hello.stdout", NULL);
  CHECK(vec_is(&out, expected));
  free(expected);
  printf("hello stdout: %.*s", (int)out.size, out.data);
  printf("hello stderr: %.*s", (int)err.size, err.data);
  wasm_byte_vec_delete(&out);
  wasm_byte_vec_delete(&err);
  wasm_module_delete(module);
  wasi_env_delete(wasi);
}

// exit_code: `exit(3)` is a trap that wasi_trap_exit_code recognises;
// `main` returning 0 is `_start` returning. Standard output to a file.
static void exit_codes(wasm_store_t* store, const char* dir) {
  wasm_module_t* module = load_module(store, "wasi_exit_code");

  wasi_config_t* config = wasi_config_new();
  const char* argv[] = {"exit_code", "3"};
  CHECK(wasi_config_set_argv(config, 2, argv));
  wasi_config_capture_stdout(config);
  wasi_env_t* wasi = wasi_env_new(store, config);
  printf("exit_code 3: exit %d\n", exit_status(run(store, module, wasi)));
  wasm_byte_vec_t out;
  wasi_env_stdout(wasi, &out);
  CHECK(vec_is(&out, "before exit\n"));
  wasm_byte_vec_delete(&out);
  wasi_env_stderr(wasi, &out);  // not captured: empty
  CHECK(out.size == 0);
  wasm_byte_vec_delete(&out);
  wasi_env_delete(wasi);

  char path[4096];
  snprintf(path, sizeof path, "%s/stdout.txt", dir);
  config = wasi_config_new();
  CHECK(!wasi_config_set_stdout_file(config, "/nonexistent/dir/file"));
  CHECK(wasi_config_set_stdout_file(config, path));
  wasi = wasi_env_new(store, config);
  printf("exit_code: exit %d\n", exit_status(run(store, module, wasi)));
  wasi_env_delete(wasi);
  FILE* f = fopen(path, "r");
  CHECK(f != NULL);
  char line[64] = {0};
  CHECK(fgets(line, sizeof line, f) != NULL);
  fclose(f);
  CHECK(strcmp(line, "before exit\n") == 0);
  CHECK(unlink(path) == 0);
  printf("exit_code: stdout to a file\n");
  wasm_module_delete(module);
}

// stdin: standard input from bytes the configuration takes over.
static void stdin_bytes(wasm_store_t* store) {
  char* input = read_file("wasi_stdin.input", NULL);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, strlen(input), input);
  free(input);
  wasi_config_t* config = wasi_config_new();
  wasi_config_set_stdin_bytes(config, &bytes);
  CHECK(bytes.size == 0 && bytes.data == NULL);  // taken
  wasi_config_capture_stdout(config);
  wasi_env_t* wasi = wasi_env_new(store, config);
  wasm_module_t* module = load_module(store, "wasi_stdin");
  printf("stdin: exit %d\n", exit_status(run(store, module, wasi)));
  wasm_byte_vec_t out;
  wasi_env_stdout(wasi, &out);
  char* expected = read_file("wasi_stdin.stdout", NULL);
  CHECK(vec_is(&out, expected));
  free(expected);
  printf("stdin: output as expected\n");
  wasm_byte_vec_delete(&out);
  wasm_module_delete(module);
  wasi_env_delete(wasi);
}

// files: a temporary directory preopened as /sandbox.
static void files(wasm_store_t* store, const char* dir) {
  char sandbox[4096];
  snprintf(sandbox, sizeof sandbox, "%s/sandbox", dir);
  CHECK(mkdir(sandbox, 0700) == 0);
  wasi_config_t* config = wasi_config_new();
  CHECK(!wasi_config_preopen_dir(config, "/nonexistent/dir", "/sandbox"));
  CHECK(wasi_config_preopen_dir(config, sandbox, "/sandbox"));
  wasi_config_capture_stdout(config);
  wasi_env_t* wasi = wasi_env_new(store, config);
  wasm_module_t* module = load_module(store, "wasi_files");
  printf("files: exit %d\n", exit_status(run(store, module, wasi)));
  wasm_byte_vec_t out;
  wasi_env_stdout(wasi, &out);
  char* expected = read_file("wasi_files.stdout", NULL);
  if (!vec_is(&out, expected)) {
    fprintf(stderr, "files printed:\n%.*s", (int)out.size, out.data);
    exit(1);
  }
  free(expected);
  printf("files: output as expected\n");
  wasm_byte_vec_delete(&out);
  wasm_module_delete(module);
  wasi_env_delete(wasi);
}

// trap: a real trap is not an exit; no configuration is the default one.
static void real_trap(wasm_store_t* store) {
  wasi_env_t* wasi = wasi_env_new(store, NULL);
  CHECK(wasi != NULL);
  wasm_module_t* module = load_module(store, "wasi_trap");
  wasm_trap_t* trap = run(store, module, wasi);
  CHECK(trap != NULL);
  int status = -1;
  CHECK(!wasi_trap_exit_code(trap, &status));
  CHECK(status == -1);
  printf("trap: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  wasm_byte_vec_t out;
  wasi_env_stdout(wasi, &out);  // discarded by default
  CHECK(out.size == 0);
  wasm_byte_vec_delete(&out);
  wasm_module_delete(module);
  wasi_env_delete(wasi);
}

// A module with imports that are not WASI: the error names the first.
static void not_wasi(wasm_engine_t* engine, wasm_store_t* store) {
  wasi_env_t* wasi = wasi_env_new(store, wasi_config_new());
  wasm_module_t* module = load_module(store, "errors");
  wasm_extern_vec_t imports;
  wasm_trap_t* trap = NULL;
  CHECK(!wasi_env_get_imports(wasi, module, &imports, &trap));
  CHECK(imports.size == 0 && trap != NULL);
  printf("errors.wasm: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  CHECK(!wasi_env_get_imports(wasi, module, &imports, NULL));  // error is optional
  CHECK(!wasi_env_set_instance(wasi, NULL));

  // An instance of another store is refused.
  wasm_store_t* other = wasm_store_new(engine);
  wasm_module_t* serialize = load_module(other, "serialize");
  wasm_instance_t* instance = wasm_instance_new(other, serialize, NULL, NULL);
  CHECK(instance != NULL);
  CHECK(!wasi_env_set_instance(wasi, instance));
  printf("errors: instances of another store are refused\n");
  wasm_instance_delete(instance);
  wasm_module_delete(serialize);
  wasm_store_delete(other);
  wasm_module_delete(module);
  wasi_env_delete(wasi);
}

static int remove_entry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  char dir[] = "/tmp/brisk-wasi-c-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  hello(store);
  exit_codes(store, dir);
  stdin_bytes(store);
  files(store, dir);
  real_trap(store);
  not_wasi(engine, store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  CHECK(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0);
  printf("wasi.h ok\n");
  return 0;
}
