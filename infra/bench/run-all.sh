#!/usr/bin/env bash
# Runs every scenario against every system, one system at a time on this machine, each started fresh before its idle
# run, and writes one JSON per run plus results.md (side-by-side tables) into $OUT.
#
#   infra/bench/run-all.sh                               # everything, full size (about 25 minutes)
#   SYSTEMS="peer-ws peer-socketio" infra/bench/run-all.sh
#   SCENARIOS="idle fanout" IDLE_N=1000 FANOUT_N=1000 infra/bench/run-all.sh   # a quick smoke
#   SYSTEMS=ims-ha SCENARIOS=reconnect infra/bench/run-all.sh    # the storm with two gateways behind haproxy
#
# Knobs (defaults = the issue's targets): IDLE_N=15000 IDLE_HOLD=60s FANOUT_N=10000 FANOUT_RATE=1 FANOUT_DURATION=60s
# FANOUT_WARMUP=60s (messages sent, awaited and left out of the figures before the measured run; after 20 s the JVMs'
# compilers were still busy, see docs/BENCHMARKS.md; the fan-out's "jit ms" per JVM shows what is left)
# UNICAST_N=1000 UNICAST_RATES=100,250,500,1000,1500 UNICAST_STEP=20s UNICAST_WARMUP=60s (random unicasts at 500/s,
# awaited and left out, before the steps: the request path's first thousands of requests are compiled meanwhile) STORM_N=10000 STORM_RATE=100 STORM_MODE=term|kill|handover
# STORM_WARM_ROUNDS=2 (rounds of STORM_N connects, held 5 s, before the storm's clients connect) STORM_WARMUP=60s (random
# unicasts at 500/s, awaited, before the restart): a gateway restarts beside services that have run for long, whose JIT
# has compiled the connect and message paths; only the restarted gateway starts cold
# STORM_PEERS=0 (1 also storms the peers, which have no store and lose what is sent while clients are away)
# IMS's unicast runs twice: producer API (as the peers) and records on ims.notifications (--publish-via kafka).
# OUT=infra/bench/results/<UTC timestamp>  LOADGEN_OPTS="-Xmx4g"  BENCH_DATA=/tmp/ims-bench
# Needs: ./ims build (IMS jars), mvn -pl infra/loadgen -am install -DskipTests (loadgen.jar), node 20, redis-server.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

SYSTEMS="${SYSTEMS:-peer-ws peer-socketio ims}"
SCENARIOS="${SCENARIOS:-idle fanout unicast reconnect}"
IDLE_N="${IDLE_N:-15000}"; IDLE_HOLD="${IDLE_HOLD:-60s}"
FANOUT_N="${FANOUT_N:-10000}"; FANOUT_RATE="${FANOUT_RATE:-1}"; FANOUT_DURATION="${FANOUT_DURATION:-60s}"; FANOUT_WARMUP="${FANOUT_WARMUP:-60s}"
UNICAST_N="${UNICAST_N:-1000}"; UNICAST_RATES="${UNICAST_RATES:-100,250,500,1000,1500}"; UNICAST_STEP="${UNICAST_STEP:-20s}"; UNICAST_WARMUP="${UNICAST_WARMUP:-60s}"
STORM_N="${STORM_N:-10000}"; STORM_RATE="${STORM_RATE:-100}"; STORM_MODE="${STORM_MODE:-term}"; STORM_WARMUP="${STORM_WARMUP:-60s}"; STORM_WARM_ROUNDS="${STORM_WARM_ROUNDS:-2}"; STORM_PEERS="${STORM_PEERS:-0}"
# a handover drops nobody until the next gateway process is up (20-45 s here): publish until 10 s after the first drop
STORM_WINDOW=(--publish-for 10s --timeout 120s)
[[ "$STORM_MODE" == handover ]] && STORM_WINDOW=(--publish-for 120s --publish-after-drop 10s --timeout 180s)
OUT="${OUT:-$HERE/results/$(date -u +%Y%m%dT%H%M%SZ)}"
LOADGEN_JAR="$ROOT/infra/loadgen/target/loadgen.jar"
LOADGEN_OPTS="${LOADGEN_OPTS:--Xmx4g -XX:+UseParallelGC}"
SYS="$HERE/systems.sh"

ulimit -n 20000 2>/dev/null || true
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[[ -f "$LOADGEN_JAR" ]] || { echo "missing $LOADGEN_JAR: mvn -B -pl infra/loadgen -am install -DskipTests" >&2; exit 1; }
mkdir -p "$OUT"
# run from a copy: a rebuild of the module while this runs would otherwise pull classes out from under the JVM
cp "$LOADGEN_JAR" "$OUT/loadgen.jar"; LOADGEN_JAR="$OUT/loadgen.jar"
trap '"$SYS" stop all >/dev/null 2>&1 || true' EXIT

