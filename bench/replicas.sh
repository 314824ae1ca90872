# shellcheck shell=bash disable=SC2034  # the T5_* tables are read through t5_median's name reference
# bench/replicas.sh: target 5 of bench/run.sh, which sources it (it uses run.sh's helpers,
# processes and knobs; it is not run on its own: BENCH_TARGETS=5 bench/run.sh).
#
# Several replicas behind nginx, each deployment with and without a shared Redis. One nginx
# (2 workers) has one server per deployment, each proxying to its own upstream block
# (round robin, keepalive) of 1 or 3 coinfan processes; the "+ Redis" deployments have
# shared.redis pointing at a redis-server started here on loopback (no persistence, a
# password, their own key_prefix). Measured in alternating rounds, all deployments up at once:
#   (a) cached GET /v1/balances, wrk -c$BENCH_CONNECTIONS
#   (b) uncached GET /v1/balances?max_age_ms=0, every simulator +$BENCH_LATENCY_MS ms,
#       wrk -c$BENCH_CALLERS, with the upstream calls per request from the
#       simulators' counters
# requests/s, p50/p99, the CPU time of the whole server side per request (every replica,
# nginx, redis-server) and the Redis commands per request; then once per Redis variant a
# cold burst: $BENCH_BURST concurrent identical GET /v1/balances through nginx to 3 new
# replicas on a cold cache (as target 3), with the fan-outs that reached each gateway.
#
# Not in run.sh's default targets. Knobs (besides run.sh's; with the defaults the target takes
# about 5 minutes):
#   BENCH_REPLICAS_DURATION=BENCH_DURATION  seconds per wrk run of this target
#   BENCH_REPLICA_COUNTS="1 3"    replicas per deployment (each with and without Redis)
#   BENCH_REPLICAS_RATE_RPS=1000  rate_limit_rps of every gateway in every deployment, so
#                                 every upstream attempt asks its budget (with shared.redis:
#                                 the shared one in Redis) without ever being held back; 0: none
#   BENCH_REDIS_CPUS=BENCH_SERVER_CPUS  CPUs for redis-server (taskset -c); empty: no pinning
# The replicas and nginx run on BENCH_SERVER_CPUS, like the single coinfan of targets 1-4.

T5_DURATION="${BENCH_REPLICAS_DURATION:-$DURATION}"
T5_COUNTS="${BENCH_REPLICA_COUNTS:-1 3}"
T5_RATE_RPS="${BENCH_REPLICAS_RATE_RPS:-1000}"
REDIS_CPUS="${BENCH_REDIS_CPUS-$SERVER_CPUS}"
T5="$WORK/t5"
mkdir -p "$T5"

# Deployments: r<N> (N replicas alone) and r<N>redis (N replicas sharing Redis).
T5_DEPLOYMENTS=()
declare -A D_REPLICAS=() D_REDIS=() D_PORTS=() D_NGINX_PORT=() D_PIDS=() D_LABEL=()
t5_port="$(free_port 18200)"
next_port() { t5_port="$(free_port $((t5_port + 1)))"; }
for n in $T5_COUNTS; do
  for redis in 0 1; do
    d="r$n" label="$n replica"
    [ "$n" = 1 ] || label+=s
    if [ "$redis" = 1 ]; then d+=redis label+=" + Redis"; fi
    T5_DEPLOYMENTS+=("$d")
    D_REPLICAS[$d]="$n" D_REDIS[$d]="$redis" D_PIDS[$d]="" D_LABEL[$d]="$label"
    ports=()
    for _ in $(seq "$n"); do ports+=("$t5_port"); next_port; done
    D_PORTS[$d]="${ports[*]}" D_NGINX_PORT[$d]="$t5_port"
    next_port
  done
done
REDIS_PORT="$t5_port"
REDIS_PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
T5_NGINX_PID="" T5_REDIS_PID=""

cleanup_replicas() {  # run.sh's cleanup calls it
  local d
  for d in "${T5_DEPLOYMENTS[@]}"; do t5_stop "$d"; done
  stop_pid "$T5_NGINX_PID"
  stop_pid "$T5_REDIS_PID"
  T5_NGINX_PID="" T5_REDIS_PID=""
}

