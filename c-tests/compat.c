// Hosts written for other engines (see "More lenient than the standard" in
// include/README.md): a results vector too short still runs the function,
// deleting the view that wasm_X_as_ref returns is harmless (WAMR hosts do
// it), and a module shared from one engine is obtained and instantiated in
// another engine whose configuration agrees (an engine per thread, as WAMR
// hosts have).

#include <pthread.h>

#include "brisk.h"
#include "common.h"

static int host_calls = 0;

static wasm_trap_t* count(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  host_calls++;
  return NULL;
}

static void short_results(wasm_store_t* store) {
  wasm_module_t* module = load_module(store, "compat");
  wasm_extern_vec_t none_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none_imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* seven = export_func(&exports, 0);
  wasm_func_t* boom = export_func(&exports, 1);
  wasm_func_t* pair = export_func(&exports, 2);
  wasm_func_t* add = export_func(&exports, 3);
  wasm_val_vec_t none = WASM_EMPTY_VEC;

  // A trap from inside is the trap the host sees, with no room for results.
  wasm_trap_t* trap = wasm_func_call(boom, &none, &none);
  CHECK(trap != NULL);
  printf("boom, no room: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  trap = wasm_func_call(boom, NULL, NULL);
  CHECK(trap != NULL);
  printf("boom, null vectors: %s\n", trap_message(trap));
  wasm_trap_delete(trap);

  // A normal return with too little room is a trap naming the counts; no
  // result is written.
  trap = wasm_func_call(seven, &none, &none);
  CHECK(trap != NULL);
  printf("seven, no room: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  wasm_val_t one[1] = {WASM_I32_VAL(-1)};
  wasm_val_vec_t one_vec = WASM_ARRAY_VEC(one);
  trap = wasm_func_call(pair, &none, &one_vec);
  CHECK(trap != NULL);
  printf("pair, room for 1: %s\n", trap_message(trap));
  CHECK(one[0].kind == WASM_I32 && one[0].of.i32 == -1);
  wasm_trap_delete(trap);

  // The function did run: a host function with a result, called with no
  // room, runs once.
  wasm_functype_t* ft = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, ft, count);
  wasm_functype_delete(ft);
  trap = wasm_func_call(host, &none, &none);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);
  CHECK_EQ_INT(host_calls, 1);
  wasm_func_delete(host);

  // Argument checks still refuse before running, and so does more room
  // than results.
  wasm_val_t i64_args[2] = {WASM_I64_VAL(1), WASM_I32_VAL(2)};
  wasm_val_vec_t i64_vec = WASM_ARRAY_VEC(i64_args);
  trap = wasm_func_call(add, &i64_vec, &none);
  CHECK(trap != NULL);
  printf("add, wrong argument: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  wasm_val_t two[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t two_vec = WASM_ARRAY_VEC(two);
  trap = wasm_func_call(seven, &none, &two_vec);
  CHECK(trap != NULL);
  printf("seven, room for 2: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  check_no_trap(wasm_func_call(seven, &none, &rv), "seven");
  printf("seven() = %d\n", r[0].of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
}

// What a WAMR host does: delete the reference that wasm_X_as_ref returned,
// keep using the object, then delete it.
static void delete_views(wasm_store_t* store) {
  wasm_functype_t* ft = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new(store, ft, count);
  wasm_functype_delete(ft);
  wasm_ref_t* r = wasm_func_as_ref(f);
  CHECK(wasm_ref_as_func(r) == f);
  wasm_ref_delete(r);
  CHECK_EQ_INT(wasm_func_param_arity(f), 0);
  CHECK(wasm_ref_as_func(wasm_func_as_ref(f)) == f);
  wasm_val_t v = WASM_REF_VAL(wasm_func_as_ref(f));
  wasm_val_delete(&v);  // also harmless
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(res);
  check_no_trap(wasm_func_call(f, &none, &rv), "f after its view was deleted");
  wasm_ref_t* copy = wasm_ref_copy(wasm_func_as_ref(f));  // a copy is owned
  CHECK(wasm_ref_same(copy, wasm_func_as_ref(f)));
  wasm_ref_delete(copy);
  wasm_func_delete(f);

  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_ref_delete(wasm_foreign_as_ref(foreign));
  wasm_ref_delete((wasm_ref_t*)wasm_foreign_as_ref_const(foreign));
  CHECK(wasm_foreign_get_host_info(foreign) == NULL);
  wasm_foreign_delete(foreign);

  wasm_trap_t* trap = wasm_trap_new(store, &(wasm_message_t)WASM_EMPTY_VEC);
  wasm_ref_delete(wasm_trap_as_ref(trap));
  wasm_trap_delete(trap);
  printf("deleting as_ref views is harmless\n");
}

// An engine per thread, as WAMR hosts have: the module compiled by the main
// engine is obtained, and instantiated directly, in each thread's engine.
#define THREADS 2
static wasm_shared_module_t* shared;
static wasm_module_t* main_module;

static void* worker(void* arg) {
  int id = (int)(intptr_t)arg;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_obtain(store, shared);
  CHECK(module != NULL);
  wasm_extern_vec_t none_imports = WASM_EMPTY_VEC;
  // The obtained module, and the main engine's module itself.
  wasm_module_t* modules[2] = {module, main_module};
  int32_t sum = 0;
  for (int m = 0; m < 2; m++) {
    wasm_trap_t* trap = NULL;
    wasm_instance_t* instance = wasm_instance_new(store, modules[m], &none_imports, &trap);
    check_no_trap(trap, "instantiation in another engine");
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_val_t a[2] = {WASM_I32_VAL(id), WASM_I32_VAL(40)};
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
    check_no_trap(wasm_func_call(export_func(&exports, 3), &av, &rv), "add");
    sum += r[0].of.i32;
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return (void*)(intptr_t)sum;
}

static void engine_per_thread(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  main_module = load_module(store, "compat");
  shared = wasm_module_share(main_module);
  CHECK(shared != NULL);

  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++)
    CHECK(pthread_create(&threads[i], NULL, worker, (void*)(intptr_t)i) == 0);
  for (int i = 0; i < THREADS; i++) {
    void* result;
    CHECK(pthread_join(threads[i], &result) == 0);
    printf("thread %d: 2 * (%d + 40) = %d\n", i, i, (int)(intptr_t)result);
  }

  // An engine whose configuration disagrees neither obtains nor
  // instantiates it.
  wasm_config_t* config = wasm_config_new();
  CHECK(brisk_config_bounds_checks_set(config, BRISK_BOUNDS_CHECKS_EXPLICIT));
  wasm_engine_t* other = wasm_engine_new_with_config(config);
  wasm_store_t* other_store = wasm_store_new(other);
  CHECK(wasm_module_obtain(other_store, shared) == NULL);
  wasm_extern_vec_t none_imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(other_store, main_module, &none_imports, &trap) == NULL);
  CHECK(trap != NULL);
  printf("other configuration: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  wasm_store_delete(other_store);
  wasm_engine_delete(other);

  wasm_shared_module_delete(shared);
  wasm_module_delete(main_module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  short_results(store);
  delete_views(store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  engine_per_thread();
  return 0;
}
