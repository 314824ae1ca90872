#!/usr/bin/env bash
# bench/run.sh: the DESIGN.md performance targets, each measured next to a baseline in the
# same run, on loopback only. Prints a markdown report (also saved as results.md in the work
# directory, with every raw wrk output and log).
#
#   1. cached GET /v1/balances: coinfan vs nginx (2 workers) serving the same bytes as a file
#      (with and without sendfile), requests/s and server CPU per request; the same with
#      Accept-Encoding: gzip against nginx's gzip_static of coinfan's own .gz bytes, and the
#      compressions coinfan made meanwhile (coinfan_gzip_compressions_total)
#   2. uncached fan-out (max_age_ms=0), every simulator answering after 50 ms, 100 callers:
#      coinfan's latency vs one simulator's own latency under the same load, plus a variant
#      with 100 distinct selections; upstream calls per request from the simulators' counters
#   3. 1000 concurrent identical requests on a cold cache: upstream calls per gateway
#   4. idle RSS, and the memory of 2000 idle keep-alive connections (coinfan and nginx)
#   5. several replicas behind nginx, with and without a shared Redis (bench/replicas.sh):
#      1 and 3 replicas, cached and uncached GET /v1/balances, and a cold burst to 3 replicas
#
# Usage: bench/run.sh            (from a clean clone of a Debian 12 machine; installs what is
#                                 missing, builds the `bench` preset, runs everything)
# Knobs (environment):
#   BENCH_DURATION=10        seconds per wrk run
#   BENCH_ROUNDS=3           alternating rounds per comparison (the median is reported)
#   BENCH_CONNECTIONS=64     wrk connections for target 1 (wrk -t1)
#   BENCH_CALLERS=100        concurrent callers for target 2
#   BENCH_LATENCY_MS=50      injected simulator latency for target 2
#   BENCH_BURST=1000         concurrent requests for target 3
#   BENCH_BURST_LATENCY_MS=200  simulator latency during target 3 (so the burst overlaps it)
#   BENCH_IDLE_CONNECTIONS=2000 idle keep-alive connections for target 4
#   BENCH_SERVER_CPUS=0      CPUs for coinfan, nginx and node (taskset -c); empty: no pinning
#   BENCH_LOAD_CPUS=1        CPUs for wrk and bench_burst; empty: no pinning
#   BENCH_ENV_CPUS=1         CPUs for the simulators (bench_env; default: BENCH_LOAD_CPUS); empty: no pinning
#   BENCH_COINFAN_THREADS=2  coinfan server.threads (nginx always runs 2 workers)
#   BENCH_BIN_DIR=           use coinfan/bench binaries from this build dir instead of building
#   BENCH_CMAKE_ARGS=        extra arguments for `cmake --preset bench`
#   BENCH_WORK_DIR=          where configs, logs and results go (default: a new /tmp dir)
#   BENCH_NODE=0             1: also run the optional Node.js (Fastify + undici) aggregator
#                            (bench/node, npm ci) in targets 1 and 2
#   BENCH_TARGETS="1 2 3 4"  which targets to run; 5 runs only when named (BENCH_TARGETS=5:
#                            about 5 minutes with the defaults; its own knobs: bench/replicas.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${BENCH_DURATION:-10}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
CALLERS="${BENCH_CALLERS:-100}"
LATENCY_MS="${BENCH_LATENCY_MS:-50}"
BURST="${BENCH_BURST:-1000}"
BURST_LATENCY_MS="${BENCH_BURST_LATENCY_MS:-200}"
IDLE_CONNECTIONS="${BENCH_IDLE_CONNECTIONS:-2000}"
SERVER_CPUS="${BENCH_SERVER_CPUS-0}"
LOAD_CPUS="${BENCH_LOAD_CPUS-1}"
ENV_CPUS="${BENCH_ENV_CPUS-$LOAD_CPUS}"
COINFAN_THREADS="${BENCH_COINFAN_THREADS:-2}"
BIN_DIR="${BENCH_BIN_DIR:-}"
RUN_NODE="${BENCH_NODE:-0}"
TARGETS="${BENCH_TARGETS:-1 2 3 4}"
want() { [[ " $TARGETS " == *" $1 "* ]]; }

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

# --- dependencies -------------------------------------------------------------------------
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
if [ -z "$BIN_DIR" ]; then "$ROOT/scripts/install-deps.sh" >&2; fi
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
command -v taskset >/dev/null || missing+=(util-linux)
command -v ps >/dev/null || missing+=(procps)
command -v ss >/dev/null || missing+=(iproute2)
if want 5; then
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update >&2
  # RUNLEVEL=1: Debian's nginx package must not start the system nginx on port 80.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 "${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
    "${missing[@]}" >&2
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [ "$RUN_NODE" = 1 ] && ! { command -v node && command -v npm; } >/dev/null; then die "BENCH_NODE=1 needs node and npm"; fi

# --- build --------------------------------------------------------------------------------
if [ -z "$BIN_DIR" ]; then
  log "building the bench preset (Release)"
  # shellcheck disable=SC2086
  if ! (cd "$ROOT" && cmake --preset bench -DCOINFAN_WERROR=ON ${BENCH_CMAKE_ARGS:-} >&2 &&
    cmake --build --preset bench -j"$(nproc)" >&2); then
    die "the bench preset did not build (see above; warnings are errors). To measure anyway:" \
      "BENCH_CMAKE_ARGS=-DCOINFAN_WERROR=OFF bench/run.sh"
  fi
  BIN_DIR="$ROOT/build/bench"
