// wasmtime's engine for the benchmark harness: BENCH_STRATEGY picks Cranelift (the default) or
// Winch through wasmtime's own config.h; BENCH_THREADS=1 switches off parallel compilation.
// Everything else is wasmtime's default configuration.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasmtime/config.h>

#include "engine.h"

static const char *name = "wasmtime-cranelift";

wasm_engine_t *bench_engine_new(void) {
  wasm_config_t *config = wasm_config_new();
  const char *strategy = getenv("BENCH_STRATEGY");
  if (!strategy || !*strategy || strcmp(strategy, "cranelift") == 0) {
    wasmtime_config_strategy_set(config, WASMTIME_STRATEGY_CRANELIFT);
  } else if (strcmp(strategy, "winch") == 0) {
    wasmtime_config_strategy_set(config, WASMTIME_STRATEGY_WINCH);
    name = "wasmtime-winch";
  } else {
    fprintf(stderr, "bench (wasmtime): unknown BENCH_STRATEGY=%s (cranelift | winch)\n", strategy);
    exit(2);
  }
  const char *threads = getenv("BENCH_THREADS");
  if (threads && strcmp(threads, "1") == 0) wasmtime_config_parallel_compilation_set(config, false);
  return wasm_engine_new_with_config(config);
}

const char *bench_engine_name(void) { return name; }
