// The one engine-specific piece of the benchmark harness: how to make the engine.
// Each engine_*.c implements this; bench.c itself uses nothing but the standard wasm.h.
#ifndef BENCH_ENGINE_H
#define BENCH_ENGINE_H

#include <wasm.h>

// The engine to benchmark, configured from the environment:
//   BENCH_THREADS=1   compile on one thread (where the engine can compile in parallel)
//   BENCH_STRATEGY    engine-specific variant (wasmtime: cranelift | winch)
// Exits the process with a message when the configuration is not understood.
wasm_engine_t *bench_engine_new(void);

// A short name of the engine and variant, printed with every result.
const char *bench_engine_name(void);

#endif
