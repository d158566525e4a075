// Objects the host creates without a module: globals of every value type,
// memories, tables, and host functions called directly.

#include "common.h"

static wasm_trap_t* negate(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = -args->data[0].of.f64;
  return NULL;
}

static wasm_global_t* global(wasm_store_t* store, wasm_valkind_t kind, wasm_mutability_t mut,
                             wasm_val_t init) {
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(kind), mut);
  wasm_global_t* g = wasm_global_new(store, gt, &init);
  wasm_globaltype_delete(gt);
  CHECK(g != NULL);
  wasm_globaltype_t* t = wasm_global_type(g);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_globaltype_content(t)), kind);
  CHECK_EQ_INT(wasm_globaltype_mutability(t), mut);
  wasm_globaltype_delete(t);
  return g;
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  // Globals of every type.
  wasm_global_t* gi32 = global(store, WASM_I32, WASM_VAR, (wasm_val_t)WASM_I32_VAL(-5));
  wasm_global_t* gi64 = global(store, WASM_I64, WASM_VAR, (wasm_val_t)WASM_I64_VAL(1LL << 40));
  wasm_global_t* gf32 = global(store, WASM_F32, WASM_CONST, (wasm_val_t)WASM_F32_VAL(1.5f));
  wasm_global_t* gf64 = global(store, WASM_F64, WASM_VAR, (wasm_val_t)WASM_F64_VAL(-2.25));
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_global_t* gext =
      global(store, WASM_EXTERNREF, WASM_VAR, (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(foreign)));
  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_f64(), wasm_valtype_new_f64());
  wasm_func_t* neg = wasm_func_new(store, ft, negate);
  wasm_functype_delete(ft);
  wasm_val_t null_func = {.kind = WASM_FUNCREF, .of = {.ref = NULL}};
  wasm_global_t* gfun = global(store, WASM_FUNCREF, WASM_VAR, null_func);

  wasm_val_t v;
  wasm_global_get(gi32, &v);
  printf("i32 %d\n", v.of.i32);
  wasm_global_get(gi64, &v);
  printf("i64 %lld\n", (long long)v.of.i64);
  wasm_global_get(gf32, &v);
  printf("f32 %.2f\n", (double)v.of.f32);
  wasm_global_get(gf64, &v);
  printf("f64 %.2f\n", v.of.f64);
  wasm_global_get(gext, &v);
  CHECK(v.kind == WASM_EXTERNREF && wasm_ref_same(v.of.ref, wasm_foreign_as_ref(foreign)));
  wasm_val_delete(&v);
  wasm_global_get(gfun, &v);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref == NULL);

  wasm_val_t set = WASM_I32_VAL(123);
  wasm_global_set(gi32, &set);
  set = (wasm_val_t)WASM_I64_VAL(-9);
  wasm_global_set(gi64, &set);
  set = (wasm_val_t)WASM_F64_VAL(0.5);
  wasm_global_set(gf64, &set);
  set = (wasm_val_t)WASM_REF_VAL(NULL);
  wasm_global_set(gext, &set);
  set.kind = WASM_FUNCREF;
  set.of.ref = wasm_func_as_ref(neg);
  wasm_global_set(gfun, &set);
  wasm_global_get(gi32, &v);
  printf("i32 %d\n", v.of.i32);
  wasm_global_get(gi64, &v);
  printf("i64 %lld\n", (long long)v.of.i64);
  wasm_global_get(gf64, &v);
  printf("f64 %.2f\n", v.of.f64);
  wasm_global_get(gext, &v);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref == NULL);
  wasm_global_get(gfun, &v);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref != NULL);
  wasm_func_t* from_global = wasm_ref_as_func(v.of.ref);
  CHECK(wasm_func_same(from_global, neg));

  // A host function called directly.
  wasm_val_t a[1] = {WASM_F64_VAL(4.5)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
  check_no_trap(wasm_func_call(from_global, &av, &rv), "negate");
  printf("negate(4.5) = %.2f\n", r[0].of.f64);
  wasm_val_delete(&v);

  // A memory.
  wasm_limits_t limits = {2, wasm_limits_max_default};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_memory_t* m = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  CHECK(m != NULL);
  CHECK_EQ_INT(wasm_memory_size(m), 2);
  CHECK_EQ_INT(wasm_memory_data_size(m), 2 * MEMORY_PAGE_SIZE);
  byte_t* data = wasm_memory_data(m);
  CHECK(data[0] == 0 && data[2 * MEMORY_PAGE_SIZE - 1] == 0);
  data[12345] = 42;
  CHECK(wasm_memory_grow(m, 3));
  CHECK_EQ_INT(wasm_memory_size(m), 5);
  CHECK_EQ_INT(wasm_memory_data(m)[12345], 42);
  CHECK_EQ_INT(wasm_memory_data(m)[5 * MEMORY_PAGE_SIZE - 1], 0);
  mt = wasm_memory_type(m);
  printf("memory min=%u max=%u\n", wasm_memorytype_limits(mt)->min,
         wasm_memorytype_limits(mt)->max);
  wasm_memorytype_delete(mt);
  wasm_extern_t* me = wasm_memory_as_extern(m);
  CHECK_EQ_INT(wasm_extern_kind(me), WASM_EXTERN_MEMORY);
  CHECK(wasm_extern_as_memory_const(wasm_memory_as_extern_const(m)) == m);

  // A table, initialised with a host function.
  wasm_limits_t tl = {3, 8};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &tl);
  wasm_table_t* t = wasm_table_new(store, tt, wasm_func_as_ref(neg));
  wasm_tabletype_delete(tt);
  CHECK(t != NULL);
  CHECK_EQ_INT(wasm_table_size(t), 3);
  wasm_ref_t* e = wasm_table_get(t, 2);
  CHECK(e && wasm_func_same(wasm_ref_as_func(e), neg));
  wasm_ref_delete(e);
  CHECK(wasm_table_grow(t, 5, NULL));
  CHECK(wasm_table_get(t, 7) == NULL);
  CHECK(wasm_extern_as_table_const(wasm_table_as_extern_const(t)) == t);
  CHECK(wasm_extern_as_global_const(wasm_global_as_extern_const(gi32)) == gi32);
  CHECK(wasm_extern_as_func_const(wasm_func_as_extern_const(neg)) == neg);
  wasm_externtype_t* et = wasm_extern_type(wasm_table_as_extern(t));
  const wasm_tabletype_t* ett = wasm_externtype_as_tabletype_const(et);
  printf("table min=%u max=%u\n", wasm_tabletype_limits(ett)->min, wasm_tabletype_limits(ett)->max);
  wasm_externtype_delete(et);

  wasm_global_delete(gi32);
  wasm_global_delete(gi64);
  wasm_global_delete(gf32);
  wasm_global_delete(gf64);
  wasm_global_delete(gext);
  wasm_global_delete(gfun);
  wasm_foreign_delete(foreign);
  wasm_func_delete(neg);
  wasm_memory_delete(m);
  wasm_table_delete(t);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("host objects ok\n");
  return 0;
}
