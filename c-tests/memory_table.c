// Memories read, written and grown from the host; tables of funcref and
// externref holding wasm functions, host functions and host references.

#include "common.h"

static wasm_val_vec_t none = WASM_EMPTY_VEC;

static int32_t call1(wasm_func_t* f, int32_t x) {
  wasm_val_t a[1] = {WASM_I32_VAL(x)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a), rv = WASM_ARRAY_VEC(r);
  check_no_trap(wasm_func_call(f, &av, &rv), "call");
  return r[0].of.i32;
}

static int32_t call0(wasm_func_t* f) {
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  check_no_trap(wasm_func_call(f, &none, &rv), "call");
  return r[0].of.i32;
}

static wasm_trap_t* forty(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 40;
  return NULL;
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "memory_table");
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &no_imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  wasm_table_t* funcs = wasm_extern_as_table(exports.data[1]);
  wasm_table_t* externs = wasm_extern_as_table(exports.data[2]);
  wasm_func_t* load8 = export_func(&exports, 3);
  wasm_func_t* store8 = export_func(&exports, 4);
  wasm_func_t* size = export_func(&exports, 5);
  wasm_func_t* grow = export_func(&exports, 6);
  wasm_func_t* call = export_func(&exports, 7);
  wasm_func_t* get_extern = export_func(&exports, 8);
  wasm_func_t* set_extern = export_func(&exports, 9);
  CHECK(memory && funcs && externs);

  // Memory: the data segment is visible to the host...
  byte_t* data = wasm_memory_data(memory);
  CHECK_EQ_INT(wasm_memory_data_size(memory), 65536);
  CHECK_EQ_INT(wasm_memory_size(memory), 1);
  printf("data[16..21] = %.5s\n", data + 16);
  // ... host writes are visible to wasm, and wasm writes to the host.
  memcpy(data + 100, "world", 5);
  printf("load8(100) = %c\n", (char)call1(load8, 100));
  wasm_val_t sa[2] = {WASM_I32_VAL(200), WASM_I32_VAL('!')};
  wasm_val_vec_t sav = WASM_ARRAY_VEC(sa);
  check_no_trap(wasm_func_call(store8, &sav, &none), "store8");
  printf("data[200] = %c\n", data[200]);
  // Growing from the host and from wasm.
  CHECK(wasm_memory_grow(memory, 1));
  CHECK_EQ_INT(wasm_memory_size(memory), 2);
  CHECK_EQ_INT(wasm_memory_data_size(memory), 2 * 65536);
  data = wasm_memory_data(memory);
  data[65536 + 5] = 7;
  printf("after host grow: size() = %d, load8(65541) = %d\n", call0(size),
         call1(load8, 65536 + 5));
  printf("grow(1) = %d\n", call1(grow, 1));
  CHECK_EQ_INT(wasm_memory_size(memory), 3);
  CHECK(!wasm_memory_grow(memory, 1));  // past the maximum
  printf("grow(1) past max = %d\n", call1(grow, 1));
  CHECK(wasm_memory_grow(memory, 0));
  wasm_memorytype_t* mt = wasm_memory_type(memory);
  printf("memory type: min=%u max=%u\n", wasm_memorytype_limits(mt)->min,
         wasm_memorytype_limits(mt)->max);
  wasm_memorytype_delete(mt);

  // Funcref table: elements are callable functions.
  CHECK_EQ_INT(wasm_table_size(funcs), 3);
  wasm_ref_t* e0 = wasm_table_get(funcs, 0);
  wasm_ref_t* e1 = wasm_table_get(funcs, 1);
  CHECK(e0 && e1);
  CHECK(wasm_table_get(funcs, 2) == NULL);  // null element
  CHECK(wasm_table_get(funcs, 3) == NULL);  // out of bounds
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  check_no_trap(wasm_func_call(wasm_ref_as_func(e1), &none, &rv), "table element");
  printf("funcs[1]() = %d\n", r[0].of.i32);
  // A host function in a wasm table, called through call_indirect.
  wasm_functype_t* ft = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* forty_f = wasm_func_new(store, ft, forty);
  wasm_functype_delete(ft);
  CHECK(wasm_table_set(funcs, 2, wasm_func_as_ref(forty_f)));
  printf("call(2) = %d, call(0) = %d\n", call1(call, 2), call1(call, 0));
  wasm_ref_t* e2 = wasm_table_get(funcs, 2);
  CHECK(wasm_func_same(wasm_ref_as_func(e2), forty_f));
  CHECK(!wasm_table_set(funcs, 3, wasm_func_as_ref(forty_f)));  // out of bounds
  // A foreign object cannot go in a funcref table.
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  CHECK(!wasm_table_set(funcs, 0, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_table_grow(funcs, 2, wasm_func_as_ref(forty_f)));
  CHECK_EQ_INT(wasm_table_size(funcs), 5);
  printf("call(4) = %d\n", call1(call, 4));
  CHECK(wasm_table_set(funcs, 4, NULL));
  wasm_ref_delete(e0);
  wasm_ref_delete(e1);
  wasm_ref_delete(e2);

  // Externref table: host references stored by the host, read by wasm...
  wasm_foreign_set_host_info(foreign, &exports);
  CHECK(wasm_table_set(externs, 0, wasm_foreign_as_ref(foreign)));
  wasm_val_t ga[1] = {WASM_I32_VAL(0)};
  wasm_val_vec_t gav = WASM_ARRAY_VEC(ga);
  check_no_trap(wasm_func_call(get_extern, &gav, &rv), "get_extern");
  CHECK(r[0].kind == WASM_EXTERNREF && r[0].of.ref != NULL);
  CHECK(wasm_ref_same(r[0].of.ref, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_ref_get_host_info(r[0].of.ref) == &exports);
  wasm_val_delete(&r[0]);
  // ... and stored by wasm, read by the host.
  wasm_foreign_t* other = wasm_foreign_new(store);
  wasm_val_t xa[2] = {WASM_I32_VAL(1), WASM_REF_VAL(wasm_foreign_as_ref(other))};
  wasm_val_vec_t xav = WASM_ARRAY_VEC(xa);
  check_no_trap(wasm_func_call(set_extern, &xav, &none), "set_extern");
  wasm_ref_t* got = wasm_table_get(externs, 1);
  CHECK(got && wasm_ref_same(got, wasm_foreign_as_ref(other)));
  CHECK(!wasm_ref_same(got, wasm_foreign_as_ref(foreign)));
  wasm_ref_delete(got);
  // Growing past the maximum fails and leaves the table as it was.
  CHECK(!wasm_table_grow(externs, 4, NULL));
  CHECK(wasm_table_grow(externs, 3, wasm_foreign_as_ref(foreign)));
  CHECK_EQ_INT(wasm_table_size(externs), 5);
  got = wasm_table_get(externs, 4);
  CHECK(got && wasm_ref_same(got, wasm_foreign_as_ref(foreign)));
  wasm_ref_delete(got);
  // A host function can be an externref too.
  CHECK(wasm_table_set(externs, 2, wasm_func_as_ref(forty_f)));
  got = wasm_table_get(externs, 2);
  CHECK(got && wasm_func_same(wasm_ref_as_func(got), forty_f));
  wasm_ref_delete(got);
  wasm_tabletype_t* tt = wasm_table_type(externs);
  printf("externs type: kind=%d min=%u max=%u\n", wasm_valtype_kind(wasm_tabletype_element(tt)),
         wasm_tabletype_limits(tt)->min, wasm_tabletype_limits(tt)->max);
  wasm_tabletype_delete(tt);

  wasm_foreign_delete(foreign);
  wasm_foreign_delete(other);
  wasm_func_delete(forty_f);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("memory_table ok\n");
  return 0;
}
