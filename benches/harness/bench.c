// The benchmark harness: one program written against the standard wasm.h only, built once per
// engine (engine_*.c makes the engine). scripts/bench.sh runs it and builds the tables.
//
// Usage (every mode prints one line of `key=value` pairs on stdout; failures go to stderr
// with a non-zero exit status):
//   bench compile FILE RUNS                 wasm_module_new of FILE, RUNS times
//   bench kernel FILE ARG EXPECT RUNS       export "run"(i32 ARG) -> i64, checked against EXPECT
//   bench boundary FILE ITERS RUNS          host->wasm calls and wasm->host callbacks
//   bench instantiate FILE ITERS RUNS       wasm_instance_new + wasm_instance_delete
// Every figure is the median of RUNS timed repetitions; the minimum is printed too. Each is
// measured twice: wall-clock time (`KEY_median`) and the process's CPU time
// (`KEY_cpu_median`, all threads), which a shared, oversubscribed machine inflates less.
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wasm.h>

#include "engine.h"

#define MAX_RUNS 1000

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...);

static void die(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "bench (%s): ", bench_engine_name());
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

static double clock_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

// A point in time on both clocks.
struct stamp {
  double wall, cpu;
};

static struct stamp stamp_now(void) {
  struct stamp now = {clock_ns(CLOCK_MONOTONIC), clock_ns(CLOCK_PROCESS_CPUTIME_ID)};
  return now;
}

// Timed repetitions, in nanoseconds (per operation when a repetition times several).
struct series {
  int count;
  double wall[MAX_RUNS];
  double cpu[MAX_RUNS];
};

static void series_add(struct series *series, struct stamp start, struct stamp end,
                       double operations) {
  series->wall[series->count] = (end.wall - start.wall) / operations;
  series->cpu[series->count] = (end.cpu - start.cpu) / operations;
  series->count++;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

// Sorts `samples` in place and returns the median.
static double median(double *samples, int n) {
  qsort(samples, (size_t)n, sizeof(double), compare_doubles);
  return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

static long parse_long(const char *text, const char *what) {
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno || *end || end == text) die("bad %s", what);
  return value;
}

static int parse_runs(const char *text) {
  long runs = parse_long(text, "run count");
  if (runs < 1 || runs > MAX_RUNS) die("run count out of range: %s", text);
  return (int)runs;
}

static void read_file(const char *path, wasm_byte_vec_t *out) {
  FILE *file = fopen(path, "rb");
  if (!file) die("cannot open %s", path);
  if (fseek(file, 0, SEEK_END) != 0) die("cannot seek %s", path);
  long size = ftell(file);
  if (size < 0 || fseek(file, 0, SEEK_SET) != 0) die("cannot size %s", path);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  if (fread(out->data, 1, (size_t)size, file) != (size_t)size) die("cannot read %s", path);
  fclose(file);
}

static wasm_module_t *compile(wasm_store_t *store, const wasm_byte_vec_t *binary, const char *path) {
  wasm_module_t *module = wasm_module_new(store, binary);
  if (!module) die("wasm_module_new failed for %s", path);
  return module;
}

// Prints a trap's message and exits.
__attribute__((noreturn)) static void die_trap(wasm_trap_t *trap, const char *during) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  fprintf(stderr, "bench (%s): trap during %s: %.*s\n", bench_engine_name(), during,
          (int)message.size, message.data);
  exit(1);
}

// The export called `name`, which must be a function.
static wasm_func_t *export_func(const wasm_module_t *module, const wasm_extern_vec_t *exports,
                                const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_func_t *found = NULL;
  for (size_t i = 0; i < types.size && !found; i++) {
    const wasm_name_t *export_name = wasm_exporttype_name(types.data[i]);
    if (export_name->size == strlen(name) && memcmp(export_name->data, name, export_name->size) == 0) {
      found = wasm_extern_as_func(exports->data[i]);
    }
  }
  wasm_exporttype_vec_delete(&types);
  if (!found) die("no exported function %s", name);
  return found;
}

