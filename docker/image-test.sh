#!/usr/bin/env bash
# Builds the image and runs it for real with podman, no Docker daemon or registry needed:
#  1. the Debian 12 base images the Dockerfile's FROM lines name (docker/base-images.sh:
#     debootstrap + podman import, once per machine);
#  2. `podman build` of the Dockerfile (its cache mounts keep apt and ccache between runs);
#  3. checks the image: size, every shared library resolved, non-root user, STOPSIGNAL and
#     HEALTHCHECK as the Dockerfile says;
#  4. two containers `--demo` on free ports (host network), each healthy by its own
#     HEALTHCHECK (`podman healthcheck run`);
#  5. Debian's nginx on the host with docker/nginx.conf (ports and paths adapted) in front;
#     /v1/balances and the dashboard through it;
#  6. `podman stop` of one container (STOPSIGNAL, the drain in its log, exit code 0) while
#     nginx keeps answering 200 from the other, then the other.
# Root (rootful podman, debootstrap): re-runs itself with sudo otherwise.
# Environment: IMAGE (coinfan:ci), BUILD_JOBS (2), CONTAINERS_CONF (docker/containers.conf).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then exec sudo --preserve-env=IMAGE,BUILD_JOBS,CONTAINERS_CONF "$0" "$@"; fi
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/docker/containers.conf}"
image="${IMAGE:-localhost/coinfan:ci}"
started=$SECONDS
step() { echo "image-test: [$((SECONDS - started)) s] $*"; }
fail() { echo "image-test: FAIL: $*" >&2; exit 1; }

work="$(mktemp -d /tmp/coinfan-image-test.XXXXXX)"
containers=()
cleanup() {
  for c in "${containers[@]}"; do podman rm -f -t 0 "$c" > /dev/null 2>&1 || true; done
  [ -s "$work/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx.pid")" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport'
}

step "base images"
docker/base-images.sh

step "podman build $image"
build_started=$SECONDS
podman build --format docker --network=host --build-arg BUILD_JOBS="${BUILD_JOBS:-2}" -t "$image" . > "$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log"; fail "podman build"; }
grep -E '^ *(Hits|Misses):' "$work/build.log" | sed 's/^ */  ccache /' || true
step "built in $((SECONDS - build_started)) s"
# The build stages of earlier runs (their layers stay cached while they are shared).
podman image prune -f --filter until=2h > /dev/null || true

size=$(podman image inspect --format '{{.Size}}' "$image")
step "image size: $((size / 1000000)) MB ($size bytes; base debian:12-slim $(( $(podman image inspect --format '{{.Size}}' docker.io/library/debian:12-slim) / 1000000 )) MB)"
user=$(podman image inspect --format '{{.Config.User}}' "$image")
[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ] || fail "image runs as root ($user)"
[ "$(podman image inspect --format '{{.Config.StopSignal}}' "$image")" = SIGTERM ] || fail "STOPSIGNAL is not SIGTERM"
podman image inspect --format '{{json .Config.Healthcheck}}' "$image" | grep -q -- '--healthcheck' ||
  fail "no HEALTHCHECK with --healthcheck"
missing=$(podman run --rm --no-healthcheck --network=host --entrypoint /usr/bin/ldd "$image" /usr/bin/coinfan | grep 'not found' || true)
[ -z "$missing" ] || fail "libraries missing in the image: $missing"
podman run --rm --no-healthcheck --network=host "$image" --version
if podman run --rm --no-healthcheck --network=host --entrypoint /bin/sh "$image" -c 'command -v curl wget' > /dev/null; then
  fail "the runtime image has curl or wget"
fi

step "two containers --demo"
ports=("$(free_port)" "$(free_port)")
for i in 0 1; do
  name="coinfan-image-test-$$-$i"
  containers+=("$name")
  # (podman's complaints that it cannot reach systemd for healthcheck timers go to podman.log)
  podman run -d --name "$name" --network=host -e COINFAN_HEALTHCHECK="127.0.0.1:${ports[$i]}" \
    "$image" --demo --port "${ports[$i]}" > /dev/null 2>> "$work/podman.log" || { cat "$work/podman.log"; fail "podman run"; }
