#!/usr/bin/env bash
# Starts and stops the systems the benchmarks compare, each fresh, on loopback ports of this machine.
#   infra/bench/systems.sh start <ims|ims-ha|peer-ws|peer-socketio>
#   infra/bench/systems.sh stop  <ims|ims-ha|peer-ws|peer-socketio|all>
#   infra/bench/systems.sh restart-gateway [term|kill|handover]   # IMS only: drain (SIGTERM, clients get 1012) or
#                                                        # crash (SIGKILL) of the gateway on 8080 (gateway A with ims-ha),
#                                                        # then start it again; handover: start the next gateway process
#                                                        # on 8080 first (SO_REUSEPORT), then drain the old one (needs
#                                                        # STORM_MODE=handover at start too, and IMS_WS_SERVER=netty)
#   infra/bench/systems.sh restart-peer <peer-ws|peer-socketio>   # kill the WebSocket server and start it again
#   infra/bench/systems.sh pids <system>                 # the pids the loadgen should measure, comma-separated
# Ports: IMS as CONTRACT section 2 (8080/8081/8082, Kafka 9092, store 27017); ims-ha adds gateway B on 8090 and
# haproxy on 8000 in front of both (clients use ws://127.0.0.1:8000/ws); peer-ws 9001 (+ publisher 9002);
# peer-socketio 9011 (+ publisher 9012); Redis for both peers 6390. State lives under $BENCH_DATA (default
# /tmp/ims-bench), wiped on every start so each run begins with an empty store and a cold server.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BENCH_DATA="${BENCH_DATA:-/tmp/ims-bench}"
RUN="$BENCH_DATA/run"
LOGS="$BENCH_DATA/logs"
mkdir -p "$RUN" "$LOGS"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"; return; fi
  local d; for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [[ -x "$d/bin/java" ]] && "$d/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])' && { echo "$d/bin/java"; return; }
  done
  echo "systems.sh: no JDK 21+ (set JAVA_HOME)" >&2; exit 1
}
JAVA="$(find_java)"

log() { printf 'bench: %s\n' "$*" >&2; }

wait_until() { # what seconds command...
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    (( SECONDS < deadline )) || { log "$what not ready within ${timeout}s"; return 1; }
    sleep 0.25
  done
}

started() { echo "$2" > "$RUN/$1.pid"; }

stop_one() { # name [signal]
  local f="$RUN/$1.pid" pid n=0
  [[ -f "$f" ]] || return 0
  pid=$(cat "$f")
  kill "-${2:-TERM}" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( n < 400 )); do sleep 0.1; n=$((n + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }

# ------------------------------------------------------------------------------------------------------------ peers
start_redis() {
  command -v redis-server >/dev/null || { log "redis-server missing: apt-get install -y redis-server"; exit 1; }
  redis-server --port 6390 --bind 127.0.0.1 --save '' --appendonly no --maxclients 1000 >"$LOGS/redis.log" 2>&1 &
  started redis $!
  wait_until "redis" 10 redis-cli -p 6390 ping
}

peers_installed() {
  [[ -d "$HERE/peers/node_modules" ]] || ( cd "$HERE/peers" && npm ci --no-audit --no-fund --loglevel=error )
}

start_peer_server() { # peer-ws | peer-socketio
  case "$1" in
    peer-ws) ( cd "$HERE/peers" && exec node --expose-gc ws/server.js ) >>"$LOGS/peer-ws.log" 2>&1 &
             started peer-ws-server $!; wait_until "peer-ws" 15 curl -fsS http://127.0.0.1:9001/health ;;
    peer-socketio) ( cd "$HERE/peers" && exec node --expose-gc socketio/server.js ) >>"$LOGS/peer-socketio.log" 2>&1 &
             started peer-socketio-server $!; wait_until "peer-socketio" 15 curl -fsS http://127.0.0.1:9011/health ;;
  esac
}

start_peer() { # peer-ws | peer-socketio
  peers_installed
  start_redis
  start_peer_server "$1"
  local mode=ws port=9002; [[ "$1" == peer-socketio ]] && { mode=socketio; port=9012; }
  ( cd "$HERE/peers" && exec node publisher.js --mode "$mode" ) >>"$LOGS/$1-publisher.log" 2>&1 &
  started "$1-publisher" $!
  wait_until "$1 publisher" 15 curl -fsS "http://127.0.0.1:$port/health"
  log "$1 up: server pid $(pid_of "$1-server")"
}

stop_peer() {
  stop_one "$1-publisher"; stop_one "$1-server"; stop_one redis
}

