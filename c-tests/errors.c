// Bad input: invalid or malformed bytes, null imports, wrong imports, values
// of the wrong type, growing past a maximum. Each is refused cleanly. (Null
// arguments where the standard allows them are nulls.c's.)

#include "common.h"

static wasm_trap_t* identity(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0] = args->data[0];
  return NULL;
}

static void expect_instance_error(wasm_store_t* store, wasm_module_t* module,
                                  wasm_extern_t** externs, size_t n, const char* label) {
  wasm_extern_vec_t imports = {n, externs};
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance == NULL);
  CHECK(trap != NULL);
  printf("%s: refused\n", label);
  fprintf(stderr, "%s: %s\n", label, trap_message(trap));
  wasm_trap_delete(trap);
  // Without a trap out-parameter, the error is only the null result.
  CHECK(wasm_instance_new(store, module, &imports, NULL) == NULL);
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  // Validation.
  wasm_byte_vec_t good;
  load_wasm("errors", &good);
  CHECK(wasm_module_validate(store, &good));
  wasm_byte_vec_t bad;
  wasm_byte_vec_new(&bad, 8, "\0asm\1\0\0\0");
  CHECK(wasm_module_validate(store, &bad));  // the empty module is valid
  bad.data[4] = 2;                           // unknown version
  CHECK(!wasm_module_validate(store, &bad));
  CHECK(wasm_module_new(store, &bad) == NULL);
  wasm_byte_vec_delete(&bad);
  wasm_byte_vec_new(&bad, 4, "junk");
  CHECK(!wasm_module_validate(store, &bad));
  CHECK(wasm_module_new(store, &bad) == NULL);
  wasm_byte_vec_delete(&bad);
  // Truncated module.
  wasm_byte_vec_t cut = {good.size - 3, good.data};
  CHECK(!wasm_module_validate(store, &cut));
  CHECK(wasm_module_new(store, &cut) == NULL);
  // Well-formed but invalid: (func (result i32) (i64.const 0)).
  static const char invalid[] = "\0asm\1\0\0\0"
                                "\1\5\1\x60\0\1\x7f"  // type: [] -> [i32]
                                "\3\2\1\0"            // one function of type 0
                                "\n\6\1\4\0\x42\0\x0b";  // body: i64.const 0; end
  wasm_byte_vec_t inv = {sizeof invalid - 1, (char*)invalid};
  CHECK(!wasm_module_validate(store, &inv));
  CHECK(wasm_module_new(store, &inv) == NULL);
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  CHECK(!wasm_module_validate(store, &empty));
  CHECK(wasm_module_new(store, &empty) == NULL);
  // A null binary is the empty vector (see nulls.c); a null store is
  // undefined behaviour, as everywhere the standard passes an object.
  CHECK(wasm_module_new(store, NULL) == NULL);
  CHECK(!wasm_module_validate(store, NULL));
  printf("invalid modules refused\n");

  wasm_module_t* module = wasm_module_new(store, &good);
  CHECK(module != NULL);
  wasm_byte_vec_delete(&good);

  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new(store, ft, identity);
  wasm_functype_delete(ft);
  ft = wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_i32());
  wasm_func_t* wrong_f = wasm_func_new(store, ft, identity);
  wasm_functype_delete(ft);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t seven = WASM_I32_VAL(7);
  wasm_global_t* g = wasm_global_new(store, gt, &seven);
  wasm_globaltype_delete(gt);
  CHECK(f && wrong_f && g);

  // Wrong import counts and types.
  wasm_extern_t* too_few[] = {wasm_func_as_extern(f)};
  expect_instance_error(store, module, too_few, 1, "too few imports");
  wasm_extern_t* too_many[] = {wasm_func_as_extern(f), wasm_global_as_extern(g),
                               wasm_func_as_extern(f)};
  expect_instance_error(store, module, too_many, 3, "too many imports");
  wasm_extern_t* swapped[] = {wasm_global_as_extern(g), wasm_func_as_extern(f)};
  expect_instance_error(store, module, swapped, 2, "imports of the wrong kind");
  wasm_extern_t* mistyped[] = {wasm_func_as_extern(wrong_f), wasm_global_as_extern(g)};
  expect_instance_error(store, module, mistyped, 2, "function of the wrong type");
  wasm_extern_t* with_null[] = {NULL, wasm_global_as_extern(g)};
  expect_instance_error(store, module, with_null, 2, "null import");

  // A start function that traps: no instance, and the trap says why.
  wasm_module_t* start_trap = load_module(store, "start_trap");
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_trap_t* start = NULL;
  CHECK(wasm_instance_new(store, start_trap, &no_imports, &start) == NULL);
  CHECK(start != NULL);
  printf("start function: %s\n", trap_message(start));
  wasm_frame_t* start_frame = wasm_trap_origin(start);
  CHECK(start_frame != NULL);
  CHECK_EQ_INT(wasm_frame_func_index(start_frame), 0);
  wasm_frame_delete(start_frame);
  wasm_trap_delete(start);
  wasm_module_delete(start_trap);

  // The right imports work.
  wasm_extern_t* right[] = {wasm_func_as_extern(f), wasm_global_as_extern(g)};
  wasm_extern_vec_t right_vec = WASM_ARRAY_VEC(right);
  wasm_instance_t* instance = wasm_instance_new(store, module, &right_vec, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* run = export_func(&exports, 0);

  // Calls with the wrong arguments are refused with a trap; too little room
  // for the results runs the function, then traps (see compat.c).
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  check_no_trap(wasm_func_call(run, &none, &rv), "run");
  printf("run() = %d\n", r[0].of.i32);
  wasm_val_t one_arg[1] = {WASM_I32_VAL(1)};
  wasm_val_vec_t one_arg_vec = WASM_ARRAY_VEC(one_arg);
  // The message says what is wrong: which count, which argument's type.
  wasm_trap_t* trap = wasm_func_call(run, &one_arg_vec, &rv);
  CHECK(trap != NULL);
  printf("%s\n", trap_message(trap));
  wasm_trap_delete(trap);
  trap = wasm_func_call(run, &none, &none);
  CHECK(trap != NULL);
  printf("%s\n", trap_message(trap));
  wasm_trap_delete(trap);
  wasm_val_t i64_arg[1] = {WASM_I64_VAL(1)};
  wasm_val_vec_t i64_vec = WASM_ARRAY_VEC(i64_arg);
  trap = wasm_func_call(f, &i64_vec, &rv);
  CHECK(trap != NULL);
  printf("%s\n", trap_message(trap));
  wasm_trap_delete(trap);
  printf("mismatched calls refused\n");

  // Globals: a value of the wrong kind is refused, a constant stays constant.
  wasm_val_t wrong = WASM_F64_VAL(1.5);
  gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  CHECK(wasm_global_new(store, gt, &wrong) == NULL);
  wasm_global_t* var = wasm_global_new(store, gt, &seven);
  wasm_globaltype_delete(gt);
  wasm_global_set(var, &wrong);
  wasm_val_t v;
  wasm_global_get(var, &v);
  CHECK(v.kind == WASM_I32 && v.of.i32 == 7);
  wasm_val_t eight = WASM_I32_VAL(8);
  wasm_global_set(var, &eight);
  wasm_global_get(var, &v);
  CHECK_EQ_INT(v.of.i32, 8);
  wasm_global_set(g, &eight);  // constant
  wasm_global_get(g, &v);
  CHECK_EQ_INT(v.of.i32, 7);
  printf("global type errors refused\n");

  // Memories and tables refuse to grow past their maximum or the limit.
  wasm_limits_t limits = {1, 2};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_memory_t* m = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  CHECK(!wasm_memory_grow(m, 2));
  CHECK(wasm_memory_grow(m, 1));
  CHECK(!wasm_memory_grow(m, 1));
  CHECK_EQ_INT(wasm_memory_size(m), 2);
  wasm_limits_t bad_limits = {3, 2};
  mt = wasm_memorytype_new(&bad_limits);
  CHECK(wasm_memory_new(store, mt) == NULL);
  wasm_memorytype_delete(mt);
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* t = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  CHECK(!wasm_table_grow(t, 5, NULL));
  CHECK(wasm_table_grow(t, 1, NULL));
  CHECK(!wasm_table_grow(t, 1, NULL));
  CHECK(!wasm_table_set(t, 2, NULL));
  CHECK_EQ_INT(wasm_table_size(t), 2);
  // A funcref table refuses a foreign object as its initial value.
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  CHECK(wasm_table_new(store, tt, wasm_foreign_as_ref(foreign)) == NULL);
  wasm_tabletype_delete(tt);
  wasm_foreign_delete(foreign);
  printf("growth past the maximum refused\n");

  wasm_memory_delete(m);
  wasm_table_delete(t);
  wasm_global_delete(var);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(f);
  wasm_func_delete(wrong_f);
  wasm_global_delete(g);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
