// A complete host program against the standard wasm.h: load a module from a
// file, give it a host callback as its import, call its exports, print the
// results, and report a trap.
//
//   scripts/run-example.sh            (builds libbrisk, compiles and runs this)
//   hello [path/to/hello.wasm]

#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"

// The import `host.double`: its environment counts the calls.
static wasm_trap_t* host_double(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int* calls = env;
  ++*calls;
  int32_t x = args->data[0].of.i32;
  printf("host: double(%d) called from wasm\n", x);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = x * 2;
  return NULL;
}

static int read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  int ok = fread(out->data, 1, (size_t)size, f) == (size_t)size;
  fclose(f);
  if (!ok) wasm_byte_vec_delete(out);
  return ok;
}

static void print_trap(const char* what, wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s trapped: %s\n", what, message.data);  // messages are NUL-terminated
  wasm_byte_vec_delete(&message);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  if (origin) {
    printf("  in function %u, at byte 0x%zx of the module\n", wasm_frame_func_index(origin),
           wasm_frame_module_offset(origin));
    wasm_frame_delete(origin);
  }
  wasm_trap_delete(trap);
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "examples/hello.wasm";
  int status = 1;
  int calls = 0;

  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  wasm_byte_vec_t binary;
  if (!read_file(path, &binary)) {
    fprintf(stderr, "cannot read %s\n", path);
    goto done_store;
  }
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "%s is not a valid module\n", path);
    goto done_store;
  }

  wasm_functype_t* double_type =
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* double_func =
      wasm_func_new_with_env(store, double_type, host_double, &calls, NULL);
  wasm_functype_delete(double_type);

  wasm_extern_t* imports[] = {wasm_func_as_extern(double_func)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  if (!instance) {
    print_trap("instantiation", trap);
    goto done_module;
  }

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* run = exports.size > 0 ? wasm_extern_as_func(exports.data[0]) : NULL;
  wasm_func_t* divide = exports.size > 1 ? wasm_extern_as_func(exports.data[1]) : NULL;
  if (!run || !divide) {
    fprintf(stderr, "%s does not export run and divide\n", path);
    goto done_exports;
  }

  wasm_val_t args[2] = {WASM_I32_VAL(20), WASM_I32_VAL(0)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = {1, args};
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  trap = wasm_func_call(run, &arg_vec, &result_vec);
  if (trap) {
    print_trap("run", trap);
    goto done_exports;
  }
  printf("wasm: run(20) = %d (the host was called %d time)\n", results[0].of.i32, calls);

  // divide(7, 0) traps: the trap comes back as a value, and the instance
  // stays usable.
  args[0] = (wasm_val_t)WASM_I32_VAL(7);
  arg_vec.size = 2;
  trap = wasm_func_call(divide, &arg_vec, &result_vec);
  if (!trap) {
    fprintf(stderr, "divide(7, 0) did not trap\n");
    goto done_exports;
  }
  print_trap("divide(7, 0)", trap);
  args[1] = (wasm_val_t)WASM_I32_VAL(2);
  trap = wasm_func_call(divide, &arg_vec, &result_vec);
  if (trap) {
    print_trap("divide(7, 2)", trap);
    goto done_exports;
  }
  printf("wasm: divide(7, 2) = %d\n", results[0].of.i32);
  status = 0;

done_exports:
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
done_module:
  wasm_func_delete(double_func);
  wasm_module_delete(module);
done_store:
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
