#!/usr/bin/env bash
# reset.sh DB TOOL WORK - gives TOOL an empty database again before a timed
# apply run: a fresh SQLite file in WORK, or a dropped and re-created
# database bench_TOOL on the PostgreSQL / MariaDB test server (connection
# settings from the RUNWAY_TEST_* variables tests/lib/with-servers.sh sets).
set -euo pipefail
db=$1 tool=$2 work=$3
name=bench_${tool//-/_}

case "$db" in
  sqlite)
    rm -f "$work/$tool".db* "$work/$tool"-target.db*
    ;;
  postgresql)
    PGHOST=$RUNWAY_TEST_PG_HOST PGPORT=$RUNWAY_TEST_PG_PORT PGUSER=$RUNWAY_TEST_PG_USER \
      PGPASSWORD=$RUNWAY_TEST_PG_PASSWORD PGOPTIONS='-c client_min_messages=warning' \
      psql -X -q -d postgres -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
    ;;
  mysql)
    MYSQL_PWD=$RUNWAY_TEST_MYSQL_PASSWORD mariadb --no-defaults --protocol=tcp \
      --host="$RUNWAY_TEST_MYSQL_HOST" --port="$RUNWAY_TEST_MYSQL_PORT" \
      --user="$RUNWAY_TEST_MYSQL_USER" --batch \
      -e "DROP DATABASE IF EXISTS $name; DROP DATABASE IF EXISTS ${name}_registry; CREATE DATABASE $name" \
      >/dev/null
    ;;
  *) echo "reset.sh: unknown database $db" >&2; exit 2 ;;
esac
