#!/usr/bin/env bash
# Runs the benchmark: our server vs the Socket.IO peer vs the raw-socket floor, in one run.
#   bench/run.sh --quick   (under 3 minutes)
#   bench/run.sh           (the full run, under 20 minutes)
# Builds what it needs first. The server under test is pinned to CPU 0, the generator to the rest.
# BENCH_PEERS=ours,socketio,floor selects peers; BENCH_ROUNDS=N overrides the number of rounds;
# BENCH_SCENARIOS=1:1,fanout,storm,idle,durable selects scenarios (all by default);
# BENCH_DURABLE=embedded|memory|both selects the stores of the durable scenario (embedded); BENCH_WARMUP=S sets
# the warm-up seconds at the second rate (5); BENCH_JIT_WAIT=S caps the extra warm-up until a JVM peer's
# JIT is quiet (60); BENCH_SERVER_JVM_OPTS / BENCH_GEN_OPTS add JVM options to the server / the
# generator (a 4 GB heap). A -XX:+Use*GC option replaces the default collector: G1 for the server,
# ZGC without proactive cycles for the generator, whose own pauses would otherwise show up as server
# latency. BENCH_SERVER_JAVA picks the server's java (see docs/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f chat-server-undertow/target/chat-server.jar ] || ! ls bench/target/chat-bench-*.jar >/dev/null 2>&1; then
  mvn -B -q -DskipTests package -pl chat-server-undertow,bench -am
fi
mvn -B -q -o dependency:build-classpath -pl bench -Dmdep.outputFile=target/classpath.txt >/dev/null 2>&1 \
  || mvn -B -q dependency:build-classpath -pl bench -Dmdep.outputFile=target/classpath.txt >/dev/null
(cd bench/peers/socketio && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; })
cp="$(ls bench/target/chat-bench-*.jar | head -1):$(cat bench/target/classpath.txt)"
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c "1-$(( $(nproc) - 1 ))"); fi
gen_gc=(-XX:+UseZGC -XX:-ZProactive)
if [[ "${BENCH_GEN_OPTS:-}" =~ -XX:\+Use[A-Za-z]+GC ]]; then gen_gc=(); fi
exec "${pin[@]}" java "${gen_gc[@]}" -Xmx4g ${BENCH_GEN_OPTS:-} ${BENCH_WARMUP:+-Dbench.warmup="$BENCH_WARMUP"} ${BENCH_JIT_WAIT:+-Dbench.jitWait="$BENCH_JIT_WAIT"} -Dbench.root="$PWD" -Dbench.cores="$(nproc)" -Dbench.peers="${BENCH_PEERS:-ours,socketio,floor}" \
  ${BENCH_ROUNDS:+-Dbench.rounds="$BENCH_ROUNDS"} ${BENCH_SCENARIOS:+-Dbench.scenarios="$BENCH_SCENARIOS"} ${BENCH_DURABLE:+-Dbench.durable="$BENCH_DURABLE"} \
  -cp "$cp" dev.chatsdk.bench.Bench "$@"