// Prints KEY_median, KEY_min, KEY_cpu_median and KEY_cpu_min, in nanoseconds times `scale`.
static void print_series(const char *key, struct series *series, double scale) {
  double wall = median(series->wall, series->count);
  double cpu = median(series->cpu, series->count);
  printf(" %s_median=%.3f %s_min=%.3f %s_cpu_median=%.3f %s_cpu_min=%.3f", key, wall * scale, key,
         series->wall[0] * scale, key, cpu * scale, key, series->cpu[0] * scale);
}

// --- compile ----------------------------------------------------------------------------------

static int bench_compile(wasm_engine_t *engine, const char *path, int runs) {
  wasm_byte_vec_t binary;
  read_file(path, &binary);
  wasm_store_t *store = wasm_store_new(engine);
  struct series series = {0};
  for (int run = 0; run < runs; run++) {
    struct stamp start = stamp_now();
    wasm_module_t *module = compile(store, &binary, path);
    series_add(&series, start, stamp_now(), 1);
    wasm_module_delete(module);
  }
  printf("engine=%s mode=compile bytes=%zu", bench_engine_name(), binary.size);
  print_series("ms", &series, 1e-6);
  // median() sorted the series: recompute from the medians it left in place.
  printf(" mb_per_s=%.3f mb_per_cpu_s=%.3f\n",
         (double)binary.size / (median(series.wall, runs) * 1e-9) / 1e6,
         (double)binary.size / (median(series.cpu, runs) * 1e-9) / 1e6);
  wasm_store_delete(store);
  wasm_byte_vec_delete(&binary);
  return 0;
}

// --- kernel -----------------------------------------------------------------------------------

static int bench_kernel(wasm_engine_t *engine, const char *path, int32_t arg, int64_t expect,
                        int runs) {
  wasm_byte_vec_t binary;
  read_file(path, &binary);
  wasm_store_t *store = wasm_store_new(engine);
  struct stamp start = stamp_now();
  wasm_module_t *module = compile(store, &binary, path);
  double compile_ns = stamp_now().wall - start.wall;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (trap) die_trap(trap, "instantiation");
  if (!instance) die("wasm_instance_new failed for %s", path);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t *run_func = export_func(module, &exports, "run");

  wasm_val_t arg_vals[1] = {WASM_I32_VAL(arg)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_vals);
  wasm_val_t result_vals[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(result_vals);
  struct series series = {0};
  // One untimed call first: it faults in the memory the kernel touches.
  for (int run = -1; run < runs; run++) {
    struct stamp begin = stamp_now();
    trap = wasm_func_call(run_func, &args, &results);
    struct stamp end = stamp_now();
    if (trap) die_trap(trap, "the kernel");
    if (result_vals[0].kind != WASM_I64) die("%s: run did not return an i64", path);
    if (result_vals[0].of.i64 != expect) {
      fprintf(stderr, "bench (%s): %s returned %" PRId64 ", expected %" PRId64 "\n",
              bench_engine_name(), path, result_vals[0].of.i64, expect);
      return 3;
    }
    if (run >= 0) series_add(&series, begin, end, 1);
  }
  printf("engine=%s mode=kernel result=%" PRId64 " compile_ms=%.3f", bench_engine_name(), expect,
         compile_ns * 1e-6);
  print_series("ms", &series, 1e-6);
  printf("\n");
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_byte_vec_delete(&binary);
  return 0;
}

// --- boundary ---------------------------------------------------------------------------------

static wasm_trap_t *host_nop(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  (void)results;
  return NULL;
}

static wasm_trap_t *host_inc(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1;
  return NULL;
}

// Host functions for the imports of benches/modules/*.wat, matched by name: "bench" "cb"
// () -> () and "bench" "cb_i32" (i32) -> i32. The caller owns the functions; `externs` holds
// borrowed views of them in import order.
#define MAX_IMPORTS 2

struct host_imports {
  size_t count;
  wasm_func_t *funcs[MAX_IMPORTS];
  wasm_extern_t *externs[MAX_IMPORTS];
};

static void make_imports(wasm_store_t *store, const wasm_module_t *module,
                         struct host_imports *out) {
  wasm_importtype_vec_t types;
  wasm_module_imports(module, &types);
  if (types.size > MAX_IMPORTS) die("too many imports: %zu", types.size);
  out->count = types.size;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *name = wasm_importtype_name(types.data[i]);
    wasm_functype_t *type;
    wasm_func_callback_t callback;
    if (name->size == 2 && memcmp(name->data, "cb", 2) == 0) {
      type = wasm_functype_new_0_0();
      callback = host_nop;
    } else if (name->size == 6 && memcmp(name->data, "cb_i32", 6) == 0) {
      type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
      callback = host_inc;
    } else {
      die("unknown import %.*s", (int)name->size, name->data);
    }
    out->funcs[i] = wasm_func_new(store, type, callback);
    wasm_functype_delete(type);
    out->externs[i] = wasm_func_as_extern(out->funcs[i]);
  }
  wasm_importtype_vec_delete(&types);
}

