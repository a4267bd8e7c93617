#!/usr/bin/env bash
# docker-up.sh — make sure a Docker engine answers on a unix socket; start one if none does.
#
#   eval "$(scripts/docker-up.sh)"     # exports DOCKER_HOST
#
# stdout carries exactly one line (`export DOCKER_HOST=unix://…`); diagnostics go to stderr.
# Idempotent: a daemon that already answers (ours or anybody's) is used as is. Needs root to
# install Debian's docker.io and start dockerd; nothing is pulled from any registry.
# Knobs: DOCKER_UP_STATE (default <repo>/.tmp/docker), DOCKER_UP_SOCK (default the unix path of
# DOCKER_HOST, else /var/run/docker.sock), DOCKER_UP_TIMEOUT (60 s), DOCKER_UP_DOCKERD_ARGS.
set -Eeuo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${DOCKER_UP_STATE:-$repo/.tmp/docker}
case "${DOCKER_HOST:-}" in unix://*) dh=${DOCKER_HOST#unix://} ;; *) dh= ;; esac
SOCK=${DOCKER_UP_SOCK:-${dh:-/var/run/docker.sock}}
TIMEOUT=${DOCKER_UP_TIMEOUT:-60}
PIDFILE=$STATE/dockerd.pid
LOG=$STATE/dockerd.log
read -r -a EXTRA_ARGS <<<"${DOCKER_UP_DOCKERD_ARGS:-}"

log() { printf '[docker-up] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
emit() { printf 'export DOCKER_HOST=unix://%s\n' "$SOCK"; }
answers() { [ -S "$SOCK" ] && curl -sf --max-time "${1:-3}" --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }

mkdir -p "$STATE"
# Two test runs starting at once must not start two daemons.
exec 9>"$STATE/.lock"
flock -w "$TIMEOUT" 9 || die "another docker-up.sh holds $STATE/.lock"

if answers 5; then log "daemon already answers on $SOCK"; emit; exit 0; fi
[ "$(id -u)" = 0 ] || die "no Docker daemon answers on $SOCK and starting one needs root"
command -v curl >/dev/null || { apt-get install -y -q --no-install-recommends curl >&2 || die "cannot install curl"; }

if ! command -v dockerd >/dev/null; then
  log "installing Debian docker.io"
  export DEBIAN_FRONTEND=noninteractive
  # Keep the maintainer scripts from starting containerd/dockerd with default paths.
  added_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; added_policy=1; fi
  opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
  apt-get install "${opts[@]}" docker.io >&2 || { apt-get -q update >&2 && apt-get install "${opts[@]}" docker.io >&2; } || {
    [ -z "$added_policy" ] || rm -f /usr/sbin/policy-rc.d; die "apt-get install docker.io failed"; }
  [ -z "$added_policy" ] || rm -f /usr/sbin/policy-rc.d
fi

if [ -f "$PIDFILE" ]; then
  old=$(cat "$PIDFILE" 2>/dev/null || true)
  if [ -n "$old" ] && tr '\0' '\n' <"/proc/$old/cmdline" 2>/dev/null | grep -qx -- "$PIDFILE"; then
    log "our dockerd (pid $old) is alive but not answering yet; waiting"
    for _ in $(seq $((TIMEOUT * 10))); do answers 2 && { emit; exit 0; }; sleep 0.1; done
    die "dockerd pid $old does not answer on $SOCK; see $LOG"
  fi
  rm -f "$PIDFILE"
fi

start() {
  local args=(--data-root "$STATE/data" --exec-root "$STATE/exec" -H "unix://$SOCK" --pidfile "$PIDFILE" "${EXTRA_ARGS[@]}" "$@")
  log "starting dockerd ${args[*]} (log $LOG)"
  mkdir -p "$STATE/data" "$STATE/exec" "$(dirname "$SOCK")"
  # New session, no inherited fds: survives the calling shell and never holds its pipes or the lock.
  setsid dockerd "${args[@]}" </dev/null >>"$LOG" 2>&1 9>&- &
  DPID=$!
}
wait_ready() {
  for _ in $(seq $((TIMEOUT * 20))); do
    kill -0 "$DPID" 2>/dev/null || return 2
    answers 2 && return 0
    sleep 0.05
  done
  return 1
}
offset=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
start; rc=0; wait_ready || rc=$?
if [ "$rc" = 2 ] && tail -c +"$((offset + 1))" "$LOG" | grep -qiE 'iptables|nat chain'; then
  # Sandboxes without CAP_NET_ADMIN: published 127.0.0.1 ports still work through docker-proxy.
  log "dockerd died on an iptables error; retrying with --iptables=false"
  rm -f "$PIDFILE"; start --iptables=false; rc=0; wait_ready || rc=$?
fi
[ "$rc" = 0 ] || { tail -n 20 "$LOG" >&2; die "dockerd did not come up (rc $rc); log $LOG"; }
log "dockerd pid $DPID ready on $SOCK"
emit