# -------------------------------------------------------------------------------------------------------------- IMS
# The same processes and JVM options as `./ims dev` (CONTRACT section 2 defaults), without its foreground watchdog,
# which would stop the whole platform when the reconnect scenario restarts the gateway.
IMS_JAR() { echo "$ROOT/$1/target/$1.jar"; }
DEV_PLATFORM_JAR="$ROOT/infra/dev-platform/target/dev-platform-exec.jar"

# as ./ims: compact object headers are a product option from JDK 25 on
compact_headers() { "$JAVA" -XX:+UseCompactObjectHeaders -version >/dev/null 2>&1 && echo "-XX:+UseCompactObjectHeaders" || true; }

ims_env() {
  export IMS_DATA_DIR="$BENCH_DATA/ims-data" IMS_DEV_MODE=true
  # the unicast step offers up to 1,500 requests/s from one producer token; the default per-producer limit (200/s)
  # would measure the limiter (429s), not the delivery path
  export IMS_PRODUCER_RATE_LIMIT="${IMS_PRODUCER_RATE_LIMIT:-5000}"
  export IMS_KAFKA_BOOTSTRAP="localhost:${IMS_KAFKA_PORT:-9092}" IMS_MONGO_URI="mongodb://localhost:${IMS_MONGO_PORT:-27017}/ims"
  if [[ "${STORM_MODE:-}" == handover ]]; then
    # every process on the port binds it with SO_REUSEPORT, each with an id of its own (docs/OPERATIONS.md)
    export IMS_WS_REUSE_PORT=true IMS_GATEWAY_ID="${IMS_GATEWAY_ID:-bench-gw-a}"
  fi
}

start_ims_service() { # module [name: pid and log file, default the module]
  local opts name="${2:-$1}"
  case "$1" in
    push-gateway) opts="${IMS_GATEWAY_JAVA_OPTS:--Xmx1g -XX:+UseSerialGC $(compact_headers)}" ;;
    *) opts="${IMS_SERVICE_JAVA_OPTS:--Xmx768m -XX:+UseSerialGC}" ;;
  esac
  # shellcheck disable=SC2086
  ${NICE_PREFIX:-} "$JAVA" $opts -jar "$(IMS_JAR "$1")" >>"$LOGS/$name.log" 2>&1 &
  started "$name" $!
}

ims_healthy() { curl -fsS "http://127.0.0.1:$1/actuator/health" | grep -q '"status":"UP"'; }

start_ims() {
  local j
  for j in "$DEV_PLATFORM_JAR" "$(IMS_JAR push-gateway)" "$(IMS_JAR notification-service)" "$(IMS_JAR presence-service)"; do
    [[ -f "$j" ]] || { log "missing $j: run ./ims build first"; exit 1; }
  done
  ims_env
  rm -rf "$IMS_DATA_DIR"; mkdir -p "$IMS_DATA_DIR"
  rm -f "$RUN/gateway-id"   # a fresh platform starts with gateway A's id; a handover alternates from there
  : >"$LOGS/dev-platform.log"
  "$JAVA" ${IMS_PLATFORM_JAVA_OPTS:--Xmx2g -Xmn48m} -jar "$DEV_PLATFORM_JAR" platform >>"$LOGS/dev-platform.log" 2>&1 &   # as ./ims
  started dev-platform $!
  wait_until "Kafka and the store" 90 grep -q '^READY' "$LOGS/dev-platform.log"
  local s
  for s in presence-service notification-service push-gateway; do start_ims_service "$s"; done
  wait_until presence-service 180 ims_healthy 8082
  wait_until notification-service 180 ims_healthy 8081
  wait_until push-gateway 180 ims_healthy 8080
  log "ims up: gateway pid $(pid_of push-gateway)"
}

stop_ims() {
  local s
  for s in haproxy-1 haproxy-2 push-gateway-b push-gateway-next push-gateway notification-service presence-service; do
    stop_one "$s"
  done
  stop_one dev-platform
}

