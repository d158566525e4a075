// Instantiation with imports of all four kinds, the start function, and
// reflection of import and export types.

#include "common.h"

static wasm_trap_t* add(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static wasm_trap_t* seven(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 7;
  return NULL;
}

static const char* kind_name(wasm_externkind_t k) {
  switch (k) {
    case WASM_EXTERN_FUNC: return "func";
    case WASM_EXTERN_GLOBAL: return "global";
    case WASM_EXTERN_TABLE: return "table";
    case WASM_EXTERN_MEMORY: return "memory";
    default: return "?";
  }
}

static void print_type(const wasm_externtype_t* t) {
  switch (wasm_externtype_kind(t)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t* f = wasm_externtype_as_functype_const(t);
      printf("func %zu -> %zu", wasm_functype_params(f)->size, wasm_functype_results(f)->size);
      break;
    }
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(t);
      printf("global kind=%d mut=%d", wasm_valtype_kind(wasm_globaltype_content(g)),
             wasm_globaltype_mutability(g));
      break;
    }
    case WASM_EXTERN_TABLE: {
      const wasm_tabletype_t* tt = wasm_externtype_as_tabletype_const(t);
      printf("table kind=%d min=%u max=%u", wasm_valtype_kind(wasm_tabletype_element(tt)),
             wasm_tabletype_limits(tt)->min, wasm_tabletype_limits(tt)->max);
      break;
    }
    case WASM_EXTERN_MEMORY: {
      const wasm_memorytype_t* m = wasm_externtype_as_memorytype_const(t);
      printf("memory min=%u max=%u", wasm_memorytype_limits(m)->min,
             wasm_memorytype_limits(m)->max);
      break;
    }
  }
}

