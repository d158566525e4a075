// One module compiled once, shared with threads that each obtain it in their
// own store, instantiate it and call it.

#include <pthread.h>

#include "common.h"
#include "brisk.h"

#define THREADS 4

static wasm_engine_t* engine;
static wasm_shared_module_t* shared;

static void* worker(void* arg) {
  int id = (int)(intptr_t)arg;
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_obtain(store, shared);
  CHECK(module != NULL);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t offset = WASM_I32_VAL(1000 * id);
  wasm_global_t* g = wasm_global_new(store, gt, &offset);
  wasm_globaltype_delete(gt);
  wasm_extern_t* imports[] = {wasm_global_as_extern(g)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  check_no_trap(trap, "instantiation");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  int32_t result = 0;
  for (int i = 0; i < 20; i++) {
    wasm_val_t a[1] = {WASM_I32_VAL(20)};
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
    check_no_trap(wasm_func_call(export_func(&exports, 1), &av, &rv), "fib_plus_offset");
    result = r[0].of.i32;
  }
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(g);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return (void*)(intptr_t)result;
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "threads");
  shared = wasm_module_share(module);
  CHECK(shared != NULL);
  wasm_module_delete(module);
  wasm_store_delete(store);

  // Stores of an engine whose configuration disagrees (here the
  // bounds-check mode) cannot obtain it; see compat.c for one that agrees.
  wasm_config_t* config = wasm_config_new();
  CHECK(brisk_config_bounds_checks_set(config, BRISK_BOUNDS_CHECKS_EXPLICIT));
  wasm_engine_t* other_engine = wasm_engine_new_with_config(config);
  wasm_store_t* other_store = wasm_store_new(other_engine);
  CHECK(wasm_module_obtain(other_store, shared) == NULL);
  wasm_store_delete(other_store);
  wasm_engine_delete(other_engine);

  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++)
    CHECK(pthread_create(&threads[i], NULL, worker, (void*)(intptr_t)i) == 0);
  for (int i = 0; i < THREADS; i++) {
    void* result;
    CHECK(pthread_join(threads[i], &result) == 0);
    printf("thread %d: fib(20) + %d = %d\n", i, 1000 * i, (int)(intptr_t)result);
  }
  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  return 0;
}