done
# podman runs HEALTHCHECKs from systemd timers; without systemd they are run here, as the
# orchestrator would, until each container is healthy (or 60 s pass).
for name in "${containers[@]}"; do
  healthy=
  for _ in $(seq 1 120); do
    if podman healthcheck run "$name" > /dev/null 2>&1; then healthy=1; break; fi
    [ "$(podman inspect --format '{{.State.Running}}' "$name")" = true ] || { podman logs "$name"; fail "$name exited"; }
    sleep 0.5
  done
  [ -n "$healthy" ] || { podman logs "$name"; fail "$name never became healthy"; }
  status=$(podman inspect --format '{{.State.Health.Status}}' "$name" 2> /dev/null ||
           podman inspect --format '{{.State.Healthcheck.Status}}' "$name")
  [ "$status" = healthy ] || fail "$name health is $status"
done
step "both healthy"

step "nginx in front"
nginx_port=$(free_port)
sed -e "s|listen 8080;|listen 127.0.0.1:$nginx_port;|" \
    -e "s|127.0.0.1:8081|127.0.0.1:${ports[0]}|" -e "s|127.0.0.1:8082|127.0.0.1:${ports[1]}|" -e "/127.0.0.1:8083/d" \
    -e "s|/tmp/|$work/|g" -e "s|/dev/stdout|$work/access.log|" -e "s|/dev/stderr|$work/error.log|" \
    docker/nginx.conf > "$work/nginx.conf"
chmod 755 "$work"
nginx -p "$work" -e "$work/error.log" -c "$work/nginx.conf" || { cat "$work/error.log"; fail "nginx did not start"; }
get() { curl -sS -o "$work/body" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$nginx_port$1"; }
for _ in 1 2 3 4; do
  code=$(get /v1/balances)
  [ "$code" = 200 ] || { cat "$work/body"; fail "/v1/balances through nginx: $code"; }
done
grep -q '"complete":true' "$work/body" || fail "balances not complete: $(head -c 300 "$work/body")"
grep -q "upstream=127.0.0.1:${ports[0]}" "$work/access.log" && grep -q "upstream=127.0.0.1:${ports[1]}" "$work/access.log" ||
  fail "nginx did not use both containers: $(cat "$work/access.log")"
step "/v1/balances through nginx: 200 from both containers"
code=$(get /)
[ "$code" = 200 ] && grep -q 'dashboard/app.js' "$work/body" || fail "the dashboard through nginx: $code"
code=$(get /dashboard/app.js)
[ "$code" = 200 ] || fail "the dashboard's script through nginx: $code"
step "the dashboard through nginx: the page and its script"

for i in 0 1; do
  name="${containers[$i]}"
  stop_started=$SECONDS
  podman stop -t 30 "$name" > /dev/null 2>> "$work/podman.log" || { cat "$work/podman.log"; fail "podman stop"; }
  exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
  logs=$(podman logs "$name" 2>&1)
  grep -q 'draining' <<< "$logs" || fail "$name: no drain in the log"
  grep -q 'signal[=":]*15' <<< "$logs" || fail "$name: not stopped by SIGTERM"
  grep -q 'stopped' <<< "$logs" || fail "$name: no 'stopped' line"
  [ "$exit_code" = 0 ] || fail "$name exited $exit_code"
  step "$name stopped by SIGTERM: drained, exit 0 in $((SECONDS - stop_started)) s"
  if [ "$i" = 0 ]; then
    for _ in 1 2 3 4 5 6; do
      code=$(get /v1/balances)
      [ "$code" = 200 ] || fail "/v1/balances with one container stopped: $code"
    done
    step "nginx answers 200 from the other container"
  fi
done
step "passed"
