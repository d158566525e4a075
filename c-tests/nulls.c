// The null policy (src/capi/mod.rs, "Null pointers"): the pointers a host may
// leave null, and what null means there; and, for a few of the others (a
// null object, store, type or out parameter), the "nothing answer" they give
// instead of a crash. tests/capi_nulls.rs calls every function with nulls.

#include <stdint.h>

#include "common.h"

// What a kind accessor answers for null: no kind has it.
#define NO_KIND 0xff

static int finalized = 0;

static void count_finalizer(void* env) {
  CHECK(env == &finalized);
  finalized++;
}

static wasm_trap_t* nop(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(env == NULL && args->size == 0 && results->size == 0);
  return NULL;
}

#define NULL_GIVES_NULL(f) CHECK(f(NULL) == NULL)

// Deleting null does nothing, for every owned object and vector.
static void deletes(void) {
  wasm_config_delete(NULL);
  wasm_engine_delete(NULL);
  wasm_store_delete(NULL);
  wasm_valtype_delete(NULL);
  wasm_functype_delete(NULL);
  wasm_globaltype_delete(NULL);
  wasm_tabletype_delete(NULL);
  wasm_memorytype_delete(NULL);
  wasm_tagtype_delete(NULL);
  wasm_externtype_delete(NULL);
  wasm_importtype_delete(NULL);
  wasm_exporttype_delete(NULL);
  wasm_ref_delete(NULL);
  wasm_frame_delete(NULL);
  wasm_trap_delete(NULL);
  wasm_foreign_delete(NULL);
  wasm_module_delete(NULL);
  wasm_shared_module_delete(NULL);
  wasm_func_delete(NULL);
  wasm_global_delete(NULL);
  wasm_table_delete(NULL);
  wasm_memory_delete(NULL);
  wasm_extern_delete(NULL);
  wasm_instance_delete(NULL);
  wasm_val_delete(NULL);
  wasm_byte_vec_delete(NULL);
  wasm_valtype_vec_delete(NULL);
  wasm_functype_vec_delete(NULL);
  wasm_globaltype_vec_delete(NULL);
  wasm_tabletype_vec_delete(NULL);
  wasm_memorytype_vec_delete(NULL);
  wasm_tagtype_vec_delete(NULL);
  wasm_externtype_vec_delete(NULL);
  wasm_importtype_vec_delete(NULL);
  wasm_exporttype_vec_delete(NULL);
  wasm_val_vec_delete(NULL);
  wasm_frame_vec_delete(NULL);
  wasm_extern_vec_delete(NULL);
  printf("deleting null does nothing\n");
}

// Copying null gives null; two nulls are the same reference, and null is not
// an object.
static void copies(wasm_store_t* store) {
  NULL_GIVES_NULL(wasm_valtype_copy);
  NULL_GIVES_NULL(wasm_functype_copy);
  NULL_GIVES_NULL(wasm_globaltype_copy);
  NULL_GIVES_NULL(wasm_tabletype_copy);
  NULL_GIVES_NULL(wasm_memorytype_copy);
  NULL_GIVES_NULL(wasm_tagtype_copy);
  NULL_GIVES_NULL(wasm_externtype_copy);
  NULL_GIVES_NULL(wasm_importtype_copy);
  NULL_GIVES_NULL(wasm_exporttype_copy);
  NULL_GIVES_NULL(wasm_frame_copy);
  NULL_GIVES_NULL(wasm_ref_copy);
  NULL_GIVES_NULL(wasm_trap_copy);
  NULL_GIVES_NULL(wasm_foreign_copy);
  NULL_GIVES_NULL(wasm_module_copy);
  NULL_GIVES_NULL(wasm_func_copy);
  NULL_GIVES_NULL(wasm_global_copy);
  NULL_GIVES_NULL(wasm_table_copy);
  NULL_GIVES_NULL(wasm_memory_copy);
  NULL_GIVES_NULL(wasm_extern_copy);
  NULL_GIVES_NULL(wasm_instance_copy);

  CHECK(wasm_ref_same(NULL, NULL));
  CHECK(wasm_trap_same(NULL, NULL));
  CHECK(wasm_foreign_same(NULL, NULL));
  CHECK(wasm_module_same(NULL, NULL));
  CHECK(wasm_func_same(NULL, NULL));
  CHECK(wasm_global_same(NULL, NULL));
  CHECK(wasm_table_same(NULL, NULL));
  CHECK(wasm_memory_same(NULL, NULL));
  CHECK(wasm_extern_same(NULL, NULL));
  CHECK(wasm_instance_same(NULL, NULL));
  wasm_foreign_t* f = wasm_foreign_new(store);
  CHECK(f != NULL);
  CHECK(!wasm_foreign_same(f, NULL) && !wasm_foreign_same(NULL, f));
  CHECK(!wasm_ref_same(wasm_foreign_as_ref(f), NULL));
  CHECK(wasm_foreign_same(f, f));
  wasm_foreign_delete(f);
  printf("copying null gives null; two nulls are the same\n");
}

