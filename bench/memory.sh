#!/usr/bin/env bash
# memory.sh RUNWAY_BINARY [TSV] - peak RSS of every runway command at
# 10,000 migrations, next to the database client's own peak reading the
# history table (the floor: what any tool needs just to connect and read).
#
# For each database (SQLite always; PostgreSQL and MariaDB when
# tests/lib/with-servers.sh exported RUNWAY_TEST_PG_URL / RUNWAY_TEST_MYSQL_URL)
# it generates one set (bench/gen.awk, kind dml), applies it with runway,
# then samples once each (memory does not vary between runs as time does):
#   migrate (apply from empty), migrate (no-op rerun), info,
#   info -outputType=json, validate, check
# and times the no-op rerun against its floor: the client reading the
# history plus reading the files (hyperfine medians).
#
# Prints a Markdown section (the table and the targets: <= 10 MB, or <= the
# client's peak + 2 MB where the client alone needs more; no-op within 1.3x
# of its floor) for bench/run.sh or docs/benchmarks.md, and writes the rows
# to TSV when given: db kind n op tool ms rss_kb runs status (as run.sh).
#
# Knobs: MEMORY_N (10000), MEMORY_KIND (dml), MEMORY_DBS ("sqlite postgresql mysql"),
# MEMORY_DOC (a file to write the section to as a page, as make bench does).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 RUNWAY_BINARY [TSV]" >&2; exit 2; }
runway_built=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$runway_built" ] || { echo "memory.sh: $1 is not an executable; build first (make build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "memory.sh: /usr/bin/time missing; run tools/deps.sh bench" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "memory.sh: hyperfine missing; run tools/deps.sh bench" >&2; exit 2; }
tsv=${2:-}
n=${MEMORY_N:-10000}
doc=${MEMORY_DOC:-}
kind=${MEMORY_KIND:-dml}

base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
work=$(mktemp -d "$base/runway-memory.XXXXXX")
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
runway=$work/runway
cp "$runway_built" "$runway"
rows=$work/rows.tsv
: > "$rows"

say() { printf '%s\n' "$*" >&2; }
record() { local IFS=$'\t'; printf '%s\n' "$*" >> "$rows"; }

# One peak-RSS sample of a command, in kB; fails when the command failed.
rss_of() {
  local f=$work/rss.txt
  rm -f "$f"
  /usr/bin/time -o "$f" -f %M "$@" >/dev/null 2>"$work/err.txt" || { tail -n 3 "$work/err.txt" >&2; return 1; }
  tail -n 1 "$f"
}

# The median of hyperfine runs, in ms.
time_of() {
  local csv=$work/hf.csv
  hyperfine -N --style none --runs 10 --warmup 2 --export-csv "$csv" "$1" >/dev/null 2>&1 || return 1
  awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$csv"
}

# Joins words into one command line hyperfine -N splits again.
quote_cmd() {
  local out="" w
  for w in "$@"; do out="$out '${w//\'/\'\\\'\'}'"; done
  printf '%s' "${out# }"
}

psql_bin=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
[ -n "$psql_bin" ] || psql_bin=$(command -v psql)

dbs=""
for d in ${MEMORY_DBS:-sqlite postgresql mysql}; do
  case "$d" in
    sqlite) command -v sqlite3 >/dev/null && dbs="$dbs sqlite" ;;
    postgresql) [ -n "${RUNWAY_TEST_PG_URL:-}" ] && [ -n "$psql_bin" ] && dbs="$dbs postgresql" ;;
    mysql) [ -n "${RUNWAY_TEST_MYSQL_URL:-}" ] && command -v mariadb >/dev/null && dbs="$dbs mysql" ;;
  esac
done
[ -n "$dbs" ] || { echo "memory.sh: no database available" >&2; exit 2; }

if [ -n "${RUNWAY_TEST_PG_URL:-}" ]; then
  export PGHOST=$RUNWAY_TEST_PG_HOST PGPORT=$RUNWAY_TEST_PG_PORT PGUSER=$RUNWAY_TEST_PG_USER
  export PGPASSWORD=$RUNWAY_TEST_PG_PASSWORD PGOPTIONS='-c client_min_messages=warning'