loadgen() { # scenario system json [options...]
  local scenario="$1" system="$2" json="$3" target="$2"; shift 3
  # ims-ha is IMS behind haproxy (systems.sh): the same wire, another address
  [[ "$system" == ims-ha ]] && { target=ims; set -- --url ws://127.0.0.1:8000/ws --label "2 gateways behind haproxy" "$@"; }
  echo "---- $scenario @ $system -> $json" >&2
  # shellcheck disable=SC2086
  "$JAVA" $LOADGEN_OPTS -jar "$LOADGEN_JAR" "$scenario" --target "$target" --server-pid "$("$SYS" pids "$system")" \
    --json "$OUT/$json" --progress 5s "$@" 2>>"$OUT/progress.log" | tee -a "$OUT/tables.txt" \
    || echo "loadgen $scenario @ $system failed (see $OUT/progress.log)" | tee -a "$OUT/tables.txt"
}

has() { [[ " $SCENARIOS " == *" $1 "* ]]; }

{
  echo "# run $(date -u +%FT%TZ) on $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
  "$JAVA" -version 2>&1 | head -1; echo "node $(node --version)"; redis-server --version | head -1
  echo "SYSTEMS=$SYSTEMS SCENARIOS=$SCENARIOS IDLE_N=$IDLE_N FANOUT_N=$FANOUT_N FANOUT_RATE=$FANOUT_RATE UNICAST_N=$UNICAST_N UNICAST_RATES=$UNICAST_RATES STORM_N=$STORM_N"
} > "$OUT/machine.txt"

for system in $SYSTEMS; do
  "$SYS" stop "$system" >/dev/null 2>&1 || true
  if ! "$SYS" start "$system"; then
    echo "== $system did not start (logs: ${BENCH_DATA:-/tmp/ims-bench}/logs); skipped" | tee -a "$OUT/tables.txt"
    "$SYS" stop "$system" >/dev/null 2>&1 || true
    continue
  fi
  sleep "${SETTLE:-15}"   # let the fresh server settle (JIT, Node returning start-up memory) before the idle baseline
  gc=(); [[ "$system" == peer-ws ]] && gc=(--gc-url http://127.0.0.1:9001/gc)
  [[ "$system" == peer-socketio ]] && gc=(--gc-url http://127.0.0.1:9011/gc)
  has idle && loadgen idle "$system" "idle-$system.json" --connections "$IDLE_N" --hold "$IDLE_HOLD" "${gc[@]}"
  has fanout && loadgen fanout "$system" "fanout-$system.json" --connections "$FANOUT_N" --rate "$FANOUT_RATE" --warmup "$FANOUT_WARMUP" \
    --duration "$FANOUT_DURATION" --settle 10s   # 10 s: let IMS learn 10,000 role members from presence first
  has unicast && loadgen unicast "$system" "unicast-$system.json" --connections "$UNICAST_N" --rates "$UNICAST_RATES" \
    --step "$UNICAST_STEP" --warmup "$UNICAST_WARMUP"
  # IMS also takes records on ims.notifications (the contract's Kafka path): the same durable path without HTTP.
  [[ "$system" == ims ]] && has unicast && loadgen unicast "$system" "unicast-$system-kafka.json" --publish-via kafka \
    --connections "$UNICAST_N" --rates "$UNICAST_RATES" --step "$UNICAST_STEP" --warmup "$UNICAST_WARMUP" --label "via Kafka"
  if has reconnect; then
    # A gateway restarts beside services, a broker and a store that have served connects for days: their JIT has
    # compiled the connect path (measured: after 30,000 connects the four JVMs still spent 46 % of their CPU compiling).
    # Only the restarted gateway starts cold, so the others first take STORM_WARM_ROUNDS rounds of connects.
    if [[ "$system" == ims || "$system" == ims-ha ]]; then
      for round in $(seq 1 "$STORM_WARM_ROUNDS"); do
        loadgen idle "$system" "warmup-connects-$round.json" --connections "$STORM_N" --hold 5s --no-gc --user-prefix "warm$round-"
      done
    fi
    # Gateway B stands in for the other gateways of a deployment, which serve traffic, so their JIT is warm: it has
    # taken no connection yet (haproxy sends all to A), so 10,000 connections go to it directly first and leave.
    [[ "$system" == ims-ha ]] && loadgen idle "$system" "warmup-gateway-b.json" --url ws://127.0.0.1:8090/ws \
      --connections 10000 --hold 5s --no-gc --user-prefix warm-
    if [[ "$system" == ims || "$system" == ims-ha ]]; then
      loadgen reconnect "$system" "reconnect-$system.json" --connections "$STORM_N" --rate "$STORM_RATE" \
        --restart-cmd "$SYS restart-gateway $STORM_MODE" --warmup "$STORM_WARMUP" "${STORM_WINDOW[@]}"
    elif [[ "$STORM_PEERS" == 1 ]]; then
      loadgen reconnect "$system" "reconnect-$system.json" --connections "$STORM_N" --rate "$STORM_RATE" \
        --restart-cmd "$SYS restart-peer $system" --warmup "$STORM_WARMUP" --timeout 120s
    fi
  fi
  "$SYS" stop "$system"
done

"$JAVA" -jar "$LOADGEN_JAR" report --out "$OUT/results.md" "$OUT"/*.json
echo "results: $OUT/results.md (tables: $OUT/tables.txt, progress: $OUT/progress.log)" >&2
