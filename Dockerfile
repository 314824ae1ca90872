# syntax=docker/dockerfile:1
# coinfan: a multi-stage image. The build stage compiles the release binary with the plain
# CMake commands a packager runs; the runtime stage is Debian 12 slim with the shared
# libraries the binary links and nothing else (no compiler, no shell tools beyond the base,
# no curl: the HEALTHCHECK is the binary's own `--healthcheck`).
#
#   docker build -t coinfan .          (or: podman build -t coinfan .)
#   docker run --rm -p 8080:8080 -v ./config.json:/etc/coinfan/config.json:ro coinfan
#
# The cache mounts (BuildKit, podman/buildah) keep apt's downloads and ccache's objects between
# builds, so a rebuild after a source change recompiles only what changed. (Not
# `sharing=locked`: buildah 1.28, Debian 12's, keeps that lock until the whole build ends, and
# the second stage would wait for the first forever.)

FROM debian:12 AS build
ARG DEBIAN_FRONTEND=noninteractive
# apt in a container deletes its downloads after each install (docker-clean); keep them in the
# cache mount instead.
RUN rm -f /etc/apt/apt.conf.d/docker-clean; \
    echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
RUN --mount=type=cache,target=/var/cache/apt \
    --mount=type=cache,target=/var/lib/apt/lists \
    apt-get update && apt-get install -y --no-install-recommends \
      g++ make cmake ccache pkg-config \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev \
      libssl-dev libspdlog-dev libfmt-dev zlib1g-dev libhiredis-dev
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
COPY include include
COPY src src
COPY openapi openapi
COPY dashboard dashboard
COPY packaging packaging
COPY docker/config.example.json docker/config.example.md docker/
ARG BUILD_JOBS=2
ENV CCACHE_DIR=/ccache CCACHE_BASEDIR=/src CCACHE_COMPRESS=1
RUN --mount=type=cache,target=/ccache \
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCOINFAN_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr \
 && cmake --build build -j "$BUILD_JOBS" \
 && DESTDIR=/out cmake --install build --strip \
 && { ccache --show-stats || true; }

FROM debian:12-slim
ARG DEBIAN_FRONTEND=noninteractive
# The shared libraries of the binary (checked by docker/image-test.sh with ldd) and the CA
# certificates the gateways' TLS is verified against.
RUN --mount=type=cache,target=/var/cache/apt \
    --mount=type=cache,target=/var/lib/apt/lists \
    rm -f /etc/apt/apt.conf.d/docker-clean \
 && apt-get update && apt-get install -y --no-install-recommends \
      libboost-json1.81.0 libboost-url1.81.0 libssl3 libspdlog1.10 libfmt9 zlib1g libhiredis0.14 ca-certificates \
 && rm -rf /var/log/apt /var/log/dpkg.log
RUN groupadd --system --gid 10001 coinfan \
 && useradd --system --uid 10001 --gid coinfan --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin coinfan
COPY --from=build /out/usr/bin/coinfan /usr/bin/coinfan
COPY --from=build /out/usr/share/coinfan/ /usr/share/coinfan/

# Configuration: a mounted file (read-only). Secrets: environment variables or files named in
# the configuration as ${NAME} / ${file:/run/secrets/NAME} (Docker/Compose secrets).
ENV COINFAN_CONFIG=/etc/coinfan/config.json
USER 10001:10001
EXPOSE 8080
# SIGTERM starts the drain: readiness turns 503, the listener closes, requests in flight are
# answered, then exit 0. Keep server.drain_timeout_ms below the orchestrator's grace period
# (docker stop -t / compose stop_grace_period / Kubernetes terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
# The binary GETs its own /readyz on loopback: COINFAN_HEALTHCHECK names the port (or
# host:port) when the configuration listens elsewhere. Unhealthy while draining.
ENV COINFAN_HEALTHCHECK=127.0.0.1:8080 COINFAN_LISTEN=0.0.0.0:8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/bin/coinfan", "--healthcheck", "--timeout-ms", "2000"]
ENTRYPOINT ["/usr/bin/coinfan"]
CMD []
