#!/bin/sh
# backends: sqlite postgresql mysql
# Hostile inputs, one line of t2010-hostile-inputs.cases each: broken and
# malicious migration files, names, versions, placeholders, settings and
# URLs.  Every case states the exit code and the error line runway must
# print (naming the file and line, or the setting and where it came from,
# and what to do), and the database (schema and history rows) must be
# exactly as it was before, unless the case says the run changes it.  An
# empty history table created on the way counts as no change: Flyway, too,
# creates it before it looks at the migrations.
#
# Case syntax, one directive a line (see the top of the cases file):
#   == NAME             starts a case (its TAP title)
#   backends LIST       only on these backends (default: all)
#   file PATH TEXT      writes TEXT to PATH, printf %b escapes applied
#                       (\n, \r, \0 for NUL, \0NNN for any byte in octal)
#   sh COMMAND          a setup command, run in the case's directory
#   pre ARGS            runway ARGS on the test database, which must succeed
#                       (file, sh and pre run in the order written)
#   run ARGS            the command under test (runway ARGS on the test
#                       database; "run! COMMAND" runs COMMAND as written)
#   exit N              its expected exit code
#   error TEXT          a line of its output must contain TEXT
#   error.BACKEND TEXT  the same on one backend, instead of error
#   changes             the run may change the database (exit 0 cases)
#   check COMMAND       must succeed after the run
. ./lib.sh

cases_file="$RUNWAY_SOURCE_DIR/tests/cli/t2010-hostile-inputs.cases"

# The schema and the history rows; a missing history table reads as empty.
# On the servers one catalog query stands in for the dump tools, which cost
# seconds a call here: every relation, column, routine and schema.
case_state() {
  case $RUNWAY_TEST_BACKEND in
  postgresql) db_sql "
    SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
       AND c.relname NOT LIKE 'flyway_schema_history%'
    UNION ALL
    SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' ||
           data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
      FROM information_schema.columns
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
       AND table_name <> 'flyway_schema_history'
    UNION ALL
    SELECT 'routine ' || n.nspname || '.' || p.proname
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL
    SELECT 'schema ' || nspname FROM pg_namespace
     WHERE nspname NOT LIKE 'pg!_%' ESCAPE '!' AND nspname <> 'information_schema'
    UNION ALL
    SELECT 'history ' || x FROM regexp_split_to_table(
      CASE WHEN to_regclass('public.flyway_schema_history') IS NULL THEN '' ELSE
        query_to_xml('SELECT installed_rank, version, description, type, script, checksum,
                             success FROM public.flyway_schema_history ORDER BY 1',
                     false, true, '')::text END, chr(10)) x WHERE x <> ''
    ORDER BY 1" ;;
  mysql) db_sql "
    SELECT CONCAT('column ', table_name, '.', column_name, ' ', column_type, ' ', is_nullable)
      FROM information_schema.columns
     WHERE table_schema = DATABASE() AND table_name <> 'flyway_schema_history'
    UNION ALL
    SELECT CONCAT('index ', table_name, '.', index_name, '.', column_name)
      FROM information_schema.statistics
     WHERE table_schema = DATABASE() AND table_name <> 'flyway_schema_history'
    UNION ALL
    SELECT CONCAT('routine ', routine_type, ' ', routine_name) FROM information_schema.routines
     WHERE routine_schema = DATABASE()
    UNION ALL
    SELECT CONCAT('trigger ', trigger_name) FROM information_schema.triggers
     WHERE trigger_schema = DATABASE()
    ORDER BY 1" &&
    { history_rows 2>/dev/null || true; } ;;
  *)
    db_schema &&
    { history_rows 2>/dev/null || true; } ;;
  esac
}

# Set when the database may differ from the empty one a case starts from.
db_dirty=1