# IMS as it is deployed for availability: two gateways behind a load balancer. Clients connect to haproxy on 8000,
# which sends every connection to gateway A (8080) while its health check passes, and to gateway B (8090, a backup)
# otherwise; restart-gateway restarts A, so all N clients are dropped at once and come back through B. Two haproxy
# processes share the port (SO_REUSEPORT, haproxy's default): each proxied connection holds two descriptors, and one
# process may hold at most 20,000.
HAPROXY_PORT=8000
start_ims_ha() {
  command -v haproxy >/dev/null || { log "haproxy missing: apt-get install -y haproxy"; exit 1; }
  start_ims
  IMS_GATEWAY_PORT=8090 start_ims_service push-gateway push-gateway-b
  wait_until push-gateway-b 180 ims_healthy 8090
  cat >"$RUN/haproxy.cfg" <<CFG
global
  maxconn 9500
defaults
  mode tcp
  # a gateway's accept queue is long during a storm: waiting there is not a failure
  timeout connect 5s
  timeout client 10m
  timeout server 10m
  timeout check 10s
  retries 2
  option redispatch
frontend gateways
  bind 127.0.0.1:$HAPROXY_PORT
  maxconn 9500
  default_backend gateways
backend gateways
  # /actuator/health answers 503 from the moment a gateway drains, so new connections go to B before A closes its
  # clients with 1012
  option httpchk GET /actuator/health
  http-check expect status 200
  # a drain answers 503 at once: A is out within two checks (~0.5 s); a check slowed by a handshake burst (Tomcat's
  # workers all busy upgrading) is not a failure (timeout check 10s), or A would lose clients to B during the ramp
  default-server inter 250ms fall 2 rise 2
  server a 127.0.0.1:8080 check
  # B takes the whole storm: a health check it answers late under that load must not take it out (nothing else would
  # serve)
  server b 127.0.0.1:8090 check backup inter 1s fall 10
CFG
  local i
  for i in 1 2; do
    haproxy -db -f "$RUN/haproxy.cfg" >>"$LOGS/haproxy-$i.log" 2>&1 &
    started "haproxy-$i" $!
  done
  wait_until haproxy 10 curl -fsS -o /dev/null "http://127.0.0.1:$HAPROXY_PORT/actuator/health"
  log "ims-ha up: clients on ws://127.0.0.1:$HAPROXY_PORT/ws, gateway A pid $(pid_of push-gateway), B pid $(pid_of push-gateway-b)"
}

# An in-place restart without a load balancer: the next gateway process starts on the same port while the old one
# serves, and once it is up the old one drains; its listener closes first, so its clients' reconnects reach the new one.
handover_gateway() {
  local current next
  current="$(cat "$RUN/gateway-id" 2>/dev/null || echo bench-gw-a)"
  [[ "$current" == bench-gw-a ]] && next=bench-gw-b || next=bench-gw-a
  : >"$LOGS/push-gateway-next.log"
  IMS_GATEWAY_ID="$next" start_ims_service push-gateway push-gateway-next
  wait_until "push-gateway $next" 180 grep -q "gateway started" "$LOGS/push-gateway-next.log"
  echo "$next" >"$RUN/gateway-id"
  cat "$LOGS/push-gateway-next.log" >>"$LOGS/push-gateway.log"
  stop_one push-gateway TERM
  mv "$RUN/push-gateway-next.pid" "$RUN/push-gateway.pid"
}

restart_gateway() { # term | kill | handover
  ims_env
  if [[ "${1:-term}" == handover ]]; then
    handover_gateway
    return
  fi
  stop_one push-gateway "$([[ "${1:-term}" == kill ]] && echo KILL || echo TERM)"
  if [[ -n "$(pid_of push-gateway-b)" ]]; then
    # ims-ha: in a deployment the restarted gateway starts on its own host; here its JVM start (8-9 s of a core) would
    # take CPU from gateway B while B takes the storm, so it starts at a lower priority
    NICE_PREFIX="nice -n 10" start_ims_service push-gateway
  else
    start_ims_service push-gateway
  fi
  wait_until push-gateway 180 ims_healthy 8080
}

pids() {
  case "$1" in
    ims) echo "$(pid_of push-gateway),$(pid_of notification-service),$(pid_of presence-service),$(pid_of dev-platform)" ;;
    ims-ha) echo "$(pid_of push-gateway),$(pid_of push-gateway-b),$(pid_of notification-service),$(pid_of presence-service),$(pid_of dev-platform)" ;;
    peer-ws|peer-socketio) echo "$(pid_of "$1-server"),$(pid_of "$1-publisher"),$(pid_of redis)" ;;
  esac
}

case "${1:-}" in
  start) case "${2:-}" in ims) start_ims ;; ims-ha) start_ims_ha ;; peer-ws|peer-socketio) start_peer "$2" ;; *) exit 2 ;; esac ;;
  stop) case "${2:-}" in ims|ims-ha) stop_ims ;; peer-ws|peer-socketio) stop_peer "$2" ;;
                         all) stop_ims; stop_peer peer-ws; stop_peer peer-socketio ;; *) exit 2 ;; esac ;;
  restart-gateway) restart_gateway "${2:-term}" ;;
  restart-peer) stop_one "$2-server" KILL; start_peer_server "$2" ;;
  pids) pids "${2:-}" ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
