// Calls in both directions: host callbacks with and without environment
// (and their finalizers), nested wasm -> host -> wasm -> host, multi-value
// results, every value type, references passed through wasm.

#include "common.h"

static wasm_func_t* down_func;
static int env_finalized;
static int reentered;

// twice(x) = 2x, with an environment holding the multiplier.
static wasm_trap_t* twice(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * *(int*)env;
  return NULL;
}

static void finalize_env(void* env) {
  CHECK_EQ_INT(*(int*)env, 2);
  env_finalized++;
}

// reenter(n) = down(n) + 1: calls back into wasm from a host callback.
static wasm_trap_t* reenter(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  reentered++;
  wasm_val_t a[1] = {args->data[0]};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
  wasm_trap_t* trap = wasm_func_call(down_func, &av, &rv);
  if (trap) return trap;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = r[0].of.i32 + 1;
  return NULL;
}

static wasm_trap_t* multi(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ_INT(args->size, 2);
  CHECK_EQ_INT(args->data[0].kind, WASM_I64);
  CHECK_EQ_INT(args->data[1].kind, WASM_F32);
  CHECK_EQ_INT(results->size, 3);
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = (double)args->data[1].of.f32 * 2;
  results->data[1].kind = WASM_I64;
  results->data[1].of.i64 = args->data[0].of.i64 + 1;
  results->data[2].kind = WASM_I32;
  results->data[2].of.i32 = -1;
  return NULL;
}

static wasm_trap_t* sum10(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int64_t sum = 0;
  for (size_t i = 0; i < args->size; i++) sum += args->data[i].of.i32;
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = sum;
  return NULL;
}

