#!/usr/bin/env bash
# docker-down.sh — stop the dockerd that scripts/docker-up.sh started (by its pidfile), nothing else.
set -Eeuo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${DOCKER_UP_STATE:-$repo/.tmp/docker}
PIDFILE=$STATE/dockerd.pid
[ -f "$PIDFILE" ] || { echo "[docker-down] no daemon of ours is running" >&2; exit 0; }
pid=$(cat "$PIDFILE")
if ! tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "$PIDFILE"; then
  echo "[docker-down] pid $pid is not our dockerd; removing stale pidfile" >&2; rm -f "$PIDFILE"; exit 0
fi
kill -TERM "$pid"
for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && { echo "[docker-down] dockerd $pid still running after 60 s" >&2; exit 1; }
rm -f "$PIDFILE"
echo "[docker-down] dockerd $pid stopped" >&2