# Runs the case described by the c_* variables in a directory of its own,
# on an empty database (reset only after a case that may have changed it:
# a reset costs seconds on the servers).  $TRASH/.clean-state holds the
# state of that empty database as the last case read it and found unchanged:
# a case whose setup only writes files starts from it without reading the
# database again.
run_case() {
  mkdir "case$test_count" && cd "case$test_count" || return 1
  if [ "$db_dirty" = 1 ]; then
    rm -f "$TRASH/.clean-state"
    db_reset || return 1
  fi
  eval "$c_setup" || { echo "setup failed"; cat pre.out 2>/dev/null; return 1; }
  if [ -z "$c_db_setup" ] && [ -f "$TRASH/.clean-state" ]; then
    cp "$TRASH/.clean-state" before
  else
    case_state >before 2>&1 || { echo "reading the database failed:"; cat before; return 1; }
  fi
  local got=0
  eval "$c_run" >out 2>&1 || got=$?
  if [ "$got" -gt 128 ]; then
    echo "crashed with signal $((got - 128))"; cat out; return 1
  fi
  if [ "$got" != "$c_exit" ]; then
    echo "exit $got, expected $c_exit"; cat out; return 1
  fi
  if [ -n "$c_error" ] && ! grep -q -F -- "$c_error" out; then
    echo "expected a line containing: $c_error"; cat out; return 1
  fi
  if [ "$c_exit" != 0 ] && grep -q "Successfully applied" out; then
    echo "a failed run reports success:"; cat out; return 1
  fi
  if [ -z "$c_changes" ]; then
    case_state >after 2>&1 || { echo "reading the database failed:"; cat after; return 1; }
    test_cmp before after || { echo "the database changed:"; cat out; return 1; }
    [ -n "$c_db_setup" ] || cp after "$TRASH/.clean-state"
  fi
  if [ -n "$c_check" ]; then
    eval "$c_check" || { echo "check failed: $c_check"; cat out; return 1; }
  fi
  return 0
}

case_reset() {
  c_name= c_backends= c_setup= c_run= c_exit=0 c_error= c_changes= c_check= c_pre_used=
  c_db_setup=
}

# Adds one directive to the case being read.
case_directive() {
  local word=$1 rest=$2
  case $word in
  backends) c_backends=$rest ;;
  file)
    local path=${rest%% *} text=${rest#* }
    [ "$text" = "$rest" ] && text=
    c_setup="$c_setup
mkdir -p \"\$(dirname '$path')\" && printf '%b' '$(printf '%s' "$text" | sed "s/'/'\\\\''/g")' >'$path'" ;;
  sh) c_db_setup=1 c_setup="$c_setup
$rest" ;;
  pre) c_pre_used=1 c_db_setup=1 c_setup="$c_setup
rw $rest >pre.out 2>&1" ;;
  run) c_run="rw $rest" ;;
  run!) c_run=$rest ;;
  exit) c_exit=$rest ;;
  error) [ -z "$c_error" ] && c_error=$rest ;;
  error.*) [ "${word#error.}" = "$RUNWAY_TEST_BACKEND" ] && c_error=$rest c_error_fixed=1 ;;
  changes) c_changes=1 ;;
  check) c_check="${c_check:+$c_check && }$rest" ;;
  *) echo "unknown directive '$word' in $cases_file" >&2; return 1 ;;
  esac
}

# Runs the case just read, when it applies to this backend.
case_finish() {
  [ -n "$c_name" ] || return 0
  if [ -n "$c_backends" ]; then
    case " $c_backends " in *" $RUNWAY_TEST_BACKEND "*) ;; *) return 0 ;; esac
  fi
  local failed_before=$test_failed
  test_expect_success "$c_name" 'run_case'
  db_dirty=0
  if [ -n "$c_changes$c_pre_used" ] || [ "$test_failed" != "$failed_before" ]; then
    db_dirty=1
  fi
}

[ -f "$cases_file" ] || skip_all "no $cases_file"
case_reset
c_error_fixed=
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
  '' | '#'*) continue ;;
  '== '*)
    case_finish
    case_reset
    c_error_fixed=
    c_name=${line#== } ;;
  *)
    word=${line%% *} rest=${line#* }
    [ "$rest" = "$line" ] && rest=
    # error.BACKEND wins over error, whichever comes first.
    if [ "$word" = error ] && [ -n "$c_error_fixed" ]; then continue; fi
    case_directive "$word" "$rest" || exit 1 ;;
  esac
done <"$cases_file"
case_finish

test_done
