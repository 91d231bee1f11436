#!/bin/sh
# Progress on stderr: a line per migration with its time, a live line on a
# terminal for long migrations, -quiet, NO_COLOR and -color.
# backends: sqlite postgresql mysql
. ./lib.sh

command -v script >/dev/null || skip_all "script(1) is needed to run under a terminal"

# A statement that takes well over a second on the backend under test (SQLite:
# about 2.5 s of CPU here, so a faster machine still passes the 1 s mark).
slow_sql() {
  case $RUNWAY_TEST_BACKEND in
    sqlite) echo "CREATE TABLE slow_t AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) SELECT x FROM c;" ;;
    postgresql) echo "SELECT pg_sleep(1.6);" ;;
    mysql) echo "DO SLEEP(1.6);" ;;
  esac
}

# Runs runway under a pseudo-terminal; the output (stdout and stderr) goes to $1.
rw_tty() {
  out=$1; shift
  {
    printf '#!/bin/sh\nexec'
    for a in "$RUNWAY_BIN" "-url=$DB_URL" "$@"; do
      printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
    done
    echo
  } >tty.sh
  chmod +x tty.sh
  script -qec ./tty.sh /dev/null >"$out" 2>&1
}

test_expect_success 'each migration gets a line with its elapsed time' '
  write_migration V1__first.sql "CREATE TABLE first_t (id INT);" &&
  write_migration V2__second.sql "CREATE TABLE second_t (id INT);" &&
  rw migrate 2>err >/dev/null &&
  expect_grep "done \[1/2\] V1__first.sql in 00:00\.[0-9]*s" err &&
  expect_grep "done \[2/2\] V2__second.sql in 00:00\.[0-9]*s" err
'

test_expect_success 'without a terminal there is no live line and no escape sequence' '
  ! grep -q "running" err &&
  ! grep -q "$(printf "\033")" err
'

test_expect_success 'on a terminal a long migration shows a live progress line' '
  write_migration V3__slow.sql "$(slow_sql)" &&
  rw_tty tty.out migrate &&
  expect_grep "\[1/1\] V3__slow.sql running 00:01" tty.out &&
  expect_grep "done" tty.out &&
  expect_grep "now at version v3" tty.out
'

test_expect_success '-quiet prints neither progress nor the live line' '
  db_reset &&
  rw_tty quiet.out -quiet migrate &&
  ! grep -q "done \[" quiet.out &&
  ! grep -q running quiet.out &&
  ! grep -q "Migrating schema" quiet.out
'

# An invalid file name makes migrate print a WARNING.
printf "%s\n" "SELECT 1;" >sql/Vbad_name.sql

test_expect_success 'on a terminal WARNING is colored' '
  rw_tty color.out info &&
  grep -q "$(printf "\033")\[33mWARNING" color.out
'

test_expect_success 'NO_COLOR turns colors off on a terminal' '
  NO_COLOR=1 rw_tty nocolor.out info &&
  expect_grep "WARNING" nocolor.out &&
  ! grep -q "$(printf "\033")\[3" nocolor.out
'

test_expect_success '-color=never turns colors off, -color=always forces them' '
  rw_tty never.out -color=never info &&
  ! grep -q "$(printf "\033")\[3" never.out &&
  rw -color=always info 2>always.err >/dev/null &&
  grep -q "$(printf "\033")\[33mWARNING" always.err
'

test_done
