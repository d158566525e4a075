#!/usr/bin/env bash
# Store churn outside the test suite: runs examples/churn.rs in its three modes and prints, every
# fifth of the run, the process's mappings (/proc/self/maps lines), RSS and virtual size, then the
# cost per cycle and the first refusal.
#
#   scripts/reliability.sh               100,000 cycles per mode
#   scripts/reliability.sh 20000         fewer
#
# - per-request: a store per request (instantiate, call, drop), with the engine's reservation
#   pool (default 16) and without it (--pool 0, every memory maps and unmaps 8 GiB): mappings
#   and RSS must stay flat; the two lines "µs per instantiation" give the pool's gain.
# - long-lived: one store, instantiating over and over: the store keeps every instance, so it
#   reaches a store limit (by default the 32 TiB of reserved address space, after about 4,000
#   instances) and from then on every instantiation fails with a message naming the limit.
# - failing: one store, instantiations that fail (start function traps, data segment out of
#   bounds): their memories give the reservations back, so mappings and virtual size stay flat
#   (RSS grows by a few hundred bytes per failed instance: the store keeps its slot).
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-100000}"
cargo build --release --quiet --example churn
churn=target/release/examples/churn
"$churn" per-request "$cycles"
"$churn" per-request "$cycles" --pool 0
"$churn" long-lived "$cycles"
"$churn" failing "$cycles" --max-instances $((cycles + 1))