// Every conversion turns null into null.
static void conversions(void) {
  NULL_GIVES_NULL(wasm_func_as_extern);
  NULL_GIVES_NULL(wasm_global_as_extern);
  NULL_GIVES_NULL(wasm_table_as_extern);
  NULL_GIVES_NULL(wasm_memory_as_extern);
  NULL_GIVES_NULL(wasm_func_as_extern_const);
  NULL_GIVES_NULL(wasm_global_as_extern_const);
  NULL_GIVES_NULL(wasm_table_as_extern_const);
  NULL_GIVES_NULL(wasm_memory_as_extern_const);
  NULL_GIVES_NULL(wasm_extern_as_func);
  NULL_GIVES_NULL(wasm_extern_as_global);
  NULL_GIVES_NULL(wasm_extern_as_table);
  NULL_GIVES_NULL(wasm_extern_as_memory);
  NULL_GIVES_NULL(wasm_extern_as_func_const);
  NULL_GIVES_NULL(wasm_extern_as_global_const);
  NULL_GIVES_NULL(wasm_extern_as_table_const);
  NULL_GIVES_NULL(wasm_extern_as_memory_const);

  NULL_GIVES_NULL(wasm_trap_as_ref);
  NULL_GIVES_NULL(wasm_foreign_as_ref);
  NULL_GIVES_NULL(wasm_module_as_ref);
  NULL_GIVES_NULL(wasm_func_as_ref);
  NULL_GIVES_NULL(wasm_global_as_ref);
  NULL_GIVES_NULL(wasm_table_as_ref);
  NULL_GIVES_NULL(wasm_memory_as_ref);
  NULL_GIVES_NULL(wasm_extern_as_ref);
  NULL_GIVES_NULL(wasm_instance_as_ref);
  NULL_GIVES_NULL(wasm_trap_as_ref_const);
  NULL_GIVES_NULL(wasm_foreign_as_ref_const);
  NULL_GIVES_NULL(wasm_module_as_ref_const);
  NULL_GIVES_NULL(wasm_func_as_ref_const);
  NULL_GIVES_NULL(wasm_global_as_ref_const);
  NULL_GIVES_NULL(wasm_table_as_ref_const);
  NULL_GIVES_NULL(wasm_memory_as_ref_const);
  NULL_GIVES_NULL(wasm_extern_as_ref_const);
  NULL_GIVES_NULL(wasm_instance_as_ref_const);
  NULL_GIVES_NULL(wasm_ref_as_trap);
  NULL_GIVES_NULL(wasm_ref_as_foreign);
  NULL_GIVES_NULL(wasm_ref_as_module);
  NULL_GIVES_NULL(wasm_ref_as_func);
  NULL_GIVES_NULL(wasm_ref_as_global);
  NULL_GIVES_NULL(wasm_ref_as_table);
  NULL_GIVES_NULL(wasm_ref_as_memory);
  NULL_GIVES_NULL(wasm_ref_as_extern);
  NULL_GIVES_NULL(wasm_ref_as_instance);
  NULL_GIVES_NULL(wasm_ref_as_trap_const);
  NULL_GIVES_NULL(wasm_ref_as_foreign_const);
  NULL_GIVES_NULL(wasm_ref_as_module_const);
  NULL_GIVES_NULL(wasm_ref_as_func_const);
  NULL_GIVES_NULL(wasm_ref_as_global_const);
  NULL_GIVES_NULL(wasm_ref_as_table_const);
  NULL_GIVES_NULL(wasm_ref_as_memory_const);
  NULL_GIVES_NULL(wasm_ref_as_extern_const);
  NULL_GIVES_NULL(wasm_ref_as_instance_const);

  NULL_GIVES_NULL(wasm_functype_as_externtype);
  NULL_GIVES_NULL(wasm_globaltype_as_externtype);
  NULL_GIVES_NULL(wasm_tabletype_as_externtype);
  NULL_GIVES_NULL(wasm_memorytype_as_externtype);
  NULL_GIVES_NULL(wasm_tagtype_as_externtype);
  NULL_GIVES_NULL(wasm_functype_as_externtype_const);
  NULL_GIVES_NULL(wasm_globaltype_as_externtype_const);
  NULL_GIVES_NULL(wasm_tabletype_as_externtype_const);
  NULL_GIVES_NULL(wasm_memorytype_as_externtype_const);
  NULL_GIVES_NULL(wasm_tagtype_as_externtype_const);
  NULL_GIVES_NULL(wasm_externtype_as_functype);
  NULL_GIVES_NULL(wasm_externtype_as_globaltype);
  NULL_GIVES_NULL(wasm_externtype_as_tabletype);
  NULL_GIVES_NULL(wasm_externtype_as_memorytype);
  NULL_GIVES_NULL(wasm_externtype_as_tagtype);
  NULL_GIVES_NULL(wasm_externtype_as_functype_const);
  NULL_GIVES_NULL(wasm_externtype_as_globaltype_const);
  NULL_GIVES_NULL(wasm_externtype_as_tabletype_const);
  NULL_GIVES_NULL(wasm_externtype_as_memorytype_const);
  NULL_GIVES_NULL(wasm_externtype_as_tagtype_const);
  printf("converting null gives null\n");
}

