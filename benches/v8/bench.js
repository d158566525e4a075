// A reference point outside wasm.h: V8's baseline compiler Liftoff, through node, measured the
// way benches/harness/bench.c measures the wasm.h engines, and printing the same key=value line.
// Run with: node --liftoff --no-wasm-tier-up --no-wasm-lazy-compilation --single-threaded
//   bench.js compile FILE RUNS | bench.js kernel FILE ARG EXPECT RUNS
// Times are process CPU time (user + system), as in the tables; wall-clock is printed too.
'use strict';
const fs = require('fs');
const { performance } = require('perf_hooks');

function stamp() {
  const cpu = process.cpuUsage();
  return { wall: performance.now() * 1e6, cpu: (cpu.user + cpu.system) * 1e3 };
}

function median(values) {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

function series(key, wall, cpu, scale) {
  const f = (x) => (x * scale).toFixed(3);
  return ` ${key}_median=${f(median(wall))} ${key}_min=${f(Math.min(...wall))}` +
    ` ${key}_cpu_median=${f(median(cpu))} ${key}_cpu_min=${f(Math.min(...cpu))}`;
}

// V8 caches compiled modules by their bytes within a process: append a custom section that
// differs per run so that every run compiles (the code is the same).
function withRunSection(bytes, run) {
  const name = Buffer.from('bench-run');
  const payload = Buffer.alloc(4);
  payload.writeUInt32LE(run);
  const size = 1 + name.length + payload.length;
  return Buffer.concat([bytes, Buffer.from([0, size, name.length]), name, payload]);
}

function compile(path, runs) {
  const bytes = fs.readFileSync(path);
  const wall = [], cpu = [];
  for (let run = 0; run < runs; run++) {
    const input = withRunSection(bytes, run);
    const start = stamp();
    new WebAssembly.Module(input);
    const end = stamp();
    wall.push(end.wall - start.wall);
    cpu.push(end.cpu - start.cpu);
  }
  const mb = bytes.length / 1e6;
  console.log(`engine=v8-liftoff mode=compile bytes=${bytes.length}` + series('ms', wall, cpu, 1e-6) +
    ` mb_per_s=${(mb / (median(wall) * 1e-9)).toFixed(3)}` +
    ` mb_per_cpu_s=${(mb / (median(cpu) * 1e-9)).toFixed(3)}`);
}

function kernel(path, arg, expect, runs) {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(path)), {});
  const wall = [], cpu = [];
  for (let run = -1; run < runs; run++) {
    const start = stamp();
    const result = instance.exports.run(arg);
    const end = stamp();
    if (result !== expect) {
      console.error(`bench (v8-liftoff): ${path} returned ${result}, expected ${expect}`);
      process.exit(3);
    }
    if (run >= 0) {
      wall.push(end.wall - start.wall);
      cpu.push(end.cpu - start.cpu);
    }
  }
  console.log(`engine=v8-liftoff mode=kernel result=${expect}` + series('ms', wall, cpu, 1e-6));
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'compile' && args.length === 2) {
  compile(args[0], Number(args[1]));
} else if (mode === 'kernel' && args.length === 4) {
  kernel(args[0], Number(args[1]), BigInt(args[2]), Number(args[3]));
} else {
  console.error(`bench (v8-liftoff): mode ${mode} is not supported (compile, kernel)`);
  process.exit(2);
}