fi
[ -n "${RUNWAY_TEST_MYSQL_URL:-}" ] && export MYSQL_PWD=$RUNWAY_TEST_MYSQL_PASSWORD

runway_url() {
  case "$1" in
    sqlite) echo "jdbc:sqlite:$work/runway.db" ;;
    postgresql) echo "jdbc:postgresql://$PGHOST:$PGPORT/bench_runway?user=$PGUSER&password=$PGPASSWORD" ;;
    mysql) echo "jdbc:mysql://$RUNWAY_TEST_MYSQL_HOST:$RUNWAY_TEST_MYSQL_PORT/bench_runway?user=$RUNWAY_TEST_MYSQL_USER&password=$MYSQL_PWD&sslMode=DISABLED" ;;
  esac
}

# The client reading the whole history table: the floor's command.
client_cmd() {
  local q="SELECT * FROM flyway_schema_history ORDER BY installed_rank"
  case "$1" in
    sqlite) client=(sqlite3 "$work/runway.db" "$q") ;;
    postgresql) client=("$psql_bin" -X -q -d bench_runway -c "$q") ;;
    mysql) client=(mariadb --no-defaults --protocol=tcp --host="$RUNWAY_TEST_MYSQL_HOST"
                   --port="$RUNWAY_TEST_MYSQL_PORT" --user="$RUNWAY_TEST_MYSQL_USER" --batch
                   bench_runway -e "$q") ;;
  esac
}

for db in $dbs; do
  set_dir=$work/set-$db
  mkdir -p "$set_dir"/{flyway,dbmate,sqlmigrate,sqitch/deploy}
  awk -v kind="$kind" -v n="$n" -v db="$db" -v out="$set_dir" -f "$here/gen.awk" || exit 1
  "$here/reset.sh" "$db" runway "$work" || exit 1
  export FLYWAY_URL
  FLYWAY_URL=$(runway_url "$db")
  loc=-locations=filesystem:$set_dir/flyway
  say "$db, $kind, N=$n: applying"
  if rss=$(rss_of "$runway" "$loc" migrate); then
    record "$db" "$kind" "$n" mem-apply runway - "$rss" 1 ok
  else
    record "$db" "$kind" "$n" mem-apply runway - - 1 failed
    say "  runway: apply FAILED"
    continue
  fi
  client_cmd "$db"
  rss=$(rss_of "${client[@]}") && record "$db" "$kind" "$n" mem-floor client - "$rss" 1 ok
  for op in noop info info-json validate check; do
    case $op in
      noop) cmd=("$runway" "$loc" migrate) ;;
      info) cmd=("$runway" "$loc" info) ;;
      info-json) cmd=("$runway" "$loc" info -outputType=json) ;;
      validate) cmd=("$runway" "$loc" validate) ;;
      check) cmd=("$runway" "$loc" check) ;;
    esac
    if rss=$(rss_of "${cmd[@]}"); then
      record "$db" "$kind" "$n" "mem-$op" runway - "$rss" 1 ok
    else
      record "$db" "$kind" "$n" "mem-$op" runway - - 1 failed
    fi
  done
  # The no-op's floor: the client reading the history, then every file read.
  floor="$(quote_cmd "${client[@]}") >/dev/null && cat $(quote_cmd "$set_dir"/flyway)/* >/dev/null"
  if fms=$(time_of "sh -c $(quote_cmd "$floor")") && rms=$(time_of "$(quote_cmd "$runway" "$loc" migrate)"); then
    record "$db" "$kind" "$n" noop-floor client "$fms" - 10 ok
    record "$db" "$kind" "$n" noop-time runway "$rms" - 10 ok
  fi
  "$here/reset.sh" "$db" runway "$work" >/dev/null 2>&1
  rm -rf "$set_dir"
  unset FLYWAY_URL
done

[ -n "$tsv" ] && cp "$rows" "$tsv"
awk -f "$here/memory.awk" "$rows" > "$work/section.md" || exit 1
cat "$work/section.md"
if [ -n "$doc" ]; then
  {
    echo "# Memory benchmark"
    echo
    echo "\`make bench\` (bench/memory.sh), $(date -u +%Y-%m-%d), $("$runway" --version | head -n 1)."
    echo
    sed 's/^### /## /' "$work/section.md"
  } > "$doc.tmp" && mv "$doc.tmp" "$doc"
fi
