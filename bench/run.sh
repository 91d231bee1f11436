#!/usr/bin/env bash
# run.sh RUNWAY_BINARY - the benchmark behind `make bench`.
#
# Generates migration sets (N = 10, 100, 1,000, 10,000; kinds ddl, dml,
# proc), then times, as medians of repeated runs and side by side in one run:
#   runway       migrate / migrate again (no-op) / info
#   client       the database's own client running floor.sql: the same
#                statements, each file in its own transaction plus one
#                history-row insert, all in one process (the physical floor)
#   dbmate, sql-migrate, sqitch   the same files in their layouts
# plus start-up time, peak RSS, binary size and the runtime file tree.
# On the servers it also runs
#   round trips  every tool's apply at N = 10 and 100 once more through
#                bench/latproxy with no delay, which counts them
#   latency run  the apply of N = 1,000 ddl migrations through latproxy
#                holding each direction for 1 ms (a network round trip of
#                2 ms): client, runway, dbmate, sql-migrate
# Prints a table of ratios with the targets' PASS/FAIL and writes
# docs/benchmarks.md.
#
# SQLite always runs; PostgreSQL and MySQL run when tests/lib/with-servers.sh
# exported RUNWAY_TEST_PG_URL / RUNWAY_TEST_MYSQL_URL.
#
# Knobs (environment):
#   BENCH_QUICK=1      small and fast (N = 10 and 100, two runs): a smoke test
#   BENCH_DBS          "sqlite postgresql mysql" (those available)
#   BENCH_SIZES        "10 100 1000 10000"
#   BENCH_KINDS        "ddl dml proc"
#   BENCH_KINDS_LARGE  kinds timed at the largest size ("dml")
#   BENCH_PAIR_RUNS    timed apply runs at N <= 1000 of the client, runway,
#                      dbmate and sql-migrate, which rotate (5; 11 where the
#                      client's and runway's runs take under 2 s together);
#   BENCH_RUNS         those of sqitch at N = 10 (3; one from 100);
#                      BENCH_RUNS_LARGE at the largest size on
#                      SQLite (3; one on the servers); no-op and info take
#                      ten (sqitch three)
#   BENCH_PEERS        "dbmate sql-migrate sqitch" (those installed)
#   BENCH_SQITCH_MAX   the largest N sqitch runs (1000; quick: 100)
#   BENCH_LATENCY_N, BENCH_LATENCY_KINDS, BENCH_LATENCY_DELAY_US,
#   BENCH_LATENCY_RUNS the latency run: 1000 migrations, "ddl", 1000 us each
#                      way, one timed run per tool ("" kinds: no latency run)
#   BENCH_BEFORE       an older runway binary: it runs next to runway in the
#                      applies at N = 1,000 (of BENCH_BEFORE_KINDS: all),
#                      the round-trip counts, the latency run and the
#                      memory of every command at the largest size, for
#                      the before/after section; BENCH_BEFORE_LABEL names
#                      it on the page (a commit)
#   BENCH_DOC          file to write (docs/benchmarks.md; the quick mode
#                      writes benchmarks-quick.md next to the binary)
#   BENCH_KEEP=1       keep the scratch directory
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 RUNWAY_BINARY" >&2; exit 2; }
runway_built=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$runway_built" ] || { echo "run.sh: $1 is not an executable; build first (make build)" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "run.sh: hyperfine missing; run tools/deps.sh bench" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time missing; run tools/deps.sh bench" >&2; exit 2; }

quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
  sizes=${BENCH_SIZES:-10 100}
  kinds_large=${BENCH_KINDS_LARGE:-ddl dml proc}
  runs=${BENCH_RUNS:-2}
  runs_large=${BENCH_RUNS_LARGE:-2}
  pair_runs=${BENCH_PAIR_RUNS:-2}
else
  sizes=${BENCH_SIZES:-10 100 1000 10000}
  kinds_large=${BENCH_KINDS_LARGE:-dml}
  runs=${BENCH_RUNS:-3}
  runs_large=${BENCH_RUNS_LARGE:-3}
  pair_runs=${BENCH_PAIR_RUNS:-5}
fi
kinds=${BENCH_KINDS:-ddl dml proc}
# sqitch starts a client process per change: it runs up to this many migrations.
sqitch_max=${BENCH_SQITCH_MAX:-1000}
[ "$quick" = 1 ] && sqitch_max=${BENCH_SQITCH_MAX:-100}
latency_n=${BENCH_LATENCY_N:-1000}
[ "$quick" = 1 ] && latency_n=${BENCH_LATENCY_N:-100}
latency_kinds=${BENCH_LATENCY_KINDS-ddl}
latency_delay_us=${BENCH_LATENCY_DELAY_US:-1000}
latency_runs=${BENCH_LATENCY_RUNS:-1}
before_kinds=${BENCH_BEFORE_KINDS:-$kinds}
largest=$(printf '%s\n' $sizes | sort -n | tail -n 1)

