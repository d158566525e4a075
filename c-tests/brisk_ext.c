// The extensions of brisk.h: configuration knobs, compile errors with a
// message, the v128 kind.

#include "brisk.h"
#include "common.h"

static wasm_trap_t* nothing(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static void print_call_trap(const wasm_extern_vec_t* exports, size_t index, const char* name) {
  wasm_func_t* f = export_func(exports, index);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, rv = {wasm_func_result_arity(f), r};
  wasm_trap_t* trap = wasm_func_call(f, &none, &rv);
  CHECK(trap != NULL);
  printf("%s: %s\n", name, trap_message(trap));
  wasm_trap_delete(trap);
}

// Explicit bounds checks and a small wasm stack: out-of-bounds accesses and
// deep recursion still trap cleanly.
static void explicit_bounds_checks(void) {
  wasm_config_t* config = wasm_config_new();
  CHECK(brisk_config_bounds_checks_set(config, BRISK_BOUNDS_CHECKS_EXPLICIT));
  CHECK(!brisk_config_bounds_checks_set(config, 9));
  brisk_config_max_wasm_stack_set(config, 64 * 1024);
  brisk_config_parallel_compilation_set(config, false);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "traps");
  wasm_functype_t* ft = wasm_functype_new_0_0();
  CHECK(wasm_func_new(store, ft, NULL) == NULL);  // a null callback is refused
  wasm_func_t* f = wasm_func_new(store, ft, nothing);
  wasm_functype_delete(ft);
  wasm_extern_t* imports[] = {wasm_func_as_extern(f)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  print_call_trap(&exports, 3, "oob (explicit checks)");
  print_call_trap(&exports, 4, "recurse (64 KiB stack)");
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(f);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// WebAssembly 1.0 only: a module with multi-value results is refused, and
// brisk_module_new says why.
static void wasm1_features(void) {
  wasm_config_t* config = wasm_config_new();
  CHECK(brisk_config_features_set(config, BRISK_FEATURES_WASM1));
  CHECK(!brisk_config_features_set(config, 0));
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t bytes;
  load_wasm("calls", &bytes);
  wasm_message_t error;
  CHECK(brisk_module_new(store, &bytes, &error) == NULL);
  CHECK(error.size > 1 && error.data[error.size - 1] == 0);
  fprintf(stderr, "wasm1: %s\n", error.data);
  wasm_byte_vec_delete(&error);
  CHECK(!wasm_module_validate(store, &bytes));
  wasm_byte_vec_delete(&bytes);
  // An MVP module is fine.
  load_wasm("serialize", &bytes);
  wasm_module_t* module = brisk_module_new(store, &bytes, &error);
  CHECK(module != NULL);
  wasm_byte_vec_delete(&bytes);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("wasm1 refuses multi-value\n");
}

static void compile_errors(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t junk;
  wasm_byte_vec_new(&junk, 4, "junk");
  wasm_message_t error;
  CHECK(brisk_module_new(store, &junk, &error) == NULL);
  CHECK(error.size > 1 && error.data[error.size - 1] == 0);
  fprintf(stderr, "junk: %s\n", error.data);
  wasm_byte_vec_delete(&error);
  CHECK(brisk_module_new(store, &junk, NULL) == NULL);
  CHECK(brisk_module_new(store, NULL, &error) == NULL);
  wasm_byte_vec_delete(&error);
  wasm_byte_vec_delete(&junk);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("compile errors have messages\n");
}

// Store limits: past the instance limit, wasm_instance_new fails with a
// trap naming it, and the instances already there keep working. The other
// setters take any value.
static void store_limits(void) {
  wasm_config_t* config = wasm_config_new();
  brisk_config_max_instances_set(config, 2);
  brisk_config_max_memories_set(config, 100);
  brisk_config_max_tables_set(config, 100);
  brisk_config_max_reserved_bytes_set(config, (uint64_t)1 << 40);
  brisk_config_memory_pool_size_set(config, 4);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "serialize");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* a = wasm_instance_new(store, module, &none, NULL);
  wasm_instance_t* b = wasm_instance_new(store, module, &none, NULL);
  CHECK(a != NULL && b != NULL);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  CHECK(trap != NULL);
  const char* message = trap_message(trap);
  CHECK(strstr(message, "instance limit of 2 reached in this store") != NULL);
  CHECK(strstr(message, "brisk_config_max_instances_set") != NULL);
  wasm_trap_delete(trap);
  wasm_extern_vec_t exports;
  wasm_instance_exports(b, &exports);
  wasm_func_t* answer = export_func(&exports, 1);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  wasm_val_vec_t no_args = WASM_EMPTY_VEC;
  check_no_trap(wasm_func_call(answer, &no_args, &results), "answer");
  CHECK_EQ_INT(r[0].of.i32, 42);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(a);
  wasm_instance_delete(b);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("instance limit reached cleanly\n");
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  explicit_bounds_checks();
  wasm1_features();
  compile_errors();
  store_limits();
  wasm_valtype_t* v = wasm_valtype_new(BRISK_V128);
  CHECK(v != NULL && wasm_valtype_kind(v) == BRISK_V128);
  wasm_valtype_delete(v);
  printf("brisk.h ok\n");
  return 0;
}
