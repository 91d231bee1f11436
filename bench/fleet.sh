#!/usr/bin/env bash
# fleet.sh RUNWAY_BINARY - the fleet benchmark of `make bench`: T tenant
# schemas x M migrations on one PostgreSQL server, four connections at a time.
#
#   client floor   psql: four processes, each running its quarter of the
#                  tenants' SQL (search_path, the history table, each file in
#                  its own transaction with its history-row insert)
#   runway fleet   runway -tenantSchemas=bench_t% -parallel=4 migrate
#   per tenant     one runway process per tenant, four at a time (xargs -P4):
#                  the loop pipelines write around Flyway today; with a JVM,
#                  each start adds the `java -version` start measured here
#
# Writes docs/benchmarks-fleet.md (BENCH_FLEET_DOC).  Needs the servers of
# tests/lib/with-servers.sh (RUNWAY_TEST_PG_*).  Knobs: BENCH_FLEET_TENANTS
# (1000), BENCH_FLEET_MIGRATIONS (20), BENCH_FLEET_SMALL (100: the second
# size whose peak RSS shows it does not grow with the targets).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 RUNWAY_BINARY" >&2; exit 2; }
runway=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -n "${RUNWAY_TEST_PG_URL:-}" ] || { echo "fleet.sh: no PostgreSQL (run under tests/lib/with-servers.sh)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "fleet.sh: /usr/bin/time missing; run tools/deps.sh bench" >&2; exit 2; }

T=${BENCH_FLEET_TENANTS:-1000}
M=${BENCH_FLEET_MIGRATIONS:-20}
SMALL=${BENCH_FLEET_SMALL:-100}
doc=${BENCH_FLEET_DOC:-$src/docs/benchmarks-fleet.md}
psql_bin=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1)
[ -n "$psql_bin" ] || psql_bin=$(command -v psql)
export PGHOST=$RUNWAY_TEST_PG_HOST PGPORT=$RUNWAY_TEST_PG_PORT PGUSER=$RUNWAY_TEST_PG_USER
export PGPASSWORD=$RUNWAY_TEST_PG_PASSWORD PGOPTIONS='-c client_min_messages=warning'
db=runway_bench_fleet
url="jdbc:postgresql://$PGHOST:$PGPORT/$db?user=$PGUSER&password=$PGPASSWORD"