# --- redis-server ------------------------------------------------------------------------------
redis_cli() { REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
redis_commands() { redis_cli info stats | awk -F: '/^total_commands_processed:/ {print $2 + 0}'; }
log "target 5: redis-server on 127.0.0.1:$REDIS_PORT (no persistence)"
spawn "$REDIS_CPUS" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
  --requirepass "$REDIS_PASSWORD" --dir "$T5" --logfile "$T5/redis.log" &
T5_REDIS_PID=$!
for _ in $(seq 50); do [ "$(redis_cli ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
[ "$(redis_cli ping 2>/dev/null)" = PONG ] || die "redis-server did not start; see $T5/redis.log"
# What reading the counter costs (redis-cli's AUTH and INFO), taken off every difference.
c0="$(redis_commands)"
REDIS_SELF=$(($(redis_commands) - c0))

# --- the replicas --------------------------------------------------------------------------------
t5_config() {  # t5_config DEPLOYMENT PORT OUT JQ_FILTER PREFIX_TAG: one replica's configuration
  local d="$1" url=""
  [ "${D_REDIS[$d]}" = 1 ] && url="redis://127.0.0.1:$REDIS_PORT"
  jq --arg listen "127.0.0.1:$2" --argjson rps "$T5_RATE_RPS" --arg url "$url" --arg password "$REDIS_PASSWORD" \
    --arg prefix "bench-$d$5:" '.server.listen = $listen
      | if $rps > 0 then .gateways |= map(.rate_limit_rps = $rps) else . end
      | if $url != "" then .shared.redis = {url: $url, password: $password, key_prefix: $prefix, timeout_ms: 50} else . end
      | '"$4" "$CONFIG" >"$3"
}
t5_stop() {
  local p
  for p in ${D_PIDS[$1]:-}; do stop_pid "$p"; done
  D_PIDS[$1]=""
}
t5_start() {  # t5_start DEPLOYMENT [JQ_FILTER] [TAG]: (re)start every replica of the deployment
  local d="$1" filter="${2:-.}" tag="${3:-}" i=0 port pids=()
  t5_stop "$d"
  for port in ${D_PORTS[$d]}; do
    t5_config "$d" "$port" "$T5/$d$tag-$i.json" "$filter" "$tag"
    spawn "$SERVER_CPUS" "$COINFAN" --config "$T5/$d$tag-$i.json" >>"$T5/$d-$i.log" 2>&1 &
    pids+=($!)
    i=$((i + 1))
  done
  D_PIDS[$d]="${pids[*]}"
  for port in ${D_PORTS[$d]}; do
    wait_http "http://127.0.0.1:$port/readyz" || die "replica 127.0.0.1:$port did not become ready; see $T5/$d-*.log"
  done
}
metric_sum() {  # metric_sum DEPLOYMENT NAME: the sum of a counter over every replica and label set
  local port total=0 v
  for port in ${D_PORTS[$1]}; do
    v="$(curl -sf "http://127.0.0.1:$port/metrics" | awk -v m="$2" 'index($1, m) == 1 && substr($1, length(m) + 1, 1) ~ /^(\{|)$/ {s += $NF} END {print s + 0}')"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# The single coinfan of targets 1-4 is stopped: only the deployments measured run.
stop_pid "$COINFAN_PID"
COINFAN_PID=""
set_latency 0
for d in "${T5_DEPLOYMENTS[@]}"; do
  log "target 5: starting ${D_LABEL[$d]} on 127.0.0.1:${D_PORTS[$d]// /, 127.0.0.1:}"
  t5_start "$d"
done

# --- nginx: one server and one upstream per deployment ------------------------------------------
T5_KEEPALIVE=$((CONNECTIONS > CALLERS ? CONNECTIONS : CALLERS))
{
  echo "worker_processes 2;"
  echo "pid $T5/nginx/nginx.pid;"
  echo "error_log $T5/nginx/error.log warn;"
  echo "events { worker_connections $((BURST * 2 + T5_KEEPALIVE * 2 + 1024)); }"
  echo "http {"
  echo "  access_log off;"
  nginx_temp_lines "$T5/nginx"
  for d in "${T5_DEPLOYMENTS[@]}"; do
    echo "  upstream $d {"
    for port in ${D_PORTS[$d]}; do echo "    server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"; done
    # Room for every connection wrk keeps busy: none is closed for want of a free slot.
    echo "    keepalive $T5_KEEPALIVE;"
    echo "    keepalive_requests 10000000;"
    echo "    keepalive_timeout 50s;"
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:${D_NGINX_PORT[$d]} backlog=4096;"
    echo "    location / {"
    echo "      proxy_pass http://$d;"
    echo "      proxy_http_version 1.1;"
    echo "      proxy_set_header Connection \"\";"
    # A whole answer (about 50 KB) fits in memory: none goes through a temporary file.
    echo "      proxy_buffer_size 16k;"
    echo "      proxy_buffers 8 16k;"
    echo "      proxy_next_upstream error timeout http_503;"
    echo "    }"
    echo "  }"
  done
  echo "}"
} >"$T5/nginx.conf.tmp"
mkdir -p "$T5/nginx"
mv "$T5/nginx.conf.tmp" "$T5/nginx/nginx.conf"
spawn "$SERVER_CPUS" "$NGINX" -p "$T5/nginx" -c "$T5/nginx/nginx.conf" -g 'daemon off;' >"$T5/nginx/stdout.log" 2>&1 &
T5_NGINX_PID=$!
for d in "${T5_DEPLOYMENTS[@]}"; do
  wait_http "http://127.0.0.1:${D_NGINX_PORT[$d]}/healthz" || die "nginx does not proxy to ${D_LABEL[$d]}; see $T5/nginx"
  curl -s "${AUTH[@]}" -o "$T5/balances-$d.json" "http://127.0.0.1:${D_NGINX_PORT[$d]}/v1/balances"
  [ "$(jq -r .complete "$T5/balances-$d.json" 2>/dev/null)" = true ] || die "${D_LABEL[$d]}: /v1/balances through nginx is not complete"
done

# --- throughput rounds ---------------------------------------------------------------------------
t5_ticks() {  # CPU ticks of the deployment's server side: its replicas, nginx, and Redis if it uses it
  local d="$1" p total=0
  for p in ${D_PIDS[$d]} "$T5_NGINX_PID"; do total=$((total + $(cpu_ticks "$p"))); done
  [ "${D_REDIS[$d]}" = 1 ] && total=$((total + $(cpu_ticks "$T5_REDIS_PID")))
  echo "$total"
}
declare -A T5_RPS=() T5_P50=() T5_P99=() T5_CPU=() T5_CALLS=() T5_REDIS_PER=()
t5_run() {  # t5_run LOAD DEPLOYMENT ROUND: one wrk run through nginx
  local load="$1" d="$2" r="$3" url="http://127.0.0.1:${D_NGINX_PORT[$2]}/v1/balances" conns="$CONNECTIONS"
  local out="$T5/$1-$2-$3.txt" t0 t1 c0 c1 q up per_gw bad
  if [ "$load" = uncached ]; then
    url+="?max_age_ms=0" conns="$CALLERS"
    set_latency "$LATENCY_MS"
    reset_counts
  else
    set_latency 0
  fi
  t0="$(t5_ticks "$d")"
  c0="$(redis_commands)"
  DURATION="$T5_DURATION" run_wrk "$out" "$conns" "$url" "${AUTH[@]}"
  c1="$(redis_commands)"
  t1="$(t5_ticks "$d")"
  q="$(wrk_requests "$out")"
  T5_RPS[$load,$d,$r]="$(wrk_rps "$out")"
  T5_P50[$load,$d,$r]="$(wrk_pct_ms "$out" 50%)"
  T5_P99[$load,$d,$r]="$(wrk_pct_ms "$out" 99%)"
  T5_CPU[$load,$d,$r]="$(us_per_request $((t1 - t0)) "$q")"
  T5_REDIS_PER[$load,$d,$r]="-"
  [ "${D_REDIS[$d]}" = 1 ] && T5_REDIS_PER[$load,$d,$r]="$(per_request $((c1 - c0 - REDIS_SELF)) "$q")"
  if [ "$load" = uncached ]; then
    counts >"$T5/counts-$d-$r.json"
    read -r up per_gw <<<"$(balance_calls "$T5/counts-$d-$r.json")"
    T5_CALLS[$d,$r]="$(per_request "$up" "$q")"
    echo "$up upstream calls for $q requests: $per_gw" >"$T5/calls-$d-$r.txt"
  fi
  bad=$(($(wrk_non2xx "$out") + $(wrk_socket_errors "$out")))
  [ "$bad" -eq 0 ] || NOTES+=("target 5 round $r: ${D_LABEL[$d]}, $load: $bad non-2xx answers or socket errors ($(basename "$T5")/$(basename "$out"))")
  return 0
}

log "target 5: ${T5_DEPLOYMENTS[*]} through nginx; cached (wrk -c$CONNECTIONS) and uncached (max_age_ms=0, +${LATENCY_MS} ms, wrk -c$CALLERS), ${T5_DURATION}s per run, $ROUNDS alternating rounds"
for d in "${T5_DEPLOYMENTS[@]}"; do
  DURATION=2 run_wrk "$T5/warmup-$d.txt" "$CONNECTIONS" "http://127.0.0.1:${D_NGINX_PORT[$d]}/v1/balances" "${AUTH[@]}"
done
T5_FALLBACKS_BEFORE=()
for d in "${T5_DEPLOYMENTS[@]}"; do T5_FALLBACKS_BEFORE+=("$(metric_sum "$d" coinfan_shared_fallbacks_total)"); done
for r in $(seq "$ROUNDS"); do
  # odd rounds: cached first, deployments as listed; even rounds: all reversed
  loads=(cached uncached) order=("${T5_DEPLOYMENTS[@]}")
  if [ $((r % 2)) -eq 0 ]; then
    loads=(uncached cached) order=()
    for ((i = ${#T5_DEPLOYMENTS[@]} - 1; i >= 0; i--)); do order+=("${T5_DEPLOYMENTS[$i]}"); done
  fi
  for load in "${loads[@]}"; do
    for d in "${order[@]}"; do t5_run "$load" "$d" "$r"; done
  done
  log "  round $r: $(for d in "${T5_DEPLOYMENTS[@]}"; do printf '%s %s / %s req/s; ' "$d" "${T5_RPS[cached,$d,$r]}" "${T5_RPS[uncached,$d,$r]}"; done)(cached / uncached)"
done
set_latency 0
T5_FALLBACKS=""
i=0
for d in "${T5_DEPLOYMENTS[@]}"; do
  if [ "${D_REDIS[$d]}" = 1 ]; then
    f=$(($(metric_sum "$d" coinfan_shared_fallbacks_total) - T5_FALLBACKS_BEFORE[i]))
    T5_FALLBACKS+="${T5_FALLBACKS:+, }${D_LABEL[$d]}: $f"
    [ "$f" -eq 0 ] || NOTES+=("target 5: ${D_LABEL[$d]} decided alone $f times during the rounds (coinfan_shared_fallbacks_total; Redis did not answer within timeout_ms)")
  fi
  i=$((i + 1))
done

# --- cold bursts through nginx to the largest deployment, without and with Redis -------------------
# As target 3: new processes with cache.fresh_ms 1000 and stale_ms 2000 (and, with Redis, a key
# prefix no earlier process used), left alone 3 s after their start-up warm-ups.
# shellcheck disable=SC2086  # a list of numbers
T5_BURST_N="$(printf '%s\n' $T5_COUNTS | sort -n | tail -1)"
T5_BURST_ROWS=()
for d in "r$T5_BURST_N" "r${T5_BURST_N}redis"; do
  log "target 5: $BURST concurrent GET /v1/balances through nginx to ${D_LABEL[$d]} on a cold cache, simulators +${BURST_LATENCY_MS} ms"
  set_latency 0
  reset_counts
  t5_start "$d" '.cache.fresh_ms = 1000 | .cache.stale_ms = 2000' -cold
  # The warm-ups are over when the simulators' counters have not moved for 1 s.
  prev="" stable=0
  for _ in $(seq 150); do
    cur="$(counts | jq -c '[.gateways[].total] | select(add > 0)')"
    if [ -n "$cur" ] && [ "$cur" = "$prev" ]; then
      stable=$((stable + 1))
      [ "$stable" -ge 5 ] && break
    else
      stable=0 prev="$cur"
    fi
    sleep 0.2
  done
  sleep 3
  set_latency "$BURST_LATENCY_MS"
  reset_counts
  c0="$(redis_commands)" f0="$(metric_sum "$d" coinfan_shared_fallbacks_total)"
  pin "$LOAD_CPUS" "$BENCH_BURST_BIN" --port "${D_NGINX_PORT[$d]}" --path /v1/balances --connections "$BURST" \
    --header "$AUTH_HEADER" >"$T5/burst-$d.json" 2>"$T5/burst-$d.err" ||
    NOTES+=("target 5: bench_burst reported failures for ${D_LABEL[$d]} (t5/burst-$d.err)")
  c1="$(redis_commands)" f1="$(metric_sum "$d" coinfan_shared_fallbacks_total)"
  counts >"$T5/burst-counts-$d.json"
  set_latency 0
  # Per gateway, the calls of its most-called path: the fan-outs that reached it (ccp-main asks
  # for its asset list and its USDT prices, one call each per fan-out; tokens and logins left out).
  fanouts="$(jq -r '[.gateways[] | "\(.id) \([.paths | to_entries[] | select(.key != "/v2/token/generate" and .key != "/v2/auth/login") | .value] | max // 0)"] | join(", ")' "$T5/burst-counts-$d.json")"
  read -r up _ <<<"$(balance_calls "$T5/burst-counts-$d.json")"
  redis_text="-"
  if [ "${D_REDIS[$d]}" = 1 ]; then redis_text="$((c1 - c0 - REDIS_SELF)) (decided alone: $((f1 - f0)))"; fi
  T5_BURST_ROWS+=("$(jq -r --arg name "${D_LABEL[$d]}" --arg fanouts "$fanouts" --arg up "$up" --arg redis "$redis_text" \
    '"| \($name) | \(.statuses), errors \(.errors), \(.from_cache_age_header) with an Age header | \(.latency_ms.p50) / \(.latency_ms.p99) | **\($fanouts)** | \($up) | \($redis) |"' \
    "$T5/burst-$d.json" 2>/dev/null || echo "| ${D_LABEL[$d]} | no summary (t5/burst-$d.err) | | **$fanouts** | $up | $redis_text |")")
done
if grep -qs 'buffered to a temporary file' "$T5/nginx/error.log"; then
  NOTES+=("target 5: nginx buffered some answers to a temporary file (t5/nginx/error.log)")
fi
cleanup_replicas

# --- the report section ----------------------------------------------------------------------------
t5_median() {  # t5_median ARRAY LOAD DEPLOYMENT: the median over the rounds
  local -n values="$1"
  local r
  for r in $(seq "$ROUNDS"); do echo "${values[$2,$3,$r]}"; done | { grep -v '^-$' || true; } | median
}
replicas_report() {
  local d load base rps
  echo "nginx (2 workers, one upstream block per deployment: round robin, keepalive $T5_KEEPALIVE) in front of"
  # shellcheck disable=SC2086  # a list of numbers
  echo "$(printf '%s or ' $T5_COUNTS | sed 's/ or $//') coinfan processes, server.threads $COINFAN_THREADS each; \"+ Redis\": shared.redis is a redis-server on loopback"
  echo "(no persistence, a password, one key_prefix per deployment). $(if [ "$T5_RATE_RPS" = 0 ]; then echo "No gateway has a rate_limit_rps."; else echo "Every gateway has rate_limit_rps $T5_RATE_RPS in every deployment, far above the calls made, so that every upstream attempt asks its budget (with Redis the shared one, which spaces a gateway's calls evenly)."; fi)"
  echo "**CPUs: every replica and nginx on '${SERVER_CPUS:-any}', redis-server on '${REDIS_CPUS:-any}'**,"
  echo "wrk and bench_burst on '${LOAD_CPUS:-any}', the simulators on '${ENV_CPUS:-any}' ($(nproc) CPUs in the machine): with several replicas on"
  echo "the same CPUs the figures show what the deployment costs on them, not what more machines would add."
  echo "wrk -t1, ${T5_DURATION}s per run, $ROUNDS alternating rounds, medians. Server CPU = utime + stime of every replica, nginx"
  echo "(master and workers) and, with Redis, redis-server, during the run / requests. Redis commands = INFO total_commands_processed"
  echo "during the run / requests (every command Redis ran, the ones inside its Lua scripts included: the rate budget's"
  echo "EVALSHA runs TIME, GET and SET; a new connection's AUTH counts too). Upstream calls per request: the simulators' counters"
  echo "(balance calls and ccp-main's USDT prices; TruBit's token and Kuna's login calls left out), as in target 2."
  echo
  for load in cached uncached; do
    if [ "$load" = cached ]; then
      echo "(a) Cached GET /v1/balances, wrk -c$CONNECTIONS:"
      echo
      echo "| deployment | req/s | / 1 replica | p50 / p99 ms | server CPU per request | Redis commands per request |"
      echo "| --- | --- | --- | --- | --- | --- |"
    else
      echo "(b) Uncached GET /v1/balances?max_age_ms=0, every simulator +${LATENCY_MS} ms, wrk -c$CALLERS:"
      echo
      echo "| deployment | req/s | / 1 replica | p50 / p99 ms | server CPU per request | Redis commands per request | upstream calls per request |"
      echo "| --- | --- | --- | --- | --- | --- | --- |"
    fi
    base=""
    if [ -n "${D_REPLICAS[r1]:-}" ]; then base="$(t5_median T5_RPS "$load" r1)"; fi
    for d in "${T5_DEPLOYMENTS[@]}"; do
      rps="$(t5_median T5_RPS "$load" "$d")"
      printf '| %s | **%s** | %s | %s / **%s** | %s us | %s |' "${D_LABEL[$d]}" "$rps" \
        "$(awk -v a="$rps" -v b="${base:-0}" 'BEGIN {if (b > 0) printf "%.2f x", a / b; else print "-"}')" \
        "$(t5_median T5_P50 "$load" "$d")" "$(t5_median T5_P99 "$load" "$d")" "$(t5_median T5_CPU "$load" "$d")" \
        "$(t5_median T5_REDIS_PER "$load" "$d" | grep . || echo -)"
      if [ "$load" = uncached ]; then
        printf ' %s |' "$(for r in $(seq "$ROUNDS"); do echo "${T5_CALLS[$d,$r]}"; done | median)"
      fi
      echo
    done
    echo
  done
  echo "Per round (req/s, p99 ms; uncached: and upstream calls per request):"
  echo
  echo "| round | load | $(for d in "${T5_DEPLOYMENTS[@]}"; do printf '%s | ' "${D_LABEL[$d]}"; done)"
  echo "| --- | --- | $(for _ in "${T5_DEPLOYMENTS[@]}"; do printf -- '--- | '; done)"
  for r in $(seq "$ROUNDS"); do
    for load in cached uncached; do
      echo "| $r | $load | $(for d in "${T5_DEPLOYMENTS[@]}"; do
        printf '%s (%s ms%s) | ' "${T5_RPS[$load,$d,$r]}" "${T5_P99[$load,$d,$r]}" "$([ "$load" = cached ] || echo ", ${T5_CALLS[$d,$r]}")"
      done)"
    done
  done
  echo
  echo "Replicas that decided alone during the rounds (coinfan_shared_fallbacks_total): ${T5_FALLBACKS:-none with Redis}."
  echo
  echo "(c) $BURST concurrent identical GET /v1/balances through nginx to $T5_BURST_N new replicas on a cold cache, simulators +${BURST_LATENCY_MS} ms:"
  echo
  echo "| deployment | answers | latency p50 / p99 ms | fan-outs that reached each gateway | upstream calls in all | Redis commands (coinfan_shared_fallbacks_total) |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${T5_BURST_ROWS[@]}"
  echo
  echo "Fan-outs per gateway: the calls of its most-called path during the burst (ccp-main makes two calls per fan-out, its asset list and its USDT prices; TruBit's token and Kuna's login calls are left out, also from the calls in all). 1 per gateway: the $T5_BURST_N replicas shared one fan-out; $T5_BURST_N: each made its own."
}
