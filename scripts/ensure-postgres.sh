#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on this machine (the PostgreSQL contract tests always run).
# Leaves a running one alone; starts the local cluster when stopped; installs it from Debian's
# packages when absent (then starts it).
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432
ready_ok() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }
port_open() { (exec 3<>/dev/tcp/$PG_HOST/$PG_PORT) 2>/dev/null; }

url="${PG_TEST_URL:-${DATABASE_URL:-}}"
if [[ -n "$url" && "$url" != *"127.0.0.1"* && "$url" != *"localhost"* ]]; then
  exit 0 # a remote server is configured: nothing to manage here
fi
if port_open && { ! command -v pg_isready >/dev/null || ready_ok; }; then
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z "$(ls /etc/postgresql 2>/dev/null)" ]]; then
  echo "PostgreSQL is not installed: installing postgresql from Debian's packages" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  version=$(ls /etc/postgresql | head -1)
  # The tests connect as postgres without a password over TCP: on the cluster we just created
  # (never on an existing one), trust connections from this machine first.
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  $SUDO sh -c "{ echo 'host all all 127.0.0.1/32 trust'; cat '$hba'; } > '$hba.new' && mv '$hba.new' '$hba' && chown postgres:postgres '$hba'"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main restart >/dev/null 2>&1 || true
fi

version=$(ls /etc/postgresql | head -1)

if ! ready_ok; then
  echo "starting PostgreSQL $version (pg_ctlcluster $version main start)" >&2
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    if ready_ok; then break; fi
    sleep 1
  done
  ready_ok || { echo "PostgreSQL did not answer within 30 s" >&2; exit 1; }
fi
for _ in $(seq 1 30); do port_open && exit 0; sleep 1; done
echo "PostgreSQL answers pg_isready but port $PG_PORT is closed" >&2
exit 1
