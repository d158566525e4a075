// brisk's engine for the benchmark harness: its default configuration, with parallel
// compilation switched off when BENCH_THREADS=1.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brisk.h>

#include "engine.h"

wasm_engine_t *bench_engine_new(void) {
  const char *strategy = getenv("BENCH_STRATEGY");
  if (strategy && *strategy) {
    fprintf(stderr, "bench (brisk): BENCH_STRATEGY=%s is not a brisk variant\n", strategy);
    exit(2);
  }
  wasm_config_t *config = wasm_config_new();
  const char *threads = getenv("BENCH_THREADS");
  if (threads && strcmp(threads, "1") == 0) brisk_config_parallel_compilation_set(config, false);
  return wasm_engine_new_with_config(config);
}

const char *bench_engine_name(void) { return "brisk"; }