static int32_t call_i32(wasm_func_t* f, wasm_val_t* args, size_t nargs) {
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = {nargs, args};
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);
  check_no_trap(wasm_func_call(f, &a, &r), "call");
  CHECK_EQ_INT(results[0].kind, WASM_I32);
  return results[0].of.i32;
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "instance");

  // Reflection.
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  for (size_t i = 0; i < imports.size; i++) {
    const wasm_name_t* m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t* n = wasm_importtype_name(imports.data[i]);
    printf("import %.*s.%.*s: ", (int)m->size, m->data, (int)n->size, n->data);
    print_type(wasm_importtype_type(imports.data[i]));
    printf("\n");
  }
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_t exports_t;
  wasm_module_exports(module, &exports_t);
  for (size_t i = 0; i < exports_t.size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(exports_t.data[i]);
    printf("export %.*s: ", (int)n->size, n->data);
    print_type(wasm_exporttype_type(exports_t.data[i]));
    printf("\n");
  }
  wasm_exporttype_vec_delete(&exports_t);

  // Host objects for the four imports.
  wasm_functype_t* add_t = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                 wasm_valtype_new_i32());
  wasm_func_t* add_f = wasm_func_new(store, add_t, add);
  wasm_functype_delete(add_t);
  wasm_globaltype_t* counter_t = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t ten = WASM_I64_VAL(10);
  wasm_global_t* counter = wasm_global_new(store, counter_t, &ten);
  wasm_globaltype_delete(counter_t);
  wasm_limits_t tlimits = {2, 10};
  wasm_tabletype_t* table_t = wasm_tabletype_new(wasm_valtype_new_funcref(), &tlimits);
  wasm_table_t* table = wasm_table_new(store, table_t, NULL);
  wasm_tabletype_delete(table_t);
  wasm_limits_t mlimits = {1, 4};
  wasm_memorytype_t* memory_t = wasm_memorytype_new(&mlimits);
  wasm_memory_t* memory = wasm_memory_new(store, memory_t);
  wasm_memorytype_delete(memory_t);
  CHECK(add_f && counter && table && memory);

  wasm_functype_t* seven_t = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* seven_f = wasm_func_new(store, seven_t, seven);
  wasm_functype_delete(seven_t);
  CHECK(wasm_table_set(table, 1, wasm_func_as_ref(seven_f)));
  wasm_memory_data(memory)[8] = 99;

  wasm_extern_t* externs[] = {wasm_func_as_extern(add_f), wasm_global_as_extern(counter),
                              wasm_table_as_extern(table), wasm_memory_as_extern(memory)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  check_no_trap(trap, "instantiation");
  CHECK(instance != NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK_EQ_INT(exports.size, 10);
  for (size_t i = 0; i < exports.size; i++) {
    printf("instance export %zu: %s\n", i, kind_name(wasm_extern_kind(exports.data[i])));
    wasm_externtype_t* t = wasm_extern_type(exports.data[i]);
    CHECK_EQ_INT(wasm_externtype_kind(t), wasm_extern_kind(exports.data[i]));
    wasm_externtype_delete(t);
  }

  // The start function ran.
  printf("started = %d\n", call_i32(export_func(&exports, 2), NULL, 0));
  // Function import.
  wasm_val_t args[2] = {WASM_I32_VAL(40), WASM_I32_VAL(2)};
  printf("call_add(40, 2) = %d\n", call_i32(export_func(&exports, 0), args, 2));
  // Global import: wasm and host see the same global.
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  check_no_trap(wasm_func_call(export_func(&exports, 1), &none, &rv), "bump");
  printf("bump() = %lld\n", (long long)r[0].of.i64);
  wasm_val_t g;
  wasm_global_get(counter, &g);
  printf("host sees counter = %lld\n", (long long)g.of.i64);
  wasm_global_t* exported_counter = wasm_extern_as_global(exports.data[8]);
  CHECK(wasm_global_same(exported_counter, counter));
  // Memory import.
  wasm_val_t eight = WASM_I32_VAL(8);
  printf("load(8) = %d\n", call_i32(export_func(&exports, 3), &eight, 1));
  CHECK(wasm_memory_same(wasm_extern_as_memory(exports.data[6]), memory));
  // Table import.
  printf("table_size() = %d\n", call_i32(export_func(&exports, 4), NULL, 0));
  wasm_val_t one = WASM_I32_VAL(1);
  printf("call_table(1) = %d\n", call_i32(export_func(&exports, 5), &one, 1));
  CHECK(wasm_table_same(wasm_extern_as_table(exports.data[7]), table));
  // A defined immutable global.
  wasm_global_t* pi = wasm_extern_as_global(exports.data[9]);
  wasm_globaltype_t* pi_t = wasm_global_type(pi);
  CHECK_EQ_INT(wasm_globaltype_mutability(pi_t), WASM_CONST);
  wasm_globaltype_delete(pi_t);
  wasm_val_t piv;
  wasm_global_get(pi, &piv);
  CHECK_EQ_INT(piv.kind, WASM_F64);
  printf("pi = %.2f\n", piv.of.f64);

  // Instance as a reference.
  wasm_instance_t* copy = wasm_instance_copy(instance);
  CHECK(wasm_instance_same(copy, instance));
  CHECK(wasm_ref_as_instance(wasm_instance_as_ref(copy)) == copy);
  CHECK(wasm_ref_as_instance_const(wasm_instance_as_ref_const(copy)) == copy);
  wasm_instance_set_host_info(copy, (void*)&exports);
  CHECK(wasm_instance_get_host_info(instance) == (void*)&exports);
  wasm_instance_set_host_info_with_finalizer(instance, NULL, NULL);
  wasm_instance_delete(copy);

  // Module as a reference.
  wasm_module_t* mcopy = wasm_module_copy(module);
  CHECK(wasm_module_same(mcopy, module));
  CHECK(wasm_ref_as_module(wasm_module_as_ref(mcopy)) == mcopy);
  CHECK(wasm_ref_as_module_const(wasm_module_as_ref_const(mcopy)) == mcopy);
  wasm_module_set_host_info(mcopy, (void*)&exports);
  CHECK(wasm_module_get_host_info(module) == (void*)&exports);
  wasm_module_set_host_info_with_finalizer(module, NULL, NULL);
  wasm_module_delete(mcopy);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add_f);
  wasm_func_delete(seven_f);
  wasm_global_delete(counter);
  wasm_table_delete(table);
  wasm_memory_delete(memory);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