# Scratch space on tmpfs when there is one: the database files and the
# migration sets, so disk noise from other work stays out of the numbers.
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
work=$(mktemp -d "$base/runway-bench.XXXXXX")
chmod 700 "$work"
cleanup() {
  [ "${BENCH_KEEP:-0}" = 1 ] && { echo "scratch directory kept: $work"; return; }
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Time a copy, so a rebuild during the run cannot change or break it.
runway=$work/runway
cp "$runway_built" "$runway"
runway_before=""
if [ -n "${BENCH_BEFORE:-}" ]; then
  [ -x "$BENCH_BEFORE" ] || { echo "run.sh: BENCH_BEFORE=$BENCH_BEFORE is not an executable" >&2; exit 2; }
  runway_before=$work/runway-before
  cp "$BENCH_BEFORE" "$runway_before"
fi
# The delaying, counting proxy is built next to runway (bench/CMakeLists.txt).
latproxy=$(dirname "$runway_built")/bench/latproxy
[ -x "$latproxy" ] || { latproxy=""; echo "note: bench/latproxy not built: no round-trip counts, no latency run" >&2; }
results=$work/results.tsv
: > "$results"
log=$work/bench.log

# ---- tools -----------------------------------------------------------------

dbmate_bin=$(ls "$here"/node_modules/@dbmate/*/bin/dbmate 2>/dev/null | head -n 1)
declare -A have
have[dbmate]=$([ -n "$dbmate_bin" ] && [ -x "$dbmate_bin" ] && echo 1)
have[sql-migrate]=$(command -v sql-migrate >/dev/null && echo 1)
have[sqitch]=$(command -v sqitch >/dev/null && echo 1)
peers=""
for p in ${BENCH_PEERS:-dbmate sql-migrate sqitch}; do
  if [ -n "${have[$p]:-}" ]; then
    peers="$peers $p"
  else
    echo "note: $p not installed, skipped (tools/deps.sh bench; npm ci in bench/)" >&2
  fi
done

dbs=""
for d in ${BENCH_DBS:-sqlite postgresql mysql}; do
  case "$d" in
    sqlite) command -v sqlite3 >/dev/null && dbs="$dbs sqlite" ;;
    postgresql) [ -n "${RUNWAY_TEST_PG_URL:-}" ] && command -v psql >/dev/null && dbs="$dbs postgresql" ;;
    mysql) [ -n "${RUNWAY_TEST_MYSQL_URL:-}" ] && command -v mariadb >/dev/null && dbs="$dbs mysql" ;;
  esac
done
[ -n "$dbs" ] || { echo "run.sh: no database available" >&2; exit 2; }

# Debian's /usr/bin/psql is a Perl wrapper that picks a version; time the real client.
psql_bin=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
[ -n "$psql_bin" ] || psql_bin=$(command -v psql)

# The database clients read their connection settings from the environment;
# runway gets its own URL per database (FLYWAY_URL) below.
# pg_port and my_port are where the tools connect: the servers, or the
# proxy in front of them while round trips are counted or delayed.
pg_port=${RUNWAY_TEST_PG_PORT:-}
my_port=${RUNWAY_TEST_MYSQL_PORT:-}
if [ -n "${RUNWAY_TEST_PG_URL:-}" ]; then
  export PGHOST=$RUNWAY_TEST_PG_HOST PGPORT=$RUNWAY_TEST_PG_PORT PGUSER=$RUNWAY_TEST_PG_USER
  export PGPASSWORD=$RUNWAY_TEST_PG_PASSWORD PGOPTIONS='-c client_min_messages=warning'
fi
if [ -n "${RUNWAY_TEST_MYSQL_URL:-}" ]; then
  export MYSQL_PWD=$RUNWAY_TEST_MYSQL_PASSWORD
fi
export SQITCH_FULLNAME=bench SQITCH_EMAIL=bench@example.com

# ---- measuring -------------------------------------------------------------

say() { printf '%s\n' "$*" >&2; }

# record DB KIND N OP TOOL MS RSS_KB RUNS STATUS [EXTRA]
record() { local IFS=$'\t'; printf '%s\n' "$*" >> "$results"; }

# The median of a hyperfine CSV export, in milliseconds.
csv_median_ms() { awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$1"; }

# The peak of /usr/bin/time -f %M lines, in kB.
max_rss() { awk '/^[0-9]+$/ && $1 > m { m = $1 } END { print m + 0 }' "$1"; }

# time_cmd RUNS WARMUP PREPARE CMD... -> prints the median ms; fails when a run failed.
time_cmd() {
  local runs=$1 warmup=$2 prepare=$3 csv=$work/hf.csv
  shift 3
  local args=(-N --style basic --runs "$runs" --warmup "$warmup" --export-csv "$csv"
              --command-name bench)
  [ -n "$prepare" ] && args+=(--prepare "$prepare")
  [ "${BENCH_DEBUG:-0}" = 1 ] && args+=(--output inherit)
  rm -f "$csv"
  hyperfine "${args[@]}" "$(quote_cmd "$@")" >>"$log" 2>&1 || return 1
  csv_median_ms "$csv"
}

# Joins words into one command line hyperfine -N splits again.
quote_cmd() {
  local out="" w
  for w in "$@"; do out="$out '${w//\'/\'\\\'\'}'"; done
  printf '%s' "${out# }"
}

# One peak-RSS sample of a command, in kB.
rss_cmd() {
  local f=$work/rss.txt
  rm -f "$f"
  /usr/bin/time -o "$f" -f %M "$@" >/dev/null 2>&1 || return 1
  max_rss "$f"
}

# ---- per-database settings -------------------------------------------------

# Connection strings for runway and runway-before (JDBC; TOOL names the
# database, as bench/reset.sh does), dbmate, sqitch and sql-migrate.
runway_url() { # DB TOOL
  local name=bench_${2//-/_}
  case "$1" in
    sqlite) echo "jdbc:sqlite:$work/$2.db" ;;
    postgresql) echo "jdbc:postgresql://$PGHOST:$pg_port/$name?user=$PGUSER&password=$PGPASSWORD" ;;
    mysql) echo "jdbc:mysql://$RUNWAY_TEST_MYSQL_HOST:$my_port/$name?user=$RUNWAY_TEST_MYSQL_USER&password=$MYSQL_PWD&sslMode=DISABLED" ;;
  esac
}
dbmate_url() {
  case "$1" in
    sqlite) echo "sqlite:$work/dbmate.db" ;;
    postgresql) echo "postgres://$PGUSER:$PGPASSWORD@$PGHOST:$pg_port/bench_dbmate?sslmode=disable" ;;
    mysql) echo "mysql://$RUNWAY_TEST_MYSQL_USER:$MYSQL_PWD@$RUNWAY_TEST_MYSQL_HOST:$my_port/bench_dbmate" ;;
  esac
}
sqitch_target() {
  case "$1" in
    sqlite) echo "db:sqlite:$work/sqitch-target.db" ;;
    postgresql) echo "db:pg://$PGUSER@$PGHOST:$pg_port/bench_sqitch" ;;
    mysql) echo "db:mysql://$RUNWAY_TEST_MYSQL_USER@$RUNWAY_TEST_MYSQL_HOST:$my_port/bench_sqitch" ;;
  esac
}
sqlmigrate_config() { # DB SETDIR
  local dialect ds
  case "$1" in
    sqlite) dialect=sqlite3 ds="$work/sql-migrate.db" ;;
    postgresql) dialect=postgres ds="host=$PGHOST port=$pg_port user=$PGUSER password=$PGPASSWORD dbname=bench_sql_migrate sslmode=disable" ;;
    mysql) dialect=mysql ds="$RUNWAY_TEST_MYSQL_USER:$MYSQL_PWD@tcp($RUNWAY_TEST_MYSQL_HOST:$my_port)/bench_sql_migrate?multiStatements=true&parseTime=true" ;;
  esac
  ( umask 077; printf 'bench:\n  dialect: %s\n  datasource: "%s"\n  dir: %s\n  table: migrations\n' \
      "$dialect" "$ds" "$2/sqlmigrate" > "$2/sqlmigrate.yml" )
}


mariadb_args() {
  printf '%s\n' mariadb --no-defaults --protocol=tcp --host="$RUNWAY_TEST_MYSQL_HOST" \
    --port="$my_port" --user="$RUNWAY_TEST_MYSQL_USER" --batch
}

# Sets apply_cmd, noop_cmd and info_cmd: a tool's three timed commands.
# The client's "no-op" and "info" read the whole history table, the least
# any tool must do to decide that nothing is pending.
tool_cmds() { # DB TOOL SETDIR
  local db=$1 tool=$2 set=$3 q="SELECT * FROM flyway_schema_history ORDER BY installed_rank"
  local my=() reg=()
  [ "$db" = mysql ] && mapfile -t my < <(mariadb_args)
  case "$tool" in
    runway|runway-before)
      local bin=$runway
      [ "$tool" = runway-before ] && bin=$runway_before
      apply_cmd=("$bin" "-locations=filesystem:$set/flyway" migrate)
      noop_cmd=("${apply_cmd[@]}")
      info_cmd=("$bin" "-locations=filesystem:$set/flyway" info) ;;
    client)
      case "$db" in
        sqlite)
          apply_cmd=(sqlite3 -bail "$work/client.db" ".read $set/floor.sql")
          noop_cmd=(sqlite3 "$work/client.db" "$q") ;;
        postgresql)
          apply_cmd=("$psql_bin" -X -q -v ON_ERROR_STOP=1 -p "$pg_port" -d bench_client -f "$set/floor.sql")
          noop_cmd=("$psql_bin" -X -q -p "$pg_port" -d bench_client -c "$q") ;;
        mysql)
          apply_cmd=("${my[@]}" bench_client -e "source $set/floor.sql")
          noop_cmd=("${my[@]}" bench_client -e "$q") ;;
      esac
      info_cmd=("${noop_cmd[@]}") ;;
    dbmate)
      apply_cmd=("$dbmate_bin" --url "$(dbmate_url "$db")" --migrations-dir "$set/dbmate"
                 --no-dump-schema migrate)
      noop_cmd=("${apply_cmd[@]}")
      info_cmd=("$dbmate_bin" --url "$(dbmate_url "$db")" --migrations-dir "$set/dbmate" status) ;;
    sql-migrate)
      sqlmigrate_config "$db" "$set"
      apply_cmd=(sql-migrate up "-config=$set/sqlmigrate.yml" -env=bench)
      noop_cmd=("${apply_cmd[@]}")
      info_cmd=(sql-migrate status "-config=$set/sqlmigrate.yml" -env=bench) ;;
    sqitch)
      [ "$db" = mysql ] && reg=(--registry bench_sqitch_registry)
      apply_cmd=(sqitch --chdir "$set/sqitch" deploy --no-verify "${reg[@]}"
                 --target "$(sqitch_target "$db")")
      noop_cmd=("${apply_cmd[@]}")
      info_cmd=(sqitch --chdir "$set/sqitch" status "${reg[@]}" --target "$(sqitch_target "$db")") ;;
  esac
}

# Rows in a tool's history table after an apply: proof the run did the work.
history_count() { # DB TOOL
  local db=$1 tool=$2 table=flyway_schema_history name=bench_${2//-/_} my=() my_port=$RUNWAY_TEST_MYSQL_PORT
  case "$tool" in
    dbmate) table=schema_migrations ;;
    sql-migrate) table=migrations ;;
    sqitch) table=changes ;;
  esac
  case "$db" in
    sqlite)
      local f=$work/$tool.db
      [ "$tool" = sqitch ] && f=$work/sqitch.db
      sqlite3 "$f" "SELECT COUNT(*) FROM $table" 2>/dev/null ;;
    postgresql)
      [ "$tool" = sqitch ] && table=sqitch.changes
      psql -X -q -A -t -d "$name" -c "SELECT COUNT(*) FROM $table" 2>/dev/null ;;
    mysql)
      [ "$tool" = sqitch ] && name=bench_sqitch_registry
      mapfile -t my < <(mariadb_args)
      "${my[@]}" --skip-column-names "$name" -e "SELECT COUNT(*) FROM $table" 2>/dev/null ;;
  esac
}

# Which tools run for a database, kind and size: the client, runway and
# every peer up to sqitch_max (1,000) migrations, and at the largest size
# the Go tools on SQLite, where one run takes seconds (on a server: a
# minute).  runway-before, when given, runs at 1,000.
tools_for() { # DB KIND N
  local t="client runway" p
  [ -n "$runway_before" ] && [ "$3" = 1000 ] && [[ " $before_kinds " == *" $2 "* ]] && t="$t runway-before"
  for p in $peers; do
    if [ "$p" = sqitch ] && [ "$3" -gt "$sqitch_max" ]; then continue; fi
    if [ "$3" -gt 1000 ] && { [ "$1" != sqlite ] || [ "$p" = sqitch ]; }; then continue; fi
    t="$t $p"
  done
  echo "$t"
}
# Timed apply runs: fewer at the largest size, where one run takes seconds,
# and one for sqitch from 100 migrations (a client process per change: a
# quarter of a second each on a busy machine).
runs_for() { # DB TOOL N
  if [ "$3" -ge "$largest" ] && [ "$largest" -gt 1000 ]; then
    case "$1:$2" in sqlite:client|sqlite:runway) echo "$runs_large" ;; *) echo 1 ;; esac
  elif [ "$2" = sqitch ] && [ "$3" -ge 100 ]; then
    echo 1
  else
    echo "$runs"
  fi
}

# The median of numbers on standard input, one per line.
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }'
}

# Runs a tool's command with FLYWAY_URL set for runway and runway-before
# (the other tools carry their connection in their arguments).
with_url() { # DB TOOL CMD...
  local db=$1 tool=$2
  shift 2
  case "$tool" in
    runway|runway-before) FLYWAY_URL=$(runway_url "$db" "$tool") "$@" ;;
    *) "$@" ;;
  esac
}

# Times the apply of the client, runway and, up to 1,000 files, dbmate and
# sql-migrate on one set in rotating rounds (client runway dbmate ..., then
# runway dbmate ... client, ...), so that the machine's drift over the
# minutes a cell takes falls on every tool alike: the ratios of the
# medians are what the targets read.  runway-before, when it runs at this
# size, joins the rotation; sqitch (a process per change, minutes a run)
# keeps its own runs.  Sets pair_ms[TOOL] for every tool in the rotation
# and paired[TOOL]; a tool whose run failed gets no pair_ms.
declare -A pair_ms paired
bench_pair_apply() { # DB KIND N SETDIR
  local db=$1 kind=$2 n=$3 set=$4 r round tool ms order members=(client runway) i
  local -A samples=()
  for tool in $(tools_for "$db" "$kind" "$n"); do
    case "$tool" in
      client|runway|sqitch) ;;
      runway-before) members+=("$tool") ;;
      *) [ "$n" -le 1000 ] && members+=("$tool") ;;
    esac
  done
  paired=()
  for tool in "${members[@]}"; do paired[$tool]=1; done
  r=$(runs_for "$db" runway "$n")
  [ "$n" -le 1000 ] && r=$pair_runs
  pair_ms=()
  pair_runs_done=$r
  for tool in "${members[@]}"; do rm -f "$work/rss-apply-$tool.txt"; done
  for ((round = 0; round < r; round++)); do
    # Each round starts one further along: client runway ..., runway ... client, ...
    order=""
    for ((i = 0; i < ${#members[@]}; i++)); do
      order="$order ${members[(round + i) % ${#members[@]}]}"
    done
    # Cells where the client and runway take under a second a run get more
    # rounds: they are cheap, and the ones most at the mercy of a busy moment.
    if [ "$round" = 1 ] && [ "$n" -le 1000 ] && [ "$quick" != 1 ] &&
       awk -v a="${samples[client]:-0}" -v b="${samples[runway]:-0}" 'BEGIN { exit !(a + b < 2000) }'; then
      r=$((pair_runs * 2 + 1))
      pair_runs_done=$r
    fi
    for tool in $order; do
      [ "${samples[$tool]-}" = failed ] && continue
      tool_cmds "$db" "$tool" "$set"
      if ms=$(with_url "$db" "$tool" time_cmd 1 0 "$here/reset.sh $db $tool $work" \
              /usr/bin/time -a -o "$work/rss-apply-$tool.txt" -f %M "${apply_cmd[@]}"); then
        samples[$tool]+="$ms"$'\n'
      else
        samples[$tool]=failed
      fi
    done
  done
  for tool in "${members[@]}"; do
    [ "${samples[$tool]-failed}" = failed ] && continue
    pair_ms[$tool]=$(printf '%s' "${samples[$tool]}" | median)
  done
}

# Times one tool on one set: apply (from an empty database), no-op, info.
# For the tools in the rotation the apply was timed by bench_pair_apply.
bench_tool() { # DB KIND N TOOL SETDIR
  local db=$1 kind=$2 n=$3 tool=$4 set=$5 r ms rss rssf=$work/rss-apply.txt got status
  r=$(runs_for "$db" "$tool" "$n")
  tool_cmds "$db" "$tool" "$set"
  rm -f "$rssf"
  local timed=1
  if [ -n "${paired[$tool]-}" ]; then
    r=$pair_runs_done rssf=$work/rss-apply-$tool.txt ms=${pair_ms[$tool]-}
    [ -n "$ms" ] || timed=0
  else
    ms=$(time_cmd "$r" 0 "$here/reset.sh $db $tool $work" \
         /usr/bin/time -a -o "$rssf" -f %M "${apply_cmd[@]}") || timed=0
  fi
  if [ $timed = 0 ]; then
    say "  $tool: apply FAILED (see below)"
    tail -n 5 "$log" | grep -v -i password >&2
    record "$db" "$kind" "$n" apply "$tool" - - "$r" failed
    return 1
  fi
  got=$(history_count "$db" "$tool" | tr -d ' ')
  status=ok
  [ "$got" = "$n" ] || { status="rows=$got"; say "  $tool: history holds $got rows, expected $n"; }
  record "$db" "$kind" "$n" apply "$tool" "$ms" "$(max_rss "$rssf")" "$r" "$status"
  say "  $(printf '%-13s apply %10s ms' "$tool" "$ms")"
  local op cmd
  # The no-op rerun and info take a fraction of a second (sqitch: more), so
  # they get ten runs: three left one busy moment decide the median.
  local rr=10 w=2
  [ "$tool" = sqitch ] && rr=3 w=0
  [ "$tool" = sqitch ] && [ "$n" -ge 100 ] && rr=1
  [ "$quick" = 1 ] && rr=3
  for op in noop info; do
    if [ $op = noop ]; then cmd=("${noop_cmd[@]}"); else cmd=("${info_cmd[@]}"); fi
    if ms=$(with_url "$db" "$tool" time_cmd "$rr" "$w" "" "${cmd[@]}") &&
       rss=$(with_url "$db" "$tool" rss_cmd "${cmd[@]}"); then
      record "$db" "$kind" "$n" $op "$tool" "$ms" "$rss" "$rr" ok
      say "  $(printf '%-13s %-5s %10s ms' "$tool" "$op" "$ms")"
    else
      record "$db" "$kind" "$n" $op "$tool" - - "$r" failed
      say "  $tool: $op FAILED"
    fi
  done
}

# Peak RSS of runway's reading commands at the largest size, on the
# database runway just migrated: info as text and as JSON, validate, the
# no-op migrate.  runway-before, when given, reads the same database.
bench_memory() { # DB KIND N SETDIR
  local db=$1 kind=$2 n=$3 set=$4 tool bin op rss
  local -a args
  for tool in runway ${runway_before:+runway-before}; do
    bin=$runway
    [ "$tool" = runway-before ] && bin=$runway_before
    for op in info info_json validate noop; do
      args=("-locations=filesystem:$set/flyway")
      case "$op" in
        info) args+=(info) ;;
        info_json) args+=(-outputType=json info) ;;
        validate) args+=(validate) ;;
        noop) args+=(migrate) ;;
      esac
      if rss=$(FLYWAY_URL=$(runway_url "$db" runway) rss_cmd "$bin" "${args[@]}"); then
        record "$db" "$kind" "$n" "mem_$op" "$tool" - "$rss" 1 ok
      else
        record "$db" "$kind" "$n" "mem_$op" "$tool" - - 1 failed
      fi
    done
  done
}

# ---- round trips -------------------------------------------------------------

# Starts latproxy in front of DB's server, holding each direction DELAY_US,
# and points pg_port / my_port at it.  proxy_stop stops it, points them back
# at the server and leaves its counts line in proxy_counts.
proxy_start() { # DB DELAY_US
  local host port i=0
  case "$1" in
    postgresql) host=$RUNWAY_TEST_PG_HOST port=$RUNWAY_TEST_PG_PORT ;;
    *) host=$RUNWAY_TEST_MYSQL_HOST port=$RUNWAY_TEST_MYSQL_PORT ;;
  esac
  rm -f "$work/proxy.port" "$work/proxy.counts"
  "$latproxy" -d "$2" -o "$work/proxy.counts" "$host" "$port" >"$work/proxy.port" 2>>"$log" &
  proxy_pid=$!
  until grep -q '^port ' "$work/proxy.port" 2>/dev/null; do
    ((i++ < 200)) || { say "latproxy did not start"; return 1; }
    sleep 0.05
  done
  port=$(awk '{ print $2 }' "$work/proxy.port")
  case "$1" in postgresql) pg_port=$port ;; *) my_port=$port ;; esac
}
proxy_stop() {
  kill -TERM "$proxy_pid" && wait "$proxy_pid"
  pg_port=${RUNWAY_TEST_PG_PORT:-} my_port=${RUNWAY_TEST_MYSQL_PORT:-}
  proxy_counts=$(cat "$work/proxy.counts")
}
# One field of a counts line: counts_field "connections=1 round_trips=9 ..." round_trips
counts_field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# One apply of each tool from an empty database through latproxy with no
# delay: the round trips it takes for N migrations, recorded as op
# "roundtrips" (the count in the time column).
bench_round_trips() { # DB KIND N SETDIR
  local db=$1 kind=$2 n=$3 set=$4 tool counts got
  [ -n "$latproxy" ] && [ "$db" != sqlite ] || return 0
  local tools
  tools=$(tools_for "$db" "$kind" "$n")
  [ -n "$runway_before" ] && [[ " $tools " != *" runway-before "* ]] && tools="$tools runway-before"
  for tool in $tools; do
    "$here/reset.sh" "$db" "$tool" "$work" || continue
    proxy_start "$db" 0 || return 1
    tool_cmds "$db" "$tool" "$set"
    with_url "$db" "$tool" "${apply_cmd[@]}" >>"$log" 2>&1
    local rc=$?
    proxy_stop
    counts=$proxy_counts
    got=$(history_count "$db" "$tool" | tr -d ' ')
    if [ $rc = 0 ] && [ "$got" = "$n" ]; then
      record "$db" "$kind" "$n" roundtrips "$tool" "$(counts_field "$counts" round_trips)" - 1 ok
      say "  $(printf '%-13s round trips %6s' "$tool" "$(counts_field "$counts" round_trips)")"
    else
      record "$db" "$kind" "$n" roundtrips "$tool" - - 1 failed
    fi
  done
}

# The latency run: the apply of N migrations through latproxy holding each
# direction DELAY_US, for the client, runway (and runway-before), dbmate
# and sql-migrate; first runway through the proxy with no
# delay, which (against its direct apply) shows what the proxy costs.  Recorded as op
# "latency" (and "latency0"), with the proxy's round trips per run and
# its mean lateness in the extra columns.
bench_latency() {
  local db kind n=$latency_n set tool delay op ms counts got rt late
  [ -n "$latproxy" ] && [ -n "$latency_kinds" ] || return 0
  for db in $dbs; do
    [ "$db" = sqlite ] && continue
    for kind in $latency_kinds; do
      set=$work/sets/latency-$db-$kind
      make_set "$db" "$kind" "$n" "$set" || return 1
      say "$db, $kind, N=$n, through latproxy:"
      for delay in 0 "$latency_delay_us"; do
        for tool in client runway ${runway_before:+runway-before} $peers; do
          [ "$tool" = sqitch ] && continue   # a client process per change: minutes
          if [ "$delay" = 0 ]; then
            op=latency0
            [ "$tool" = runway ] || continue
          else
            op=latency
          fi
          proxy_start "$db" "$delay" || return 1
          tool_cmds "$db" "$tool" "$set"
          ms=$(with_url "$db" "$tool" time_cmd "$latency_runs" 0 "$here/reset.sh $db $tool $work" \
               "${apply_cmd[@]}")
          local rc=$?
          proxy_stop
          counts=$proxy_counts
          got=$(history_count "$db" "$tool" | tr -d ' ')
          rt=$(counts_field "$counts" round_trips)
          late=$(counts_field "$counts" late_mean_us)
          if [ $rc = 0 ] && [ "$got" = "$n" ]; then
            rt=$(awk -v t="$rt" -v r="$latency_runs" 'BEGIN { printf "%.0f", t / r }')
            record "$db" "$kind" "$n" "$op" "$tool" "$ms" "$delay" "$latency_runs" ok "$rt" "$late"
            say "  $(printf '%-13s %5s us each way %10s ms %7s round trips (late %s us)' \
                 "$tool" "$delay" "$ms" "$rt" "$late")"
          else
            record "$db" "$kind" "$n" "$op" "$tool" - "$delay" "$latency_runs" failed
            say "  $tool: FAILED through the proxy"
          fi
        done
      done
      rm -rf "$set"
    done
  done
}

# ---- start-up, sizes, machine ----------------------------------------------

bench_startup() {
  local name bin
  for name in runway sqlite3 psql mariadb dbmate sql-migrate sqitch; do
    case "$name" in
      runway) bin=$runway ;;
      dbmate) bin=$dbmate_bin ;;
      psql) bin=$psql_bin ;;
      *) bin=$(command -v "$name") ;;
    esac
    [ -n "$bin" ] && [ -x "$bin" ] || continue
    local r=200
    [ "$name" = sqitch ] && r=10
    local ms rss
    if ms=$(time_cmd "$r" 10 "" "$bin" --version) && rss=$(rss_cmd "$bin" --version); then
      record - - - startup "$name" "$ms" "$rss" "$r" ok
      say "  $(printf '%-12s --version %8s ms %8s kB' "$name" "$ms" "$rss")"
    fi
  done
}

# The files a binary loads: itself and its shared libraries (from ldd), plus
# the libraries it opens on first use (given as sonames) and theirs.
runtime_files() { # BINARY [SONAME...]
  local bin=$1 so path
  shift
  {
    echo "$bin"
    ldd "$bin" 2>/dev/null | awk '/=> \// { print $3 } /^\s*\/[^ ]+ \(/ { print $1 }'
    for so in "$@"; do
      path=$(ldconfig -p | awk -v s="$so" '$1 == s { print $NF; exit }')
      [ -n "$path" ] || continue
      echo "$path"
      ldd "$path" 2>/dev/null | awk '/=> \// { print $3 }'
    done
  } | while read -r f; do readlink -f "$f"; done | sort -u
}
files_bytes() { while read -r f; do stat -c %s "$f"; done | awk '{ s += $1 } END { print s + 0 }'; }
library_count() { ldd "$1" 2>/dev/null | grep -c '=> /' ; }

# runway opens these when a run first needs them (src/core/lazylib.h).
runway_lazy_libs="libpq.so.5 libmariadb.so.3 libcurl.so.4 libcrypto.so.3"

bench_sizes() {
  local name bin stripped=$work/stripped lazy
  for name in runway dbmate sql-migrate; do
    lazy=""
    case "$name" in
      runway) bin=$runway_built lazy=$runway_lazy_libs ;;
      dbmate) bin=$dbmate_bin ;;
      *) bin=$(command -v "$name" 2>/dev/null) ;;
    esac
    [ -n "$bin" ] && [ -x "$bin" ] || continue
    strip -o "$stripped" "$bin" 2>/dev/null || cp "$bin" "$stripped"
    record - - - size "$name" "$(stat -c %s "$bin")" "$(stat -c %s "$stripped")" \
      "$(library_count "$bin")" "$(runtime_files "$bin" | files_bytes)" \
      "$(runtime_files "$bin" $lazy | files_bytes)"
  done
}

machine_description() {
  local cpu mem kernel
  cpu=$(awk -F: '/^model name/ { sub(/^ +/, "", $2); print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  kernel=$(uname -sr)
  echo "- CPU: $cpu, $(nproc) cores; memory: $mem; $kernel"
  echo "- Load average (1, 5, 15 min) when the run started: $load_start; when it ended: $(cut -d' ' -f1-3 /proc/loadavg)"
  [ -r /etc/os-release ] && echo "- OS: $(. /etc/os-release; echo "$PRETTY_NAME")"
  echo "- Files and SQLite databases on $(df -P "$work" | awk 'NR == 2 { print $1 }') ($(stat -f -c %T "$work"))"
  echo "- SQLite $(sqlite3 --version | cut -d' ' -f1)$(
      [ -n "${RUNWAY_TEST_PG_URL:-}" ] && echo "; PostgreSQL $(psql -X -A -t -d postgres -c 'SHOW server_version' 2>/dev/null | cut -d' ' -f1) (fsync off)")$(
      [ -n "${RUNWAY_TEST_MYSQL_URL:-}" ] && echo "; MariaDB $("${mysql_cmd[@]}" --skip-column-names -e 'SELECT VERSION()' 2>/dev/null | cut -d- -f1) (flush at commit off)"); servers on 127.0.0.1 TCP"
  echo "- Tools: $(hyperfine --version)$( [ -n "$dbmate_bin" ] && echo ", $("$dbmate_bin" --version)")$(
      command -v sql-migrate >/dev/null && echo ", sql-migrate $(sql-migrate --version 2>&1 | head -n 1)")$(
      command -v sqitch >/dev/null && echo ", $(sqitch --version)")"
  echo "- runway: $("$runway" --version 2>&1 | head -n 1), built $(stat -c %y "$runway_built" | cut -d. -f1) from $(git -C "$src" describe --always --dirty 2>/dev/null || echo "an unknown commit")"
}

# Writes the migration set of DB, KIND and N into SETDIR in every tool's layout.
make_set() { # DB KIND N SETDIR
  local db=$1 engine=$1 set=$4
  mkdir -p "$set"/{flyway,dbmate,sqlmigrate,sqitch/deploy}
  awk -v kind="$2" -v n="$3" -v db="$db" -v out="$set" -f "$here/gen.awk" || return 1
  [ "$db" = postgresql ] && engine=pg
  printf '[core]\n\tengine = %s\n[engine "pg"]\n\tclient = %s\n' "$engine" "$psql_bin" \
    > "$set/sqitch/sqitch.conf"
}

# ---- main --------------------------------------------------------------------

mysql_cmd=()
[ -n "${RUNWAY_TEST_MYSQL_URL:-}" ] && mapfile -t mysql_cmd < <(mariadb_args)
started=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
cd "$work" || exit 1
say "runway benchmark: databases:$dbs; sizes: $sizes; peers:$peers; scratch: $work"
say "start-up (median of many runs):"
bench_startup
bench_sizes
bench_latency

# Every database at one size before the next size: the small sets first.
for n in $sizes; do
  for db in $dbs; do
    ks=$kinds
    [ "$n" = "$largest" ] && [ "$largest" -gt 1000 ] && ks=$kinds_large
    for kind in $ks; do
      set_dir=$work/sets/$db-$kind-$n
      make_set "$db" "$kind" "$n" "$set_dir" || exit 1
      say "$db, $kind, N=$n:"
      bench_pair_apply "$db" "$kind" "$n" "$set_dir"
      for tool in $(tools_for "$db" "$kind" "$n"); do
        bench_tool "$db" "$kind" "$n" "$tool" "$set_dir"
      done
      [ "$n" = "$largest" ] && [ "$largest" -gt 1000 ] && bench_memory "$db" "$kind" "$n" "$set_dir"
      [ "$n" -le 100 ] && bench_round_trips "$db" "$kind" "$n" "$set_dir"
      rm -rf "$set_dir"
    done
  done
done

elapsed=$(( $(date +%s) - started ))
doc=${BENCH_DOC:-}
if [ -z "$doc" ]; then
  if [ "$quick" = 1 ]; then doc=$(dirname "$runway_built")/benchmarks-quick.md; else doc=$src/docs/benchmarks.md; fi
fi
mkdir -p "$(dirname "$doc")"
# bench/doc-notes.md: the reading of the last full run, written by hand
# after it (not for the quick mode's page).
notes=""
[ "$quick" != 1 ] && [ -f "$here/doc-notes.md" ] && notes=$here/doc-notes.md
machine_description > "$work/machine.md"
awk -v machine="$work/machine.md" -v elapsed="$elapsed" -v quick="$quick" \
    -v before_label="${BENCH_BEFORE_LABEL:-${BENCH_BEFORE:-}}" \
    -v head="$here/doc-head.md" -v tail="$here/doc-tail.md" -v notes="$notes" \
    -f "$here/report.awk" "$results" > "$doc.tmp" || exit 1
mv "$doc.tmp" "$doc"
cp "$results" "${doc%.md}.tsv" 2>/dev/null || true
# The console gets the ratio tables and the verdicts.
awk '/^## Results/,/^## How/' "$doc" | grep -v '^## How' | sed -e 's/`//g'
say "written: $doc (${elapsed}s)"
grep -q '| FAIL' "$doc" && say "some targets missed (see the Targets table)"
exit 0
