#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the benchmark, under a temporary directory.
#
#   scripts/pg-cluster.sh start DIR [fast]   initdb + start; prints the environment to export
#   scripts/pg-cluster.sh stop DIR           stop and delete DIR
#
# The server listens on a Unix socket in DIR and on 127.0.0.1 (a free port). Local socket connections
# are trusted; TCP connections need a password (scram-sha-256), so that the tests can check that a
# password never leaks. The server refuses to run as root, so as root it runs as the `postgres` user
# that Debian's package creates. `fast` turns fsync off (tests only; the benchmark keeps it on).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "pg-cluster: PostgreSQL server not installed (Debian: postgresql)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --no-locale -E UTF8 --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  extra=""; [ "${3:-}" = fast ] && extra="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c max_connections=50 $extra" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  password=$(python3 -c 'import secrets; print("pw-" + secrets.token_hex(12))')
  "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE chiso LOGIN PASSWORD '$password'" -c "CREATE DATABASE chiso OWNER chiso" >/dev/null
  echo "$port" > "$dir/port"
  # Over the socket (trusted), and over TCP with the password given apart from the URI.
  echo "CHISO_TEST_PG='postgresql://chiso@/chiso?host=$dir&port=$port'"
  echo "CHISO_TEST_PG_TCP='postgresql://chiso@127.0.0.1:$port/chiso'"
  echo "CHISO_TEST_PG_PASSWORD='$password'"
  echo "CHISO_TEST_PG_ADMIN='postgresql://postgres@/postgres?host=$dir&port=$port'"
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*) echo "pg-cluster: start|stop" >&2; exit 2 ;;
esac
