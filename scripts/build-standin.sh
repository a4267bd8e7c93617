#!/usr/bin/env bash
# build-standin.sh — build the offline Airflow stand-in image for the runner tests and bench.
#
#   eval "$(scripts/docker-up.sh)" && scripts/build-standin.sh     # -> managed-airflow/standin:test
#
# 1. Base image `managed-airflow/debian-python:bookworm` (python3 + busybox), reused if present,
#    else imported (`docker import`) from a Debian rootfs tarball cached in .tmp/standin/:
#      STANDIN_BASE_METHOD=debs (default, ~5 s): `apt-get download` of the python3 dependency
#        closure + busybox-static, unpacked with dpkg-deb -x (no maintainer scripts);
#      STANDIN_BASE_METHOD=debootstrap (~40-80 s): `debootstrap --variant=minbase --include=python3`.
#    If debs fails, debootstrap is tried. Only the Debian mirror apt already uses is contacted.
# 2. The stand-in layer from scripts/standin/ (legacy builder, FROM the local base; no pull).
# 3. Smoke test: `docker run --rm --network none <tag> version`.
# Last stdout line: the image tag. Knobs: STANDIN_TAG, STANDIN_BASE_METHOD, STANDIN_FORCE_BASE=1.
set -Eeuo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TAG=${STANDIN_TAG:-managed-airflow/standin:test}
BASE=managed-airflow/debian-python:bookworm
METHOD=${STANDIN_BASE_METHOD:-debs}
CACHE=$repo/.tmp/standin
export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}
# The docker CLI here may lack the buildx plugin; the legacy builder is enough (local FROM).
export DOCKER_BUILDKIT=0
log() { printf '[build-standin] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
docker info >/dev/null 2>&1 || die "no Docker daemon at $DOCKER_HOST (run: eval \"\$(scripts/docker-up.sh)\")"
mkdir -p "$CACHE"
WORK=()
trap 'for w in "${WORK[@]}"; do rm -rf --one-file-system "$w"; done' EXIT

rootfs_debs() {
  local work root pkgs; work=$(mktemp -d "$CACHE/debs.XXXXXX"); WORK+=("$work"); root=$work/root
  mkdir -p "$work/debs" "$root"
  # perl, dpkg, tar … are in python3's closure only through packaging tools we never run.
  pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
           --no-enhances python3 | grep -E '^[a-z0-9]' | sort -u |
         grep -vxE 'perl|perl-base|perl-modules-[0-9.]+|libperl[0-9.]+|dpkg|install-info|tar|mailcap|mime-support|libgdbm-compat4') || return 1
  # shellcheck disable=SC2086
  (cd "$work/debs" && { apt-get download -q -o APT::Sandbox::User=root $pkgs busybox-static base-files base-passwd >&2 ||
     { apt-get -q update >&2 && apt-get download -q -o APT::Sandbox::User=root $pkgs busybox-static base-files base-passwd >&2; }; }) || return 1
  for d in "$work"/debs/*.deb; do dpkg-deb -x "$d" "$root"; done
  [ -x "$root/bin/busybox" ] && [ -x "$root/usr/bin/python3" ] || return 1
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,tmp,var/tmp,root,proc,sys,dev,run,home}
  chroot "$root" /bin/busybox --install -s
  cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
  cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
  chmod 1777 "$root/tmp" "$root/var/tmp"
  rm -rf "$root"/usr/share/{doc,man,info,locale}/*
  tar --numeric-owner -C "$root" -cf "$1.tmp" . && mv -f "$1.tmp" "$1"
}

rootfs_debootstrap() {
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2
  local root mirror; root=$(mktemp -d "$CACHE/rootfs.XXXXXX"); WORK+=("$root")
  mirror=$(grep -hoE 'https?://[^ ]+' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -v security | head -1)
  log "debootstrap --variant=minbase --include=python3 bookworm ${mirror:-http://deb.debian.org/debian}"
  debootstrap --variant=minbase --include=python3 bookworm "$root" "${mirror:-http://deb.debian.org/debian}" >"$CACHE/debootstrap.log" 2>&1 ||
    { tail -n 20 "$CACHE/debootstrap.log" >&2; return 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/{doc,man,info,locale}/*
  tar --numeric-owner -C "$root" -cf "$1.tmp" . && mv -f "$1.tmp" "$1"
}

base_from() {  # $1 = method
  local tar=$CACHE/rootfs-$1.tar
  if [ -n "${STANDIN_FORCE_BASE:-}" ] || [ ! -s "$tar" ]; then log "building rootfs ($1)"; "rootfs_$1" "$tar" || return 1; fi
  log "docker import $tar -> $BASE"
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["python3"]' \
    "$tar" "$BASE" >/dev/null || return 1
  docker run --rm --network none "$BASE" python3 -c 'import http.server, json, signal' || { rm -f "$tar"; return 1; }
}

if [ -n "${STANDIN_FORCE_BASE:-}" ] || ! docker image inspect "$BASE" >/dev/null 2>&1; then
  base_from "$METHOD" || { [ "$METHOD" = debootstrap ] && die "cannot build the base image"; log "debs failed; trying debootstrap"; base_from debootstrap; } ||
    die "cannot build the base image"
else
  log "base $BASE present"
fi
log "docker build -t $TAG scripts/standin"
docker build -q --build-arg "BASE=$BASE" -t "$TAG" "$repo/scripts/standin" >&2
docker image prune -f --filter label=managed-airflow.standin=1 >/dev/null 2>&1 || true
v=$(docker run --rm --network none "$TAG" version) || die "smoke test failed"
log "ok: $TAG reports Airflow $v"
echo "$TAG"