// A null vector argument is the empty vector, and `data` may be null when
// there are no elements.
static void vectors(wasm_store_t* store) {
  wasm_byte_vec_t bytes;
  wasm_byte_vec_copy(&bytes, NULL);
  CHECK(bytes.size == 0 && bytes.data == NULL);
  wasm_byte_vec_delete(&bytes);
  wasm_val_vec_t vals;
  wasm_val_vec_new(&vals, 0, NULL);
  CHECK(vals.size == 0);
  wasm_val_vec_delete(&vals);
  wasm_extern_vec_t externs;
  wasm_extern_vec_copy(&externs, NULL);
  CHECK(externs.size == 0);
  wasm_extern_vec_delete(&externs);

  wasm_functype_t* ft = wasm_functype_new(NULL, NULL);
  CHECK(ft != NULL);
  CHECK(wasm_functype_params(ft)->size == 0 && wasm_functype_results(ft)->size == 0);
  wasm_functype_delete(ft);

  // A null binary is empty, which is not a module.
  CHECK(wasm_module_new(store, NULL) == NULL);
  CHECK(!wasm_module_validate(store, NULL));
  CHECK(wasm_module_deserialize(store, NULL) == NULL);

  // A null message is the empty one: just its NUL.
  wasm_trap_t* t = wasm_trap_new(store, NULL);
  CHECK(t != NULL);
  wasm_message_t msg;
  wasm_trap_message(t, &msg);
  CHECK(msg.size == 1 && msg.data[0] == 0);
  wasm_byte_vec_delete(&msg);
  wasm_trap_delete(t);
  printf("a null vector is the empty vector\n");
}

// Calls and instantiation: null arguments, results and imports are empty
// vectors, and the trap out-parameter is optional.
static void calls(wasm_store_t* store) {
  wasm_module_t* module = load_module(store, "nulls");
  wasm_trap_t* trap = (wasm_trap_t*)&trap;  // not null: a success overwrites it
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, &trap);
  CHECK(instance != NULL && trap == NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 4);
  wasm_global_t* count = wasm_extern_as_global(exports.data[0]);
  CHECK(count != NULL);
  wasm_func_t* bump = export_func(&exports, 1);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(bump, NULL, NULL) == NULL);
  CHECK(wasm_func_call(bump, &none, NULL) == NULL);
  CHECK(wasm_func_call(bump, NULL, &none) == NULL);
  wasm_val_t v;
  wasm_global_get(count, &v);
  CHECK(v.kind == WASM_I32);
  printf("bump() with null vectors: count = %d\n", v.of.i32);

  // Where there are results or parameters, an empty vector is the wrong
  // count: a trap.
  trap = wasm_func_call(export_func(&exports, 2), NULL, NULL);
  CHECK(trap != NULL);
  fprintf(stderr, "one() with null results: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  trap = wasm_func_call(export_func(&exports, 3), NULL, &rv);
  CHECK(trap != NULL);
  wasm_trap_delete(trap);
  printf("null vectors of the wrong size trap\n");
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);

  // A module with imports, given none: null, and the reason if asked.
  module = load_module(store, "errors");
  trap = NULL;
  CHECK(wasm_instance_new(store, module, NULL, &trap) == NULL);
  CHECK(trap != NULL);
  fprintf(stderr, "errors.wasm without imports: %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  CHECK(wasm_instance_new(store, module, NULL, NULL) == NULL);
  wasm_module_delete(module);
  printf("null imports are no imports\n");
}

