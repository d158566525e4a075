// Traps raised by wasm and by host callbacks: messages, origin and trace.

#include "common.h"

static int host_calls;

static wasm_trap_t* fail(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  host_calls++;
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, "host says no");
  wasm_trap_t* trap = wasm_trap_new((wasm_store_t*)env, &msg);
  wasm_name_delete(&msg);
  return trap;
}

static wasm_trap_t* call(wasm_func_t* f, wasm_val_t* args, size_t nargs, size_t nresults) {
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = {nargs, args};
  wasm_val_vec_t r = {nresults, results};
  return wasm_func_call(f, &a, &r);
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "traps");
  wasm_functype_t* ft = wasm_functype_new_0_0();
  wasm_func_t* fail_f = wasm_func_new_with_env(store, ft, fail, store, NULL);
  wasm_functype_delete(ft);
  wasm_extern_t* imports[] = {wasm_func_as_extern(fail_f)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  // unreachable, three wasm frames deep.
  wasm_trap_t* trap = call(export_func(&exports, 0), NULL, 0, 0);
  CHECK(trap != NULL);
  printf("unreachable: %s\n", trap_message(trap));
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  printf("origin func_index = %u\n", wasm_frame_func_index(origin));
  CHECK(wasm_frame_module_offset(origin) > 0);
  CHECK(wasm_frame_func_offset(origin) < wasm_frame_module_offset(origin));
  wasm_instance_t* frame_instance = wasm_frame_instance(origin);
  CHECK(frame_instance != NULL && wasm_instance_same(frame_instance, instance));
  wasm_frame_t* origin_copy = wasm_frame_copy(origin);
  CHECK_EQ_INT(wasm_frame_func_index(origin_copy), wasm_frame_func_index(origin));
  CHECK_EQ_INT(wasm_frame_module_offset(origin_copy), wasm_frame_module_offset(origin));
  wasm_frame_delete(origin_copy);
  wasm_frame_delete(origin);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  printf("trace:");
  for (size_t i = 0; i < trace.size; i++) printf(" %u", wasm_frame_func_index(trace.data[i]));
  printf("\n");
  wasm_frame_vec_t trace_copy;
  wasm_frame_vec_copy(&trace_copy, &trace);
  CHECK_EQ_INT(trace_copy.size, trace.size);
  wasm_frame_vec_delete(&trace_copy);
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);

  // Arithmetic traps, and the instance stays usable after them.
  wasm_val_t args[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
  trap = call(export_func(&exports, 1), args, 2, 1);
  CHECK(trap != NULL);
  printf("div(1, 0): %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  args[0].of.i32 = INT32_MIN;
  args[1].of.i32 = -1;
  trap = call(export_func(&exports, 1), args, 2, 1);
  CHECK(trap != NULL);
  printf("div(INT32_MIN, -1): %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  args[0].of.i32 = 84;
  args[1].of.i32 = 2;
  check_no_trap(call(export_func(&exports, 1), args, 2, 1), "div(84, 2)");

  // A trap from a host callback unwinds the wasm frames that called it.
  trap = call(export_func(&exports, 2), NULL, 0, 0);
  CHECK(trap != NULL);
  printf("call_host_fail: %s (host called %d time)\n", trap_message(trap), host_calls);
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size >= 1);
  wasm_frame_vec_delete(&trace);
  wasm_trap_delete(trap);
  // ... and straight from the host.
  trap = call(fail_f, NULL, 0, 0);
  CHECK(trap != NULL);
  printf("fail: %s\n", trap_message(trap));
  wasm_trap_delete(trap);

  trap = call(export_func(&exports, 3), NULL, 0, 1);
  CHECK(trap != NULL);
  printf("oob: %s\n", trap_message(trap));
  wasm_trap_delete(trap);

  trap = call(export_func(&exports, 4), NULL, 0, 0);
  CHECK(trap != NULL);
  printf("recurse: %s\n", trap_message(trap));
  wasm_trap_delete(trap);

  // Still usable.
  check_no_trap(call(export_func(&exports, 1), args, 2, 1), "div(84, 2)");
  printf("instance usable after traps\n");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(fail_f);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
