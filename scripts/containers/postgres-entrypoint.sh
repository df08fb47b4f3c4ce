#!/bin/sh
# The official image's first start, as far as compose.yaml relies on it: an empty data directory is initialised
# for POSTGRES_USER with POSTGRES_PASSWORD (scram), POSTGRES_DB is created, initdb.d scripts run; then postgres.
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
user="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$user}"
mkdir -p "$PGDATA" && chown -R postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  printf '%s\n' "$POSTGRES_PASSWORD" > /tmp/pwfile && chown postgres /tmp/pwfile
  as_postgres initdb -D "$PGDATA" -U "$user" --pwfile=/tmp/pwfile --auth-host=scram-sha-256 --auth-local=trust >/dev/null
  rm -f /tmp/pwfile
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  as_postgres pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  [ "$database" = postgres ] || as_postgres psql -U "$user" -d postgres -qc "CREATE DATABASE \"$database\""
  for f in /docker-entrypoint-initdb.d/*.sql; do [ -e "$f" ] && as_postgres psql -U "$user" -d "$database" -qf "$f"; done
  as_postgres pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
[ "$1" = postgres ] && exec setpriv --reuid=postgres --regid=postgres --init-groups postgres -c listen_addresses='*'
exec "$@"
