// Helpers shared by the C tests: checks that fail loudly, and loading the
// wasm modules the test driver (tests/c_api.rs) compiles from c-tests/*.wat
// into the directory passed as argv[1].

#ifndef BRISK_C_TESTS_COMMON_H
#define BRISK_C_TESTS_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                              \
    }                                                                       \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                  \
  do {                                                                      \
    long long a_ = (long long)(a), b_ = (long long)(b);                     \
    if (a_ != b_) {                                                         \
      fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
              __LINE__, #a, a_, #b, b_);                                    \
      exit(1);                                                              \
    }                                                                       \
  } while (0)

static const char* wasm_dir = ".";

// Reads <wasm_dir>/<name> into a NUL-terminated buffer (owned by the
// caller, free()); its size without the NUL goes to `size` if not NULL.
static inline char* read_file(const char* name, size_t* size) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", wasm_dir, name);
  FILE* f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* buf = (char*)malloc((size_t)n + 1);
  if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  buf[n] = 0;
  fclose(f);
  if (size) *size = (size_t)n;
  return buf;
}

// Reads <wasm_dir>/<name>.wasm into `out` (owned by the caller).
static inline void load_wasm(const char* name, wasm_byte_vec_t* out) {
  char file[1024];
  snprintf(file, sizeof file, "%s.wasm", name);
  size_t size;
  char* bytes = read_file(file, &size);
  wasm_byte_vec_new(out, size, bytes);
  free(bytes);
}

// Compiles <name>.wasm in `store`; fails the test if it does not compile.
static inline wasm_module_t* load_module(wasm_store_t* store, const char* name) {
  wasm_byte_vec_t bytes;
  load_wasm(name, &bytes);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!module) {
    fprintf(stderr, "module %s failed to compile\n", name);
    exit(1);
  }
  return module;
}

// The message of a trap as a C string (static buffer), and deletes nothing.
static inline const char* trap_message(const wasm_trap_t* trap) {
  static char buf[1024];
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  size_t n = msg.size < sizeof buf - 1 ? msg.size : sizeof buf - 1;
  memcpy(buf, msg.data, n);
  buf[n] = 0;
  wasm_byte_vec_delete(&msg);
  return buf;
}

// Fails the test with the trap's message if `trap` is not null.
static inline void check_no_trap(wasm_trap_t* trap, const char* what) {
  if (trap) {
    fprintf(stderr, "%s trapped: %s\n", what, trap_message(trap));
    wasm_trap_delete(trap);
    exit(1);
  }
}

// The export at `index` of an export vector, as a function (checked).
static inline wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t index) {
  CHECK(index < exports->size);
  wasm_func_t* f = wasm_extern_as_func(exports->data[index]);
  CHECK(f != NULL);
  return f;
}

static inline void init_test(int argc, char** argv) {
  if (argc > 1) wasm_dir = argv[1];
  setvbuf(stdout, NULL, _IONBF, 0);
}

#endif