fi
COINFAN="$BIN_DIR/coinfan"
BENCH_ENV="$BIN_DIR/bench/bench_env"
BENCH_BURST_BIN="$BIN_DIR/bench/bench_burst"
for b in "$COINFAN" "$BENCH_ENV" "$BENCH_BURST_BIN"; do [ -x "$b" ] || die "missing $b"; done

# --- work directory, limits, processes ------------------------------------------------------
WORK="${BENCH_WORK_DIR:-$(mktemp -d /tmp/coinfan-bench.XXXXXX)}"
mkdir -p "$WORK"
chmod 755 "$WORK"  # nginx workers (user nobody when started as root) read the static file
need_fds=$((IDLE_CONNECTIONS * 2 + BURST * 2 + 1024))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need_fds" ]; then
  ulimit -n "$need_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge $((IDLE_CONNECTIONS + 256)) ] ||
  die "open-file limit $(ulimit -n) is too low for $IDLE_CONNECTIONS connections"

pin() {  # pin CPUS COMMAND...: taskset when CPUS is set and valid here
  local cpus="$1"
  shift
  if [ -n "$cpus" ] && command -v taskset >/dev/null && taskset -c "$cpus" true 2>/dev/null; then
    taskset -c "$cpus" "$@"
  else
    "$@"
  fi
}

spawn() {  # spawn CPUS COMMAND... &: like pin, but execs, so $! is the command's own pid
  local cpus="$1"
  shift
  if [ -n "$cpus" ] && command -v taskset >/dev/null && taskset -c "$cpus" true 2>/dev/null; then
    exec taskset -c "$cpus" "$@"
  fi
  exec "$@"
}

ENV_PID="" COINFAN_PID="" NGINX_PID="" HOLD_PID="" NODE_PID=""
stop_pid() {  # stop_pid PID: SIGTERM, wait up to 5 s, then SIGKILL; only our own children
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  if declare -F cleanup_replicas >/dev/null; then cleanup_replicas; fi
  stop_pid "$HOLD_PID"
  stop_pid "$NODE_PID"
  stop_pid "$COINFAN_PID"
  if [ -n "$NGINX_PID" ]; then stop_pid "$NGINX_PID"; fi
  stop_pid "$ENV_PID"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {  # a loopback TCP port nobody listens on, from $1 upwards
  local p="$1"
  while ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; do p=$((p + 1)); done
  echo "$p"
}
wait_http() {  # wait_http URL [SECONDS]: until it answers 200
  local url="$1" tries=$((${2:-20} * 10))
  for _ in $(seq "$tries"); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
tree_rss_kb() {  # RSS of a process and its direct children (nginx master + workers)
  local total
  total=$(rss_kb "$1")
  for c in $(ps -o pid= --ppid "$1"); do total=$((total + $(rss_kb "$c"))); done
  echo "$total"
}

COINFAN_PORT="$(free_port 18080)"
NGINX_PORT="$(free_port $((COINFAN_PORT + 1)))"
NGINX2_PORT="$(free_port $((NGINX_PORT + 1)))"
NODE_PORT="$(free_port $((NGINX2_PORT + 1)))"

log "work directory $WORK"
log "starting the simulators (bench_env)"
spawn "$ENV_CPUS" "$BENCH_ENV" --out "$WORK/env" --coinfan-port "$COINFAN_PORT" \
  --coinfan-threads "$COINFAN_THREADS" >"$WORK/bench_env.log" 2>&1 &
ENV_PID=$!
for _ in $(seq 100); do [ -f "$WORK/env/ready" ] && break; sleep 0.1; done
[ -f "$WORK/env/ready" ] || die "bench_env did not start; see $WORK/bench_env.log"
CONTROL="http://127.0.0.1:$(jq -r .control_port "$WORK/env/env.json")"
CONFIG="$WORK/env/coinfan.json"
KUNA_PORT="$(jq -r '.simulators[] | select(.id == "kuna") | .port' "$WORK/env/env.json")"
API_KEY="$(jq -r .api_key "$WORK/env/env.json")"
# Every request to coinfan (and, for identical request bytes, to nginx and node) carries the key.
AUTH_HEADER="Authorization: Bearer $API_KEY"
AUTH=(-H "$AUTH_HEADER")
set_latency() { curl -sf -X POST "$CONTROL/latency?ms=$1" >/dev/null; }
reset_counts() { curl -sf -X POST "$CONTROL/reset" >/dev/null; }
counts() { curl -sf "$CONTROL/counts"; }

start_coinfan() {  # start_coinfan CONFIG: a new coinfan process (the old one is stopped first)
  stop_pid "$COINFAN_PID"
  spawn "$SERVER_CPUS" "$COINFAN" --config "$1" >>"$WORK/coinfan.log" 2>&1 &
  COINFAN_PID=$!
  wait_http "http://127.0.0.1:$COINFAN_PORT/readyz" || die "coinfan did not become ready; see $WORK/coinfan.log"
}
upstream_requests() {  # coinfan_upstream_requests_total per gateway, as JSON {id: n}
  curl -sf "http://127.0.0.1:$COINFAN_PORT/metrics" |
    awk -F'[{}"= ]+' '/^coinfan_upstream_requests_total\{/ {printf "%s\"%s\":%s", (n++ ? "," : "{"), $3, $NF} END {print (n ? "}" : "{}")}'
}

# wrk output fields
wrk_rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_requests() { awk '/requests in/ {print $1}' "$1"; }
wrk_non2xx() { awk '/Non-2xx or 3xx responses:/ {print $5}' "$1" | grep . || echo 0; }
wrk_socket_errors() { awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$1" | grep . || echo 0; }
wrk_pct_ms() {  # wrk_pct_ms FILE 99%: that percentile in milliseconds
  awk -v p="$2" '$1 == p {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000;
    printf "%.2f", v}' "$1"
}
run_wrk() {  # run_wrk OUT CONNECTIONS URL [wrk args...]
  local out="$1" c="$2" url="$3"
  shift 3
  pin "$LOAD_CPUS" wrk -t1 -c"$c" -d"${DURATION}s" --latency "$@" "$url" >"$out" 2>&1 || true
}
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1f", 100 * a / b; else print "n/a"}'; }

machine() {
  local cpu
  cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "$(nproc) CPUs ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
}
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- coinfan up; is /v1/balances wired? ---------------------------------------------------
log "starting coinfan on 127.0.0.1:$COINFAN_PORT"
start_coinfan "$CONFIG"
sleep 1
IDLE_RSS_FRESH="$(rss_kb "$COINFAN_PID")"
BAL_URL="http://127.0.0.1:$COINFAN_PORT/v1/balances"
BAL_STATUS="$(curl -s "${AUTH[@]}" -o "$WORK/balances.json" -D "$WORK/balances.headers" -w '%{http_code}' "$BAL_URL" || true)"
BALANCES=0
if [ "$BAL_STATUS" = 200 ]; then
  BALANCES=1
  BAL_BYTES="$(wc -c <"$WORK/balances.json")"
  BAL_ROWS="$(jq '.balances | length' "$WORK/balances.json" 2>/dev/null || echo '?')"
  BAL_COMPLETE="$(jq -r '.complete' "$WORK/balances.json" 2>/dev/null || echo '?')"
  log "/v1/balances: 200, $BAL_BYTES bytes, $BAL_ROWS balance rows, complete=$BAL_COMPLETE"
else
  log "/v1/balances answered $BAL_STATUS: targets 1-3 cannot be measured with this build"
fi

declare -a R1 R1S R2 R2D R2N R3 R4 NOTES
NOTES=()

# --- nginx ----------------------------------------------------------------------------------
nginx_temp_lines() {  # nginx_temp_lines PREFIX: the temp paths under PREFIX/temp of the modules this nginx has
  local m
  mkdir -p "$1/temp"
  for m in client_body proxy fastcgi uwsgi scgi; do
    if [ "$m" = client_body ] || ! "$NGINX" -V 2>&1 | grep -q -- "--without-http_${m}_module"; then
      echo "  ${m}_temp_path $1/temp/$m;"
    fi
  done
}
start_nginx() {
  local prefix="$WORK/nginx"
  mkdir -p "$prefix/www/v1" "$prefix/logs"
  chmod 755 "$prefix" "$prefix/www" "$prefix/www/v1"
  cat >"$prefix/nginx.conf" <<EOF
worker_processes 2;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections $((IDLE_CONNECTIONS + 1024)); }
http {
  access_log off;
$(nginx_temp_lines "$prefix")
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 300s;
  keepalive_requests 10000000;
  open_file_cache max=16 inactive=600s;
  default_type application/json;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $prefix/www;
    location = /v1/balances { gzip_static on; }
  }
  # The same file without sendfile: the body is copied through user space, as coinfan does.
  server {
    listen 127.0.0.1:$NGINX2_PORT;
    root $prefix/www;
    sendfile off;
    location = /v1/balances { }
  }
}
EOF
  spawn "$SERVER_CPUS" "$NGINX" -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;' >"$prefix/logs/stdout.log" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 50); do [ "$(ps -o pid= --ppid "$NGINX_PID" | wc -l)" -ge 2 ] && break; sleep 0.1; done
}

