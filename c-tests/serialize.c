// wasm_module_serialize / wasm_module_deserialize: a round trip in another
// store, and corrupted or foreign data rejected.

#include "common.h"

static void run(wasm_store_t* store, wasm_module_t* module, const char* label) {
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t rv = WASM_ARRAY_VEC(r);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  check_no_trap(wasm_func_call(export_func(&exports, 1), &none, &rv), "answer");
  int32_t answer = r[0].of.i32;
  wasm_val_t a[1] = {WASM_I64_VAL(-12)};
  wasm_val_vec_t av = WASM_ARRAY_VEC(a);
  check_no_trap(wasm_func_call(export_func(&exports, 2), &av, &rv), "square");
  printf("%s: answer() = %d, square(-12) = %lld\n", label, answer, (long long)r[0].of.i64);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
}

int main(int argc, char** argv) {
  init_test(argc, argv);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store, "serialize");
  run(store, module, "compiled");

  wasm_byte_vec_t blob;
  wasm_module_serialize(module, &blob);
  CHECK(blob.size > 0);
  wasm_module_delete(module);
  wasm_store_delete(store);

  store = wasm_store_new(engine);
  wasm_module_t* loaded = wasm_module_deserialize(store, &blob);
  CHECK(loaded != NULL);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(loaded, &exports);
  printf("deserialized module exports %zu items\n", exports.size);
  wasm_exporttype_vec_delete(&exports);
  run(store, loaded, "deserialized");
  wasm_module_delete(loaded);

  // Corrupted: one byte flipped in the middle, or cut short.
  blob.data[blob.size / 2] ^= 0x55;
  CHECK(wasm_module_deserialize(store, &blob) == NULL);
  blob.data[blob.size / 2] ^= 0x55;
  wasm_byte_vec_t cut = {blob.size - 1, blob.data};
  CHECK(wasm_module_deserialize(store, &cut) == NULL);
  // Not a serialized module at all (raw wasm bytes).
  wasm_byte_vec_t wasm;
  load_wasm("serialize", &wasm);
  CHECK(wasm_module_deserialize(store, &wasm) == NULL);
  wasm_byte_vec_delete(&wasm);
  CHECK(wasm_module_deserialize(store, NULL) == NULL);
  // The intact blob still loads.
  loaded = wasm_module_deserialize(store, &blob);
  CHECK(loaded != NULL);
  wasm_module_delete(loaded);
  printf("corrupted data rejected\n");

  wasm_byte_vec_delete(&blob);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