// A constructor given a null owned part returns null, having deleted the
// parts it took (the leak check sees to that); a null callback is no
// function; a null finalizer is none.
static void parts(wasm_store_t* store) {
  CHECK(wasm_globaltype_new(NULL, WASM_CONST) == NULL);
  CHECK(wasm_globaltype_new(wasm_valtype_new(77), WASM_VAR) == NULL);
  CHECK(wasm_globaltype_new(wasm_valtype_new_i32(), 7) == NULL);
  wasm_limits_t limits = {1, 2};
  CHECK(wasm_tabletype_new(NULL, &limits) == NULL);
  CHECK(wasm_tagtype_new(NULL) == NULL);
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, "m");
  wasm_name_new_from_string(&name, "n");
  CHECK(wasm_importtype_new(&module, &name, NULL) == NULL);
  wasm_name_new_from_string(&name, "n");
  CHECK(wasm_exporttype_new(&name, NULL) == NULL);
  CHECK(wasm_importtype_new(NULL, NULL, NULL) == NULL);

  wasm_functype_t* ft = wasm_functype_new_0_0();
  CHECK(wasm_func_new(store, ft, NULL) == NULL);
  finalized = 0;
  CHECK(wasm_func_new_with_env(store, ft, NULL, &finalized, count_finalizer) == NULL);
  CHECK_EQ_INT(finalized, 1);
  wasm_func_t* f = wasm_func_new_with_env(store, ft, nop, NULL, NULL);
  CHECK(f != NULL);
  CHECK(wasm_func_call(f, NULL, NULL) == NULL);
  wasm_func_set_host_info_with_finalizer(f, &finalized, NULL);
  CHECK(wasm_func_get_host_info(f) == &finalized);
  wasm_func_delete(f);
  wasm_functype_delete(ft);
  printf("a null part makes a constructor return null\n");
}