static wasm_func_t* host_func(wasm_store_t* store, wasm_functype_t* type, wasm_func_callback_t cb) {
  wasm_func_t* f = wasm_func_new(store, type, cb);
  wasm_functype_delete(type);
  CHECK(f != NULL);
  return f;
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "calls");

  static int multiplier = 2;
  wasm_functype_t* i32_i32 = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* twice_f = wasm_func_new_with_env(store, i32_i32, twice, &multiplier, finalize_env);
  CHECK(twice_f != NULL);
  CHECK_EQ_INT(wasm_func_param_arity(twice_f), 1);
  CHECK_EQ_INT(wasm_func_result_arity(twice_f), 1);
  wasm_func_t* reenter_f = host_func(store, i32_i32, reenter);

  wasm_valtype_t* multi_results[3] = {wasm_valtype_new_f64(), wasm_valtype_new_i64(),
                                      wasm_valtype_new_i32()};
  wasm_valtype_t* multi_params[2] = {wasm_valtype_new_i64(), wasm_valtype_new_f32()};
  wasm_valtype_vec_t mp, mr;
  wasm_valtype_vec_new(&mp, 2, multi_params);
  wasm_valtype_vec_new(&mr, 3, multi_results);
  wasm_func_t* multi_f = host_func(store, wasm_functype_new(&mp, &mr), multi);

  wasm_valtype_vec_t sp, sr;
  wasm_valtype_vec_new_uninitialized(&sp, 10);
  for (int i = 0; i < 10; i++) sp.data[i] = wasm_valtype_new_i32();
  wasm_valtype_t* sum_result = wasm_valtype_new_i64();
  wasm_valtype_vec_new(&sr, 1, &sum_result);
  wasm_func_t* sum10_f = host_func(store, wasm_functype_new(&sp, &sr), sum10);

  wasm_functype_t* tt = wasm_func_type(multi_f);
  CHECK_EQ_INT(wasm_functype_params(tt)->size, 2);
  CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_results(tt)->data[0]), WASM_F64);
  wasm_functype_delete(tt);

  wasm_extern_t* imports[] = {wasm_func_as_extern(twice_f), wasm_func_as_extern(reenter_f),
                              wasm_func_as_extern(multi_f), wasm_func_as_extern(sum10_f)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  check_no_trap(trap, "instantiation");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  down_func = export_func(&exports, 0);

  // Host -> wasm -> host (with env).
  wasm_val_t a1[1] = {WASM_I32_VAL(0)};
  wasm_val_t r1[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a1v = WASM_ARRAY_VEC(a1), r1v = WASM_ARRAY_VEC(r1);
  check_no_trap(wasm_func_call(down_func, &a1v, &r1v), "down(0)");
  printf("down(0) = %d\n", r1[0].of.i32);
  // Nested: host -> wasm -> host -> wasm -> host -> wasm -> host.
  a1[0].of.i32 = 3;
  check_no_trap(wasm_func_call(down_func, &a1v, &r1v), "down(3)");
  printf("down(3) = %d (host re-entered %d times)\n", r1[0].of.i32, reentered);

  // Multi-value results, all four number types, from wasm.
  wasm_val_t a4[4] = {WASM_I32_VAL(1), WASM_I64_VAL(-2), WASM_F32_VAL(3.5f), WASM_F64_VAL(-4.25)};
  wasm_val_t r4[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t a4v = WASM_ARRAY_VEC(a4), r4v = WASM_ARRAY_VEC(r4);
  check_no_trap(wasm_func_call(export_func(&exports, 1), &a4v, &r4v), "swap");
  CHECK(r4[0].kind == WASM_F64 && r4[1].kind == WASM_F32 && r4[2].kind == WASM_I64 &&
        r4[3].kind == WASM_I32);
  printf("swap = %.2f %.2f %lld %d\n", r4[0].of.f64, (double)r4[1].of.f32,
         (long long)r4[2].of.i64, r4[3].of.i32);

  // Multi-value results from a host function, through wasm.
  wasm_val_t a2[2] = {WASM_I64_VAL(41), WASM_F32_VAL(1.25f)};
  wasm_val_t r3[3] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t a2v = WASM_ARRAY_VEC(a2), r3v = WASM_ARRAY_VEC(r3);
  check_no_trap(wasm_func_call(export_func(&exports, 2), &a2v, &r3v), "call_multi");
  printf("call_multi = %.2f %lld %d\n", r3[0].of.f64, (long long)r3[1].of.i64, r3[2].of.i32);
  // ... and called directly from the host.
  check_no_trap(wasm_func_call(multi_f, &a2v, &r3v), "multi");
  printf("multi = %.2f %lld %d\n", r3[0].of.f64, (long long)r3[1].of.i64, r3[2].of.i32);

  // Ten arguments to a host function.
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  check_no_trap(wasm_func_call(export_func(&exports, 3), &none, &r1v), "call_sum10");
  printf("call_sum10 = %lld\n", (long long)r1[0].of.i64);

  // An externref round trip keeps the object's identity and host info.
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info(foreign, &multiplier);
  wasm_val_t ea[1] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_t er[1] = {WASM_INIT_VAL};
  wasm_val_vec_t eav = WASM_ARRAY_VEC(ea), erv = WASM_ARRAY_VEC(er);
  check_no_trap(wasm_func_call(export_func(&exports, 4), &eav, &erv), "id_externref");
  CHECK_EQ_INT(er[0].kind, WASM_EXTERNREF);
  CHECK(er[0].of.ref != NULL && er[0].of.ref != ea[0].of.ref);
  CHECK(wasm_ref_same(er[0].of.ref, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_ref_get_host_info(er[0].of.ref) == &multiplier);
  wasm_val_delete(&er[0]);
  check_no_trap(wasm_func_call(export_func(&exports, 6), &eav, &r1v), "is_null");
  printf("is_null(foreign) = %d\n", r1[0].of.i32);
  // The null externref.
  wasm_val_t null_ref = WASM_REF_VAL(NULL);
  wasm_val_vec_t nv = {1, &null_ref};
  check_no_trap(wasm_func_call(export_func(&exports, 4), &nv, &erv), "id_externref(null)");
  CHECK(er[0].kind == WASM_EXTERNREF && er[0].of.ref == NULL);
  check_no_trap(wasm_func_call(export_func(&exports, 6), &nv, &r1v), "is_null");
  printf("is_null(null) = %d\n", r1[0].of.i32);

  // A funcref round trip gives back a callable function.
  wasm_val_t fa[1] = {{.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(twice_f)}}};
  wasm_val_vec_t fav = WASM_ARRAY_VEC(fa);
  check_no_trap(wasm_func_call(export_func(&exports, 5), &fav, &erv), "id_funcref");
  CHECK_EQ_INT(er[0].kind, WASM_FUNCREF);
  wasm_func_t* back = wasm_ref_as_func(er[0].of.ref);
  CHECK(back != NULL && wasm_func_same(back, twice_f));
  a1[0].of.i32 = 50;
  check_no_trap(wasm_func_call(back, &a1v, &r1v), "funcref call");
  printf("funcref(50) = %d\n", r1[0].of.i32);
  wasm_val_delete(&er[0]);

  // Mixed floats.
  wasm_val_t fd[2] = {WASM_F32_VAL(0.5f), WASM_F64_VAL(0.25)};
  wasm_val_vec_t fdv = WASM_ARRAY_VEC(fd);
  check_no_trap(wasm_func_call(export_func(&exports, 7), &fdv, &r1v), "fadd");
  printf("fadd = %.2f\n", r1[0].of.f64);
  wasm_val_t ll[2] = {WASM_I64_VAL(-3), WASM_I64_VAL(1LL << 40)};
  wasm_val_vec_t llv = WASM_ARRAY_VEC(ll);
  check_no_trap(wasm_func_call(export_func(&exports, 8), &llv, &r1v), "lmul");
  printf("lmul = %lld\n", (long long)r1[0].of.i64);
  check_no_trap(wasm_func_call(export_func(&exports, 9), &none, &none), "nop");
  // Null vectors are empty vectors.
  check_no_trap(wasm_func_call(export_func(&exports, 9), NULL, NULL), "nop");

  wasm_foreign_delete(foreign);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(twice_f);
  wasm_func_delete(reenter_f);
  wasm_func_delete(multi_f);
  wasm_func_delete(sum10_f);
  wasm_module_delete(module);
  CHECK_EQ_INT(env_finalized, 0);
  wasm_store_delete(store);
  CHECK_EQ_INT(env_finalized, 1);
  printf("environment finalized with the store\n");
  wasm_engine_delete(engine);
  return 0;
}
