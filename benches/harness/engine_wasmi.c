// wasmi's engine for the benchmark harness: an interpreter, for scale, in its default
// configuration (eager translation; it compiles on one thread).
#include <stdio.h>
#include <stdlib.h>

#include <wasm.h>

#include "engine.h"

wasm_engine_t *bench_engine_new(void) {
  const char *strategy = getenv("BENCH_STRATEGY");
  if (strategy && *strategy) {
    fprintf(stderr, "bench (wasmi): BENCH_STRATEGY=%s is not a wasmi variant\n", strategy);
    exit(2);
  }
  return wasm_engine_new();
}

const char *bench_engine_name(void) { return "wasmi"; }
