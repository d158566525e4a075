// The headers compile as C++ (no designated initialisers here: the WASM_*_VAL
// macros need C++20), and the inline helpers link.
#include "brisk.h"
#include "wasi.h"
#include "wasm.h"

#include <cstdio>

int main() {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_functype_t* type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(),
                                                wasm_valtype_new_externref());
  bool ok = wasm_functype_params(type)->size == 2 &&
            wasm_valtype_is_ref(wasm_functype_results(type)->data[0]);
  wasm_functype_delete(type);
  wasm_name_t name;
  wasm_name_new_from_string(&name, "c++");
  ok = ok && name.size == 3;
  wasm_name_delete(&name);
  const char* argv[] = {"prog"};
  wasi_config_t* config = wasi_config_new();
  ok = ok && wasi_config_set_argv(config, 1, argv);
  wasi_env_t* wasi = wasi_env_new(store, config);
  ok = ok && wasi != nullptr;
  wasi_env_delete(wasi);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  std::printf("%s\n", ok ? "c++ ok" : "c++ FAILED");
  return ok ? 0 : 1;
}