if [ "$BALANCES" = 1 ]; then
  log "starting nginx (2 workers) on 127.0.0.1:$NGINX_PORT with the same bytes"
  start_nginx
  cp "$WORK/balances.json" "$WORK/nginx/www/v1/balances"
  # coinfan's own gzip form of the same answer, for nginx's gzip_static
  curl -s "${AUTH[@]}" -H 'Accept-Encoding: gzip' -o "$WORK/nginx/www/v1/balances.gz" "$BAL_URL"
  chmod 644 "$WORK/nginx/www/v1/balances" "$WORK/nginx/www/v1/balances.gz"
  wait_http "http://127.0.0.1:$NGINX_PORT/v1/balances" || die "nginx does not serve the file; see $WORK/nginx/logs"
  cmp -s "$WORK/balances.json" <(curl -s "http://127.0.0.1:$NGINX_PORT/v1/balances") || die "nginx bytes differ"
  cmp -s "$WORK/balances.json" <(curl -s "http://127.0.0.1:$NGINX2_PORT/v1/balances") || die "nginx bytes differ"
fi

# --- optional Node.js aggregator -------------------------------------------------------------
if [ "$RUN_NODE" = 1 ] && [ "$BALANCES" = 1 ]; then
  log "installing and starting the Node.js aggregator (bench/node)"
  (cd "$ROOT/bench/node" && npm ci --no-audit --no-fund >&2)
  spawn "$SERVER_CPUS" node "$ROOT/bench/node/aggregator.mjs" --config "$WORK/env/coinfan.json" \
    --port "$NODE_PORT" >"$WORK/node.log" 2>&1 &
  NODE_PID=$!
  wait_http "http://127.0.0.1:$NODE_PORT/v1/balances" 30 || die "the Node.js aggregator did not start; see $WORK/node.log"
fi

