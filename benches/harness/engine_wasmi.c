// wasmi's engine for the benchmark harness: an interpreter, for scale. Its library default is
// lazy translation (bodies are validated in wasm_module_new but translated to wasmi's bytecode
// on first call), which would make its compile figures validation only; this selects eager
// translation so that wasm_module_new does the whole job, as it does for the other engines.
// (wasmi_c_api_impl 2.0.0's header and library disagree on the order of the later enum values;
// EAGER is 0 in both.)
#include <stdio.h>
#include <stdlib.h>

#include <wasmi/config.h>

#include "engine.h"

wasm_engine_t *bench_engine_new(void) {
  const char *strategy = getenv("BENCH_STRATEGY");
  if (strategy && *strategy) {
    fprintf(stderr, "bench (wasmi): BENCH_STRATEGY=%s is not a wasmi variant\n", strategy);
    exit(2);
  }
  wasm_config_t *config = wasm_config_new();
  wasmi_config_compilation_mode_set(config, WASMI_COMPILATION_MODE_EAGER);
  return wasm_engine_new_with_config(config);
}

const char *bench_engine_name(void) { return "wasmi"; }
