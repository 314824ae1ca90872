#!/usr/bin/env bash
# Makes the two Debian 12 base images the Dockerfile's FROM lines name — `debian:12` (build
# stage) and `debian:12-slim` (runtime) — with debootstrap from the Debian mirror, and imports
# them into podman's storage, for machines that reach the Debian mirror but no image registry.
# Done once per machine: the debootstrap tarball is kept in COINFAN_IMAGE_CACHE
# (/var/cache/coinfan-image) and an image already in podman's storage is left alone.
# Needs root (debootstrap, rootful podman). Environment: DEBIAN_MIRROR, COINFAN_IMAGE_CACHE,
# CONTAINERS_CONF (docker/containers.conf by default).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${COINFAN_IMAGE_CACHE:-/var/cache/coinfan-image}"
suite=bookworm
# Bump when the recipe below changes, so cached tarballs and imported images are remade.
recipe=1

have_image() { podman image exists "$1" && [ "$(podman image inspect --format '{{index .Labels "coinfan.base-recipe"}}' "$1" 2>/dev/null)" = "$recipe" ]; }

if have_image docker.io/library/debian:12 && have_image docker.io/library/debian:12-slim; then
  echo "base-images: debian:12 and debian:12-slim present"
  exit 0
fi

mkdir -p "$cache"
tarball="$cache/debian12-minbase-r$recipe.tar"
if [ ! -s "$tarball" ]; then
  root="$(mktemp -d "$cache/rootfs.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  echo "base-images: debootstrap $suite (minbase) from $mirror"
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$mirror" > "$cache/debootstrap.log" 2>&1 ||
    { tail -30 "$cache/debootstrap.log"; exit 1; }
  # The sources of the official image: the release, its updates and the security archive.
  rm -f "$root/etc/apt/sources.list"
  cat > "$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  # As in the official images: no recommends, no package lists kept, no caches.
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$root/etc/apt/apt.conf.d/90coinfan-norecommends"
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log "$root"/tmp/*
  tar -C "$root" --numeric-owner -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
  rm -rf "$root"
  trap - EXIT
fi

import() {
  local name="$1" tar="$2"
  podman import --quiet --change "LABEL coinfan.base-recipe=$recipe" --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tar" "docker.io/library/$name" > /dev/null
  echo "base-images: imported debian:${name#debian:}"
}
import debian:12 "$tarball"

# slim: the same tree without documentation, manual pages and locales, and dpkg told to leave
# them out of whatever is installed later (the official slim images' dpkg excludes).
slim="$cache/debian12-slim-r$recipe.tar"
if [ ! -s "$slim" ]; then
  root="$(mktemp -d "$cache/slim.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  tar -C "$root" -xf "$tarball"
  cat > "$root/etc/dpkg/dpkg.cfg.d/docker" <<'EXCLUDES'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EXCLUDES
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/groff/* "$root"/usr/share/lintian/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  tar -C "$root" --numeric-owner -cf "$slim.part" .
  mv "$slim.part" "$slim"
  rm -rf "$root"
  trap - EXIT
fi
import debian:12-slim "$slim"