# --- 1. cached GET /v1/balances ---------------------------------------------------------------
# CPU time of a process and its direct children (nginx master + workers), in clock ticks. The
# machine is shared, so besides requests per second the report gives the server CPU time each
# request cost (utime + stime over the run / requests): that ratio does not depend on how much
# of the CPU the server happened to get.
CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() {
  local total=0 p
  for p in "$1" $(ps -o pid= --ppid "$1"); do
    total=$((total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
us_per_request() {  # us_per_request TICKS REQUESTS
  awk -v t="$1" -v q="$2" -v hz="$CLK_TCK" 'BEGIN {if (q > 0) printf "%.1f", t * 1000000 / hz / q; else print "n/a"}'
}
if [ "$BALANCES" = 1 ] && want 1; then
  log "target 1: cached /v1/balances, wrk -t1 -c$CONNECTIONS -d${DURATION}s, $ROUNDS alternating rounds"
  set_latency 0
  curl -s "${AUTH[@]}" -o /dev/null "$BAL_URL"
  contenders=(coinfan nginx nginx-nosendfile coinfan-gzip nginx-gzip)
  [ "$RUN_NODE" = 1 ] && contenders+=(node)
  declare -A URL=(
    [coinfan]="$BAL_URL"
    [nginx]="http://127.0.0.1:$NGINX_PORT/v1/balances"
    [nginx-nosendfile]="http://127.0.0.1:$NGINX2_PORT/v1/balances"
    [coinfan-gzip]="$BAL_URL"
    [nginx-gzip]="http://127.0.0.1:$NGINX_PORT/v1/balances"
    [node]="http://127.0.0.1:$NODE_PORT/v1/balances")
  declare -A PID=([coinfan]="$COINFAN_PID" [nginx]="$NGINX_PID" [nginx-nosendfile]="$NGINX_PID" [node]="$NODE_PID"
    [coinfan-gzip]="$COINFAN_PID" [nginx-gzip]="$NGINX_PID")
  declare -A LABEL=([coinfan]="coinfan" [nginx]="nginx, static file (sendfile on)"
    [nginx-nosendfile]="nginx, static file, sendfile off" [node]="Node.js Fastify + undici aggregator"
    [coinfan-gzip]="coinfan, Accept-Encoding: gzip" [nginx-gzip]="nginx, gzip_static (the same .gz bytes, sendfile on), Accept-Encoding: gzip")
  # The gzip pair asks for gzip; each is compared with its own kind (coinfan-gzip with nginx-gzip).
  declare -A ENC=([coinfan-gzip]="Accept-Encoding: gzip" [nginx-gzip]="Accept-Encoding: gzip")
  declare -A BASE=([nginx-gzip]=coinfan-gzip)
  enc_args() { if [ -n "${ENC[$1]:-}" ]; then echo "-H"; echo "${ENC[$1]}"; fi; }
  for who in "${contenders[@]}"; do
    mapfile -t enc < <(enc_args "$who")
    run_wrk "$WORK/t1-warmup-$who.txt" "$CONNECTIONS" "${URL[$who]}" -d2s "${AUTH[@]}" "${enc[@]}"
  done
  GZ_BEFORE="$(curl -sf "http://127.0.0.1:$COINFAN_PORT/metrics" | awk '$1 == "coinfan_gzip_compressions_total" {print $2}')"
  declare -A RPS=() USR=()
  for r in $(seq "$ROUNDS"); do
    # alternate the order: odd rounds as listed, even rounds reversed
    order=("${contenders[@]}")
    if [ $((r % 2)) -eq 0 ]; then
      order=()
      for ((i = ${#contenders[@]} - 1; i >= 0; i--)); do order+=("${contenders[$i]}"); done
    fi
    for who in "${order[@]}"; do
      out="$WORK/t1-$who-$r.txt"
      t0="$(cpu_ticks "${PID[$who]}")"
      mapfile -t enc < <(enc_args "$who")
      run_wrk "$out" "$CONNECTIONS" "${URL[$who]}" "${AUTH[@]}" "${enc[@]}"
      t1="$(cpu_ticks "${PID[$who]}")"
      RPS[$who,$r]="$(wrk_rps "$out")"
      USR[$who,$r]="$(us_per_request $((t1 - t0)) "$(wrk_requests "$out")")"
      bad=$(($(wrk_non2xx "$out") + $(wrk_socket_errors "$out")))
      [ "$bad" -eq 0 ] || NOTES+=("target 1 round $r: $who had $bad non-2xx answers or socket errors (t1-$who-$r.txt)")
    done
    log "  round $r: $(for who in "${contenders[@]}"; do printf '%s %s req/s (%s us CPU/request); ' "$who" "${RPS[$who,$r]}" "${USR[$who,$r]}"; done)"
  done
  over_rounds() {  # over_rounds EXPR_FN: the median over the rounds of EXPR_FN ROUND
    local r
    for r in $(seq "$ROUNDS"); do "$1" "$r"; echo; done | median
  }
  R1=("| round | $(for who in "${contenders[@]}"; do printf '%s req/s (CPU per request) | ' "$who"; done)"
      "| --- | $(for _ in "${contenders[@]}"; do printf -- '--- | '; done)")
  for r in $(seq "$ROUNDS"); do
    R1+=("| $r | $(for who in "${contenders[@]}"; do printf '%s (%s us) | ' "${RPS[$who,$r]}" "${USR[$who,$r]}"; done)")
  done
  R1S=("| server | median req/s | median server CPU per request | coinfan / this, req/s | coinfan / this, requests per CPU-second |"
       "| --- | --- | --- | --- | --- |")
  for who in "${contenders[@]}"; do
    rps_of() { echo -n "${RPS[$who,$1]}"; }
    us_of() { echo -n "${USR[$who,$1]}"; }
    base="${BASE[$who]:-coinfan}"
    rps_ratio() { pct "${RPS[$base,$1]}" "${RPS[$who,$1]}"; }
    cpu_ratio() { pct "${USR[$who,$1]}" "${USR[$base,$1]}"; }
    if [ "$who" = coinfan ] || [ "$who" = coinfan-gzip ]; then
      R1S+=("| ${LABEL[$who]} | **$(over_rounds rps_of)** | $(over_rounds us_of) us | | |")
      continue
    fi
    rr="$(over_rounds rps_ratio)" cr="$(over_rounds cpu_ratio)"
    case "$who" in
      nginx)
        verdict="$(awk -v r="$cr" 'BEGIN {print (r >= 100 ? "met" : "NOT met")}')"
        R1S+=("| ${LABEL[$who]} | $(over_rounds rps_of) | $(over_rounds us_of) us | **$rr %** | **$cr %** (target >= 100 %: $verdict) |") ;;
      node)
        R1S+=("| ${LABEL[$who]} | $(over_rounds rps_of) | $(over_rounds us_of) us | **$rr %** (target >= 200 %: $(awk -v r="$rr" 'BEGIN {print (r >= 200 ? "met" : "NOT met")}')) | **$cr %** |") ;;
      *)
        R1S+=("| ${LABEL[$who]} | $(over_rounds rps_of) | $(over_rounds us_of) us | $rr % | $cr % |") ;;
    esac
  done
  T1_LAT="$(for who in "${contenders[@]}"; do
    p99s_of() { local r; for r in $(seq "$ROUNDS"); do wrk_pct_ms "$WORK/t1-$who-$r.txt" 99%; echo; done | median; }
    printf '%s p50 %s ms (round 1), p99 median %s ms; ' "$who" "$(wrk_pct_ms "$WORK/t1-$who-1.txt" 50%)" "$(p99s_of)"; done)"
  GZ_AFTER="$(curl -sf "http://127.0.0.1:$COINFAN_PORT/metrics" | awk '$1 == "coinfan_gzip_compressions_total" {print $2}')"
  GZ_REQUESTS=0
  for r in $(seq "$ROUNDS"); do GZ_REQUESTS=$((GZ_REQUESTS + $(wrk_requests "$WORK/t1-coinfan-gzip-$r.txt"))); done
  T1_GZIP="coinfan compressed $(awk -v a="${GZ_AFTER:-0}" -v b="${GZ_BEFORE:-0}" 'BEGIN {print a - b}') bodies (coinfan_gzip_compressions_total) while answering $GZ_REQUESTS gzip requests in the measured rounds"
  RSS_AFTER_T1="$(rss_kb "$COINFAN_PID")"
fi

# --- 2. uncached fan-out under injected latency --------------------------------------------------
balance_calls() {  # balance_calls COUNTS_JSON: "<total> <per-gateway text>", token/login calls left out
  local sel='[.paths | to_entries[] | select(.key != "/v2/token/generate" and .key != "/v2/auth/login") | .value] | add // 0'
  echo "$(jq "[.gateways[] | $sel] | add // 0" "$1") $(jq -r "[.gateways[] | \"\(.id) \($sel)\"] | join(\", \")" "$1")"
}
per_request() { awk -v u="$1" -v q="$2" 'BEGIN {if (q > 0) printf "%.2f", u / q; else print "n/a"}'; }
if [ "$BALANCES" = 1 ] && want 2; then
  log "target 2: max_age_ms=0, every simulator +${LATENCY_MS} ms, wrk -t1 -c$CALLERS -d${DURATION}s"
  set_latency "$LATENCY_MS"
  FAN_URL="$BAL_URL?max_age_ms=0"
  SIM_URL="http://127.0.0.1:$KUNA_PORT/v2/balance"
  # The variant with distinct selections: request n asks for one asset (n < 50) or a pair, so
  # 100 different cache keys rotate and no two concurrent callers ask the same question.
  {
    echo "local assets = {$(jq -r '[.totals[].asset | "\"\(.)\""] | join(",")' "$WORK/balances.json")}"
    cat <<'EOF'
local n = 0
request = function()
  n = n + 1
  local i = n % (2 * #assets)
  local q = "/v1/balances?max_age_ms=0&asset=" .. assets[(i % #assets) + 1]
  if i >= #assets then q = q .. "," .. assets[((i + 7) % #assets) + 1] end
  return wrk.format("GET", q)
end
EOF
  } >"$WORK/distinct.lua"
  curl -s "${AUTH[@]}" -o /dev/null "$FAN_URL"
  rows="" drows="" nrows=""
  p99s=() basep99s=() dp99s=() np99s=()
  for r in $(seq "$ROUNDS"); do
    order=(coinfan sim distinct)
    [ $((r % 2)) -eq 0 ] && order=(distinct sim coinfan)
    [ "$RUN_NODE" = 1 ] && order+=(node)
    for who in "${order[@]}"; do
      case "$who" in
        coinfan | distinct | node)
          reset_counts
          case "$who" in
            coinfan) run_wrk "$WORK/t2-$who-$r.txt" "$CALLERS" "$FAN_URL" "${AUTH[@]}" ;;
            distinct) run_wrk "$WORK/t2-$who-$r.txt" "$CALLERS" "http://127.0.0.1:$COINFAN_PORT" -s "$WORK/distinct.lua" "${AUTH[@]}" ;;
            node) run_wrk "$WORK/t2-$who-$r.txt" "$CALLERS" "http://127.0.0.1:$NODE_PORT/v1/balances?max_age_ms=0" "${AUTH[@]}" ;;
          esac
          counts >"$WORK/t2-counts-$who-$r.json"
          ;;
        sim) run_wrk "$WORK/t2-sim-$r.txt" "$CALLERS" "$SIM_URL" -s "$WORK/env/kuna_balance.lua" ;;
      esac
      bad=$(($(wrk_non2xx "$WORK/t2-$who-$r.txt") + $(wrk_socket_errors "$WORK/t2-$who-$r.txt")))
      [ "$bad" -eq 0 ] || NOTES+=("target 2 round $r: $who had $bad non-2xx answers or socket errors (t2-$who-$r.txt)")
    done
    f="$WORK/t2-coinfan-$r.txt" s="$WORK/t2-sim-$r.txt" d="$WORK/t2-distinct-$r.txt"
    read -r up per_gw <<<"$(balance_calls "$WORK/t2-counts-coinfan-$r.json")"
    read -r dup dper_gw <<<"$(balance_calls "$WORK/t2-counts-distinct-$r.json")"
    p99s+=("$(wrk_pct_ms "$f" 99%)")
    basep99s+=("$(wrk_pct_ms "$s" 99%)")
    dp99s+=("$(wrk_pct_ms "$d" 99%)")
    rows+="| $r | $(wrk_pct_ms "$f" 50%) / $(wrk_pct_ms "$f" 90%) / **$(wrk_pct_ms "$f" 99%)** | $(wrk_rps "$f") | $(wrk_pct_ms "$s" 50%) / $(wrk_pct_ms "$s" 90%) / $(wrk_pct_ms "$s" 99%) | $(wrk_rps "$s") | $(per_request "$up" "$(wrk_requests "$f")") ($up calls for $(wrk_requests "$f") requests: $per_gw) |"$'\n'
    drows+="| $r | $(wrk_pct_ms "$d" 50%) / $(wrk_pct_ms "$d" 90%) / **$(wrk_pct_ms "$d" 99%)** | $(wrk_rps "$d") | $(per_request "$dup" "$(wrk_requests "$d")") ($dup calls for $(wrk_requests "$d") requests: $dper_gw) |"$'\n'
    if [ "$RUN_NODE" = 1 ]; then
      o="$WORK/t2-node-$r.txt"
      read -r nup nper_gw <<<"$(balance_calls "$WORK/t2-counts-node-$r.json")"
      nrows+="| $r | $(wrk_pct_ms "$o" 50%) / $(wrk_pct_ms "$o" 90%) / **$(wrk_pct_ms "$o" 99%)** | $(wrk_rps "$o") | $(per_request "$nup" "$(wrk_requests "$o")") ($nup calls for $(wrk_requests "$o") requests: $nper_gw) |"$'\n'
      np99s+=("$(wrk_pct_ms "$o" 99%)")
    fi
    log "  round $r: coinfan p99 $(wrk_pct_ms "$f" 99%) ms (distinct selections $(wrk_pct_ms "$d" 99%) ms), simulator p99 $(wrk_pct_ms "$s" 99%) ms$(if [ "$RUN_NODE" = 1 ]; then echo ", node p99 $(wrk_pct_ms "$o" 99%) ms"; fi)"
  done
  p99_med="$(printf '%s\n' "${p99s[@]}" | median)"
  base_med="$(printf '%s\n' "${basep99s[@]}" | median)"
  dp99_med="$(printf '%s\n' "${dp99s[@]}" | median)"
  T2_VERDICT="$(awk -v r="$p99_med" 'BEGIN {print (r <= 53 ? "met" : "NOT met")}')"
  R2=("| round | coinfan p50 / p90 / p99 ms | coinfan req/s | simulator alone p50 / p90 / p99 ms | simulator req/s | upstream balance calls per coinfan request |"
      "| --- | --- | --- | --- | --- | --- |"
      "${rows%$'\n'}"
      "| **median p99** | **$p99_med ms** (target <= 53 ms: $T2_VERDICT) | | **$base_med ms** | | coinfan p99 minus the simulator's own p99: $(awk -v a="$p99_med" -v b="$base_med" 'BEGIN {printf "%+.2f", a - b}') ms |")
  R2D=("| round | coinfan p50 / p90 / p99 ms | coinfan req/s | upstream balance calls per coinfan request |"
       "| --- | --- | --- | --- |"
       "${drows%$'\n'}"
       "| **median p99** | **$dp99_med ms** | | |")
  if [ "$RUN_NODE" = 1 ]; then
    R2N=("| round | node p50 / p90 / p99 ms | node req/s | upstream balance calls per node request |"
         "| --- | --- | --- | --- |"
         "${nrows%$'\n'}"
         "| **median p99** | **$(printf '%s\n' "${np99s[@]}" | median) ms** (coinfan's: $p99_med ms) | | |")
  fi
  RSS_AFTER_T2="$(rss_kb "$COINFAN_PID")"
  set_latency 0