work=$(mktemp -d "${TMPDIR:-/tmp}/runway-fleet.XXXXXX")
trap 'rm -rf "$work"; "$psql_bin" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1' EXIT
say() { printf '%s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

# The migrations: each creates a table and fills a row, as a small release does.
mkdir -p "$work/sql"
for m in $(seq 1 "$M"); do
  printf 'CREATE TABLE item_%d (id INT PRIMARY KEY, name TEXT NOT NULL);\nINSERT INTO item_%d VALUES (1, %s);\n' \
    "$m" "$m" "'first'" > "$work/sql/V${m}__item_$m.sql"
done

# An empty database with tenants bench_t0001.. (the timed runs start from it).
reset_db() { # TENANTS
  "$psql_bin" -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null &&
    seq 1 "$1" | awk '{ printf "CREATE SCHEMA bench_t%04d;\n", $1 }' | "$psql_bin" -X -q -d "$db" >/dev/null
}

# The floor's SQL for one tenant: what runway sends, minus its bookkeeping queries.
floor_sql() { # TENANT
  printf 'SET search_path TO %s;\n' "$1"
  printf 'CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INT NOT NULL, success BOOLEAN NOT NULL);\n'
  for m in $(seq 1 "$M"); do
    printf 'BEGIN;\n'
    cat "$work/sql/V${m}__item_$m.sql"
    printf "INSERT INTO flyway_schema_history VALUES (%d, '%d', 'item %d', 'SQL', 'V%d__item_%d.sql', 0, current_user, now(), 1, true);\nCOMMIT;\n" "$m" "$m" "$m" "$m" "$m"
  done
}

for i in 1 2 3 4; do : > "$work/floor$i.sql"; done
for t in $(seq 1 "$T"); do
  floor_sql "$(printf 'bench_t%04d' "$t")" >> "$work/floor$(( (t - 1) % 4 + 1 )).sql"
done

run_floor() {
  local start end pids=()
  start=$(now_ms)
  for i in 1 2 3 4; do
    "$psql_bin" -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/floor$i.sql" >/dev/null & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { say "floor: psql failed"; exit 1; }; done
  end=$(now_ms)
  echo $((end - start))
}

run_fleet() { # TENANTS -> "ms rss_kb"
  local start end
  start=$(now_ms)
  (cd "$work" && /usr/bin/time -f %M -o "$work/rss" "$runway" -url="$url" -locations=filesystem:sql \
     -tenantSchemas='bench_t%' -parallel=4 -quiet=true migrate >/dev/null 2>"$work/fleet.err") ||
    { say "fleet run failed:"; tail -5 "$work/fleet.err" >&2; exit 1; }
  end=$(now_ms)
  echo "$((end - start)) $(cat "$work/rss")"
}

run_per_tenant() {
  local start end
  start=$(now_ms)
  seq 1 "$T" | awk '{ printf "bench_t%04d\n", $1 }' |
    (cd "$work" && xargs -P4 -I{} "$runway" -url="$url" -locations=filesystem:sql \
       -defaultSchema={} -schemas={} -quiet=true migrate >/dev/null 2>&1) ||
    { say "per-tenant run failed"; exit 1; }
  end=$(now_ms)
  echo $((end - start))
}

check_applied() { # TENANTS
  local n
  n=$("$psql_bin" -X -A -t -q -d "$db" -c "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'item_$M'")
  [ "$n" = "$1" ] || { say "only $n of $1 tenants hold every migration"; exit 1; }
}

jvm_ms=""
if command -v java >/dev/null; then
  java -version >/dev/null 2>&1
  s=$(now_ms); for _ in 1 2 3 4 5; do java -version >/dev/null 2>&1; done; e=$(now_ms)
  jvm_ms=$(( (e - s) / 5 ))
fi

say "fleet benchmark: $T tenants x $M migrations, PostgreSQL, 4 connections"
floor=() fleet=() rss=()
for round in 1 2 3; do
  reset_db "$T" || exit 1; floor+=("$(run_floor)"); check_applied "$T"
  reset_db "$T" || exit 1; read -r ms kb <<<"$(run_fleet)"; fleet+=("$ms"); rss+=("$kb"); check_applied "$T"
  say "  round $round: floor ${floor[-1]} ms, fleet ${fleet[-1]} ms (peak RSS ${rss[-1]} KB)"
done
reset_db "$T" || exit 1; per_tenant=$(run_per_tenant); check_applied "$T"
say "  one process per tenant: $per_tenant ms"
reset_db "$SMALL" || exit 1; read -r small_ms small_kb <<<"$(run_fleet)"
say "  fleet at $SMALL tenants: $small_ms ms (peak RSS $small_kb KB)"

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
floor_ms=$(median "${floor[@]}")
fleet_ms=$(median "${fleet[@]}")
rss_kb=$(median "${rss[@]}")
ratio=$(awk -v a="$fleet_ms" -v b="$floor_ms" 'BEGIN { printf "%.2f", a / b }')
jvm_total=""
[ -n "$jvm_ms" ] && jvm_total=$(( per_tenant + T * jvm_ms / 4 ))
speedup=""
[ -n "$jvm_total" ] && speedup=$(awk -v a="$jvm_total" -v b="$fleet_ms" 'BEGIN { printf "%.1f", a / b }')
verdict() { awk -v v="$1" -v op="$2" -v lim="$3" 'BEGIN { ok = op == "<=" ? v <= lim : v >= lim; print ok ? "PASS" : "FAIL" }'; }

{
  echo "# Fleet benchmark"
  echo
  echo "\`make bench\` (bench/fleet.sh): $T tenant schemas × $M migrations (each a \`CREATE TABLE\`"
  echo "and an \`INSERT\`) on one PostgreSQL server, four connections at a time. Medians of three"
  echo "rounds; every run starts from a database holding the empty tenant schemas and is checked"
  echo "afterwards (every tenant holds every table). $(date -u +%Y-%m-%d), $(nproc) cores."
  echo
  echo "| run | time | |"
  echo "|---|---|---|"
  echo "| client floor: four \`psql -f\` processes, the same SQL with history rows | ${floor_ms} ms | |"
  echo "| runway \`-tenantSchemas=bench_t% -parallel=4 migrate\` | ${fleet_ms} ms | ${ratio}× the floor (target ≤ 1.2×: $(verdict "$ratio" "<=" 1.2)) |"
  echo "| one runway process per tenant, four at a time | ${per_tenant} ms | |"
  if [ -n "$jvm_total" ]; then
    echo "| the same with a JVM start per tenant (\`java -version\`: ${jvm_ms} ms each) | ${jvm_total} ms | fleet ${speedup}× faster (target ≥ 20×: $(verdict "$speedup" ">=" 20)) |"
  fi
  echo
  echo "Peak RSS of the runway process that runs the fleet: ${rss_kb} KB at $T tenants, ${small_kb} KB at"
  echo "$SMALL tenants (target ≤ 15 MB and independent of the number of targets:"
  echo "$(verdict "$rss_kb" "<=" 15360))."
  echo
  echo "The floor sends each tenant's SQL over one long-lived connection; runway opens a"
  echo "connection per tenant (its own lock and session state), reads the history table, takes"
  echo "the migration lock and records each migration, which the floor leaves out. A JVM-based"
  echo "loop pays its start-up (and Flyway's class loading, about 0.9 s measured for Flyway"
  echo "itself) once per tenant."
} > "$doc.tmp" && mv "$doc.tmp" "$doc"
cat "$doc"