// A null where the standard passes an object: the call does nothing and
// gives its nothing answer, never a plausible value.
static void nothing_answers(wasm_store_t* store) {
  // Kinds: 0xff, which no kind has (0 would read as WASM_I32).
  CHECK_EQ_INT(wasm_valtype_kind(NULL), NO_KIND);
  CHECK_EQ_INT(wasm_externtype_kind(NULL), NO_KIND);
  CHECK_EQ_INT(wasm_extern_kind(NULL), NO_KIND);
  CHECK_EQ_INT(wasm_globaltype_mutability(NULL), NO_KIND);
  // Pointers, sizes, bools: null, 0, false; indices and offsets: all ones.
  CHECK(wasm_store_new(NULL) == NULL);
  CHECK(wasm_functype_params(NULL) == NULL && wasm_importtype_name(NULL) == NULL);
  CHECK(wasm_memory_data(NULL) == NULL && wasm_memory_data_size(NULL) == 0);
  CHECK(wasm_memory_size(NULL) == 0 && !wasm_memory_grow(NULL, 1));
  CHECK(wasm_table_get(NULL, 0) == NULL && wasm_table_size(NULL) == 0);
  CHECK(!wasm_table_set(NULL, 0, NULL) && !wasm_table_grow(NULL, 1, NULL));
  CHECK(wasm_func_param_arity(NULL) == 0 && wasm_func_type(NULL) == NULL);
  CHECK(wasm_func_get_host_info(NULL) == NULL && wasm_trap_origin(NULL) == NULL);
  CHECK(wasm_frame_func_index(NULL) == UINT32_MAX);
  CHECK(wasm_frame_func_offset(NULL) == SIZE_MAX && wasm_frame_module_offset(NULL) == SIZE_MAX);
  wasm_byte_vec_t bytes = WASM_EMPTY_VEC;
  CHECK(wasm_module_new(NULL, &bytes) == NULL && !wasm_module_validate(NULL, &bytes));
  // Out parameters: the empty vector, or a value of no kind.
  wasm_exporttype_vec_t exports;
  wasm_module_exports(NULL, &exports);
  CHECK(exports.size == 0 && exports.data == NULL);
  wasm_message_t msg;
  wasm_trap_message(NULL, &msg);
  CHECK(msg.size == 0 && msg.data == NULL);
  wasm_val_t v = WASM_I32_VAL(7);
  wasm_global_get(NULL, &v);
  CHECK_EQ_INT(v.kind, NO_KIND);
  wasm_val_delete(&v);
  wasm_val_copy(&v, NULL);
  CHECK_EQ_INT(v.kind, NO_KIND);
  // A null out parameter receives nothing; what the call owned is released.
  wasm_module_exports(NULL, NULL);
  wasm_valtype_t* owned = wasm_valtype_new_i32();
  wasm_valtype_vec_new(NULL, 1, &owned);
  CHECK(wasm_tabletype_new(wasm_valtype_new_funcref(), NULL) == NULL);
  printf("a null handle gives the nothing answer\n");

  // Calls trap, even with no store to find.
  wasm_trap_t* trap = wasm_func_call(NULL, NULL, NULL);
  CHECK(trap != NULL);
  printf("wasm_func_call(NULL): %s\n", trap_message(trap));
  wasm_trap_delete(trap);
  trap = NULL;
  CHECK(wasm_instance_new(store, NULL, NULL, &trap) == NULL);
  CHECK(trap != NULL);
  printf("wasm_instance_new(store, NULL): %s\n", trap_message(trap));
  wasm_trap_delete(trap);

  // Setters do nothing, and a finalizer given along does not run; a host
  // function that cannot be made runs its environment's finalizer.
  wasm_global_set(NULL, &v);
  finalized = 0;
  wasm_func_set_host_info_with_finalizer(NULL, &finalized, count_finalizer);
  CHECK_EQ_INT(finalized, 0);
  wasm_functype_t* ft = wasm_functype_new_0_0();
  CHECK(wasm_func_new_with_env(NULL, ft, nop, &finalized, count_finalizer) == NULL);
  CHECK_EQ_INT(finalized, 1);
  CHECK(wasm_func_new(store, NULL, NULL) == NULL);
  wasm_functype_delete(ft);
  printf("null setters do nothing\n");
}

// References: null is the null reference.
static void null_refs(wasm_store_t* store) {
  wasm_limits_t limits = {1, 10};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_externref(), &limits);
  wasm_table_t* t = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  CHECK(t != NULL && wasm_table_get(t, 0) == NULL);
  // The table as an element of itself: one object passed twice.
  CHECK(wasm_table_set(t, 0, wasm_table_as_ref(t)));
  wasm_ref_t* r = wasm_table_get(t, 0);
  CHECK(r != NULL && wasm_table_same(wasm_ref_as_table(r), t));
  wasm_ref_delete(r);
  CHECK(wasm_table_set(t, 0, NULL));
  CHECK(wasm_table_get(t, 0) == NULL);
  CHECK(wasm_table_grow(t, 1, NULL));
  CHECK_EQ_INT(wasm_table_size(t), 2);
  CHECK(wasm_table_get(t, 1) == NULL);
  wasm_table_delete(t);

  wasm_val_t v = WASM_REF_VAL(NULL);
  wasm_val_t c;
  wasm_val_copy(&c, &v);
  CHECK(c.kind == WASM_EXTERNREF && c.of.ref == NULL);
  wasm_val_delete(&c);
  printf("null is the null reference\n");
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  deletes();
  conversions();
  // A null configuration is the default one.
  wasm_engine_t* engine = wasm_engine_new_with_config(NULL);
  CHECK(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(store != NULL);
  copies(store);
  vectors(store);
  calls(store);
  parts(store);
  null_refs(store);
  nothing_answers(store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
