#!/bin/sh
# Airflow-like commands go to the stand-in; anything else (sh -c …, ls) runs as given.
case "${1:-}" in
  ""|airflow|standalone|webserver|api-server|local-runner|scheduler|triggerer|dag-processor|worker|postgres|migrate-db|version|dags|db|healthcheck)
    exec python3 -u /opt/standin/standin.py "$@" ;;
  *) exec "$@" ;;
esac
