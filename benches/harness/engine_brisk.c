// brisk's engine for the benchmark harness: its default configuration, with parallel
// compilation switched off when BENCH_THREADS=1. BENCH_BOUNDS=explicit selects explicit bounds
// checks instead of the 8 GiB guard-page reservation, which valgrind cannot map: use it to
// profile kernels that have a memory under callgrind (it changes the code being measured).
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
  const char *bounds = getenv("BENCH_BOUNDS");
  if (bounds && strcmp(bounds, "explicit") == 0) {
    brisk_config_bounds_checks_set(config, BRISK_BOUNDS_CHECKS_EXPLICIT);
  } else if (bounds && *bounds) {
    fprintf(stderr, "bench (brisk): unknown BENCH_BOUNDS=%s (explicit)\n", bounds);
    exit(2);
  }
  return wasm_engine_new_with_config(config);
}

const char *bench_engine_name(void) { return "brisk"; }