fi

# --- 3. 1000 concurrent identical requests on a cold cache ------------------------------------------
# coinfan fills its cache at start (a warm-up fan-out), so "cold" is made by time: a process
# with cache.fresh_ms 1000 and stale_ms 2000 is left alone for 3 s after its warm-up, by when
# both the cached answer and every gateway's last good answer have expired.
if [ "$BALANCES" = 1 ] && want 3; then
  log "target 3: $BURST concurrent GET /v1/balances on a cold cache (new coinfan process), simulators +${BURST_LATENCY_MS} ms"
  jq '.cache.fresh_ms = 1000 | .cache.stale_ms = 2000' "$CONFIG" >"$WORK/env/coinfan-cold.json"
  reset_counts
  start_coinfan "$WORK/env/coinfan-cold.json"
  for _ in $(seq 100); do
    [ "$(counts | jq '[.gateways[] | select(.total > 0)] | length')" -ge 5 ] && break
    sleep 0.1
  done
  sleep 3
  set_latency "$BURST_LATENCY_MS"
  reset_counts
  before="$(upstream_requests)"
  pin "$LOAD_CPUS" "$BENCH_BURST_BIN" --port "$COINFAN_PORT" --path /v1/balances --connections "$BURST" \
    --header "$AUTH_HEADER" >"$WORK/t3-burst.json" 2>"$WORK/t3-burst.err" ||
    NOTES+=("target 3: bench_burst reported failures (t3-burst.err)")
  after="$(upstream_requests)"
  curl -sf "http://127.0.0.1:$COINFAN_PORT/metrics" >"$WORK/t3-metrics.txt" || true
  counts >"$WORK/t3-counts.json"
  set_latency 0
  # A gateway's balances may take more than one endpoint (CCPayment v2: the asset list and the
  # USDT prices that value it); the target holds when each endpoint was called exactly once.
  R3=("| gateway | simulator requests by path during the burst | calls (token and login left out) | most calls to one path | coinfan_upstream_requests_total (delta) |"
      "| --- | --- | --- | --- | --- |")
  T3_OK=1
  while IFS=$'\t' read -r id paths calls most; do
    m="$(jq -n --argjson a "$after" --argjson b "$before" --arg id "$id" '($a[$id] // 0) - ($b[$id] // 0)')"
    [ "$most" = 1 ] || T3_OK=0
    R3+=("| $id | ${paths:-none} | $calls | $most | $m |")
  done < <(jq -r '.gateways[] | [.id, ([.paths | to_entries[] | "\(.key) \(.value)"] | join(", ")),
      ([.paths | to_entries[] | select(.key != "/v2/token/generate" and .key != "/v2/auth/login") | .value] | add // 0),
      ([.paths | to_entries[] | select(.key != "/v2/token/generate" and .key != "/v2/auth/login") | .value] | max // 0)] | @tsv' "$WORK/t3-counts.json")
  T3_SUMMARY="$(jq -r '"\(.connections) requests: statuses \(.statuses), errors \(.errors), \(.from_cache_age_header) answered with an Age header (from the cache), latency min/p50/p99/max \(.latency_ms.min)/\(.latency_ms.p50)/\(.latency_ms.p99)/\(.latency_ms.max) ms, body \(.body_bytes) bytes"' "$WORK/t3-burst.json" 2>/dev/null || echo "no summary; see $WORK/t3-burst.err")"
  T3_VERDICT="$([ "$T3_OK" = 1 ] && echo met || echo 'NOT met')"
fi

# --- 4. memory: idle RSS and idle keep-alive connections ---------------------------------------------
if want 4; then
  log "target 4: idle RSS and $IDLE_CONNECTIONS idle keep-alive connections (new coinfan process)"
  set_latency 0
  start_coinfan "$CONFIG"
  sleep 1
  IDLE_RSS="$(rss_kb "$COINFAN_PID")"
  HOLD_PATH=/healthz
  [ "$BALANCES" = 1 ] && HOLD_PATH=/v1/balances
  hold_connections() {  # hold_connections PORT PATH OUT: open, answer once, stay idle; prints nothing
    local out="$3"
    spawn "$LOAD_CPUS" "$BENCH_BURST_BIN" --port "$1" --path "$2" --connections "$IDLE_CONNECTIONS" --header "$AUTH_HEADER" --hold \
      >"$out" 2>"$out.err" &
    HOLD_PID=$!
    for _ in $(seq 300); do grep -qs READY "$out" && return 0; kill -0 "$HOLD_PID" 2>/dev/null || break; sleep 0.1; done
    return 1
  }
  measure_idle() {  # measure_idle NAME PORT PATH RSS_FN PID: sets MI_BEFORE MI_AFTER (KB), MI_PER (bytes)
    local name="$1" port="$2" path="$3" fn="$4" pid="$5"
    # warm up: the first answers allocate caches and buffers that are not per connection
    pin "$LOAD_CPUS" wrk -t1 -c8 -d2s "${AUTH[@]}" "http://127.0.0.1:$port$path" >"$WORK/t4-warmup-$name.txt" 2>&1 || true
    sleep 1
    MI_BEFORE="$($fn "$pid")" MI_AFTER="-" MI_PER="-"
    if hold_connections "$port" "$path" "$WORK/t4-hold-$name.json"; then
      sleep 1
      MI_AFTER="$($fn "$pid")"
      MI_PER=$(((MI_AFTER - MI_BEFORE) * 1024 / IDLE_CONNECTIONS))
    else
      NOTES+=("target 4: $name: the $IDLE_CONNECTIONS connections were not all answered (t4-hold-$name.json.err)")
    fi
    stop_pid "$HOLD_PID"
    HOLD_PID=""
  }
  kb() { awk -v b="$1" 'BEGIN {if (b == "-") print "-"; else printf "%.1f", b / 1024}'; }
  measure_idle coinfan "$COINFAN_PORT" "$HOLD_PATH" rss_kb "$COINFAN_PID"
  R4=("| process | RSS before | RSS with $IDLE_CONNECTIONS idle keep-alive connections | per connection |"
      "| --- | --- | --- | --- |"
      "| coinfan, each connection answered GET $HOLD_PATH once | $MI_BEFORE KB | $MI_AFTER KB | **$MI_PER B** ($(kb "$MI_PER") KB; target <= 20 KB) |")
  if [ "$HOLD_PATH" != /healthz ]; then
    start_coinfan "$CONFIG"
    measure_idle coinfan-healthz "$COINFAN_PORT" /healthz rss_kb "$COINFAN_PID"
    R4+=("| coinfan (new process), each connection answered GET /healthz once | $MI_BEFORE KB | $MI_AFTER KB | **$MI_PER B** ($(kb "$MI_PER") KB) |")
  fi
  if [ "$BALANCES" = 1 ]; then
    measure_idle nginx "$NGINX_PORT" /v1/balances tree_rss_kb "$NGINX_PID"
    R4+=("| nginx master + 2 workers (baseline), each connection answered GET /v1/balances once | $MI_BEFORE KB | $MI_AFTER KB | $MI_PER B ($(kb "$MI_PER") KB) |")
  fi
fi

# --- 5. several replicas behind nginx, with and without a shared Redis ---------------------------------
if [ "$BALANCES" = 1 ] && want 5; then
  # shellcheck source=bench/replicas.sh
  . "$ROOT/bench/replicas.sh"
fi

# --- report ---------------------------------------------------------------------------------------
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
not_measured() {  # why target $1 has no figures in this run, or nothing when it has
  if ! want "$1"; then
    echo "Skipped (BENCH_TARGETS=\"$TARGETS\")."
  elif [ "$BALANCES" != 1 ] && [ "$1" != 4 ]; then
    echo "NOT MEASURED: GET /v1/balances answered $BAL_STATUS with this build (the merged views are not wired)."
  fi
}
{
  echo "## coinfan benchmark run, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(machine); load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
  echo "- coinfan $("$COINFAN" --version | awk '{print $2}') ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ', uncommitted changes')), server.threads $COINFAN_THREADS, log level warn (no access log); $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), 2 workers, access_log off; $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}')"
  echo "- pinning: coinfan, nginx$(if [ "$RUN_NODE" = 1 ]; then echo ', node'; fi) on CPUs '${SERVER_CPUS:-any}'; wrk and bench_burst on '${LOAD_CPUS:-any}'; simulators on '${ENV_CPUS:-any}'; wrk -t1, ${DURATION}s per run, $ROUNDS alternating rounds"
  if [ "$BALANCES" = 1 ]; then
    echo "- GET /v1/balances: $BAL_BYTES bytes, $BAL_ROWS balance rows (5 gateways x $(jq -r .assets "$WORK/env/env.json") assets), complete: $BAL_COMPLETE"
  fi
  echo
  echo "### 1. Cached GET /v1/balances: coinfan vs nginx serving the same bytes (wrk -t1 -c$CONNECTIONS)"
  echo
  msg="$(not_measured 1)"
  if [ -n "$msg" ]; then
    echo "$msg"
  else
    printf '%s\n' "${R1S[@]}"
    echo
    echo "Per round (alternating order; CPU = the server's utime + stime during the run / requests):"
    echo
    printf '%s\n' "${R1[@]}"
    echo
    echo "Latency: $T1_LAT."
    echo
    echo "gzip: $T1_GZIP."
  fi
  echo
  echo "### 2. Uncached fan-out (max_age_ms=0), every simulator +${LATENCY_MS} ms, $CALLERS concurrent callers"
  echo
  msg="$(not_measured 2)"
  if [ -n "$msg" ]; then
    echo "$msg"
  else
    echo "Identical callers (GET /v1/balances?max_age_ms=0). Baseline: wrk straight at the Kuna simulator (POST /v2/balance, 50 assets) with the same latency and callers."
    echo
    printf '%s\n' "${R2[@]}"
    echo
    echo "Distinct selections (each request asks for a different asset filter, 100 keys in rotation, max_age_ms=0):"
    echo
    printf '%s\n' "${R2D[@]}"
    if [ "$RUN_NODE" = 1 ]; then
      echo
      echo "The Node.js aggregator, identical callers (GET /v1/balances?max_age_ms=0), same simulators and latency:"
      echo
      printf '%s\n' "${R2N[@]}"
    fi
  fi
  echo
  echo "### 3. $BURST concurrent identical GET /v1/balances on a cold cache (simulators +${BURST_LATENCY_MS} ms)"
  echo
  msg="$(not_measured 3)"
  if [ -n "$msg" ]; then
    echo "$msg"
  else
    echo "$T3_SUMMARY."
    echo
    printf '%s\n' "${R3[@]}"
    echo
    echo "Exactly one call per gateway endpoint: $T3_VERDICT (TruBit's token and Kuna's login call are listed but are not balance calls)."
  fi
  echo
  echo "### 4. Memory"
  echo
  msg="$(not_measured 4)"
  if [ -n "$msg" ]; then
    echo "$msg"
  else
    echo "- coinfan idle RSS (new process, 5 gateways, 1 s after start: its start-up warm-up has filled the cache; no client request yet): **$IDLE_RSS_FRESH KB** at the first start, **$IDLE_RSS KB** at the last (target <= 30 MB = 30720 KB)"
    [ -n "${RSS_AFTER_T1:-}" ] && echo "- coinfan RSS after target 1: $RSS_AFTER_T1 KB; after target 2: ${RSS_AFTER_T2:-?} KB"
    echo
    printf '%s\n' "${R4[@]}"
  fi
  echo
  echo "### 5. Several replicas behind nginx, with and without a shared Redis"
  echo
  msg="$(not_measured 5)"
  if [ -n "$msg" ]; then
    echo "$msg"
  else
    replicas_report
  fi
  if [ ${#NOTES[@]} -gt 0 ]; then
    echo
    echo "### Notes"
    echo
    printf -- '- %s\n' "${NOTES[@]}"
  fi
  echo
  echo "Raw outputs: $WORK"
} | tee "$WORK/results.md"