static void delete_imports(struct host_imports *imports) {
  for (size_t i = 0; i < imports->count; i++) wasm_func_delete(imports->funcs[i]);
  imports->count = 0;
}

// Nanoseconds per call of `func` with `args`, `iters` calls per sample.
static void time_calls(const char *key, wasm_func_t *func, wasm_val_vec_t *args,
                       wasm_val_vec_t *results, long iters, int runs) {
  struct series series = {0};
  for (int run = 0; run < runs; run++) {
    struct stamp start = stamp_now();
    for (long i = 0; i < iters; i++) {
      wasm_trap_t *trap = wasm_func_call(func, args, results);
      if (trap) die_trap(trap, key);
    }
    series_add(&series, start, stamp_now(), (double)iters);
  }
  print_series(key, &series, 1.0);
}

// Nanoseconds per host callback: one call of `loop`(iters) per sample.
static void time_callbacks(const char *key, wasm_func_t *loop, long iters, int runs, bool checks) {
  struct series series = {0};
  wasm_val_t arg_vals[1] = {WASM_I32_VAL((int32_t)iters)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_vals);
  wasm_val_t result_vals[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = {checks ? 1 : 0, result_vals};
  for (int run = 0; run < runs; run++) {
    struct stamp start = stamp_now();
    wasm_trap_t *trap = wasm_func_call(loop, &args, &results);
    series_add(&series, start, stamp_now(), (double)iters);
    if (trap) die_trap(trap, key);
    if (checks && result_vals[0].of.i32 != (int32_t)iters) die("%s: wrong result", key);
  }
  print_series(key, &series, 1.0);
}

static int bench_boundary(wasm_engine_t *engine, const char *path, long iters, int runs) {
  wasm_byte_vec_t binary;
  read_file(path, &binary);
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *module = compile(store, &binary, path);
  struct host_imports host;
  make_imports(store, module, &host);
  wasm_extern_vec_t imports = {host.count, host.externs};
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  if (trap) die_trap(trap, "instantiation");
  if (!instance) die("wasm_instance_new failed for %s", path);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  printf("engine=%s mode=boundary iters=%ld", bench_engine_name(), iters);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  time_calls("nop_ns", export_func(module, &exports, "nop"), &none, &none, iters, runs);

  wasm_val_t add_args[2] = {WASM_I32_VAL(20), WASM_I32_VAL(22)};
  wasm_val_vec_t add_argv = WASM_ARRAY_VEC(add_args);
  wasm_val_t add_results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t add_resultv = WASM_ARRAY_VEC(add_results);
  wasm_func_t *add = export_func(module, &exports, "add");
  time_calls("add_ns", add, &add_argv, &add_resultv, iters, runs);
  if (add_results[0].kind != WASM_I32 || add_results[0].of.i32 != 42) die("add: wrong result");

  time_callbacks("callback_ns", export_func(module, &exports, "call_cb"), iters, runs, false);
  time_callbacks("callback_i32_ns", export_func(module, &exports, "call_cb_i32"), iters, runs, true);
  printf("\n");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  delete_imports(&host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_byte_vec_delete(&binary);
  return 0;
}

// --- instantiate ------------------------------------------------------------------------------

// Instances are made in batches of STORE_BATCH into a fresh store, so that engines that keep
// instances alive until their store goes do not grow without bound, and so that the clocks are
// read once per batch rather than once per instance. The timed span covers the whole batch,
// store creation and deletion included: engines that defer freeing an instance's memory to the
// store's deletion pay for it here too (the store itself costs 1/STORE_BATCH per instance).
#define STORE_BATCH 100

static int bench_instantiate(wasm_engine_t *engine, const char *path, long iters, int runs) {
  wasm_byte_vec_t binary;
  read_file(path, &binary);
  wasm_store_t *compile_store = wasm_store_new(engine);
  wasm_module_t *module = compile(compile_store, &binary, path);
  long batches = (iters + STORE_BATCH - 1) / STORE_BATCH;

  struct series series = {0};
  for (int run = 0; run < runs; run++) {
    struct stamp total = {0, 0};
    for (long batch = 0; batch < batches; batch++) {
      struct stamp start = stamp_now();
      wasm_store_t *store = wasm_store_new(engine);
      struct host_imports host;
      make_imports(store, module, &host);
      wasm_extern_vec_t imports = {host.count, host.externs};
      for (int i = 0; i < STORE_BATCH; i++) {
        wasm_trap_t *trap = NULL;
        wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
        if (trap) die_trap(trap, "instantiation");
        if (!instance) die("wasm_instance_new failed for %s", path);
        wasm_instance_delete(instance);
      }
      delete_imports(&host);
      wasm_store_delete(store);
      struct stamp end = stamp_now();
      total.wall += end.wall - start.wall;
      total.cpu += end.cpu - start.cpu;
    }
    struct stamp zero = {0, 0};
    series_add(&series, zero, total, (double)(batches * STORE_BATCH));
  }
  printf("engine=%s mode=instantiate iters=%ld", bench_engine_name(), batches * STORE_BATCH);
  print_series("us", &series, 1e-3);
  printf("\n");
  wasm_module_delete(module);
  wasm_store_delete(compile_store);
  wasm_byte_vec_delete(&binary);
  return 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: bench compile FILE RUNS\n"
          "       bench kernel FILE ARG EXPECT RUNS\n"
          "       bench boundary FILE ITERS RUNS\n"
          "       bench instantiate FILE ITERS RUNS\n");
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 2) usage();
  const char *mode = argv[1];
  int status;
  wasm_engine_t *engine = bench_engine_new();
  if (strcmp(mode, "compile") == 0 && argc == 4) {
    status = bench_compile(engine, argv[2], parse_runs(argv[3]));
  } else if (strcmp(mode, "kernel") == 0 && argc == 6) {
    long arg = parse_long(argv[3], "kernel argument");
    errno = 0;
    char *end;
    long long expect = strtoll(argv[4], &end, 10);
    if (errno || *end) die("bad expected value %s", argv[4]);
    status = bench_kernel(engine, argv[2], (int32_t)arg, (int64_t)expect, parse_runs(argv[5]));
  } else if (strcmp(mode, "boundary") == 0 && argc == 5) {
    status = bench_boundary(engine, argv[2], parse_long(argv[3], "iteration count"),
                            parse_runs(argv[4]));
  } else if (strcmp(mode, "instantiate") == 0 && argc == 5) {
    status = bench_instantiate(engine, argv[2], parse_long(argv[3], "iteration count"),
                               parse_runs(argv[4]));
  } else {
    usage();
  }
  wasm_engine_delete(engine);
  return status;
}
