#!/bin/sh
# make install: the binary, runway(1) with every command, setting and exit
# code, bash completion and the docs; an installed runway reads
# PREFIX/conf/flyway.conf.
# backends: sqlite
. ./lib.sh
BUILD=$(dirname "$RUNWAY_BIN")
[ -f "$BUILD/cmake_install.cmake" ] || skip_all "$BUILD is not a CMake build folder"
[ -f "$BUILD/runway.1" ] || skip_all "no runway.1 in $BUILD (the sanitizer build makes none)"

test_expect_success 'install with DESTDIR puts binary, manual, completion and docs under PREFIX' '
  DESTDIR="$TRASH/dest" cmake --install "$BUILD" --prefix /opt/rw >install.out 2>&1 ||
    { cat install.out; false; } &&
  test -x dest/opt/rw/bin/runway &&
  test -f dest/opt/rw/share/man/man1/runway.1 &&
  test -f dest/opt/rw/share/bash-completion/completions/runway &&
  test -f dest/opt/rw/share/doc/runway/deploy.md &&
  test -f dest/opt/rw/share/doc/runway/README.md
'

cmake --install "$BUILD" --prefix "$TRASH/prefix" >/dev/null 2>&1
MAN=$TRASH/prefix/share/man/man1/runway.1

test_expect_success 'the manual page names every command runway help lists' '
  "$RUNWAY_BIN" help | awk "/^Commands/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF { print \$1 }" >commands &&
  test "$(wc -l <commands)" -ge 10 &&
  while read -r c; do grep -qx "\\\\fB$c\\\\fR" "$MAN" || { echo "missing command $c"; exit 1; }; done <commands
'

test_expect_success 'the manual page names every setting with its default' '
  "$RUNWAY_BIN" help | awk "/^Options / { on = 1; next } /^[^ ]/ { on = 0 } on && NF { print \$1 }" >settings &&
  test "$(wc -l <settings)" -ge 60 &&
  while read -r k; do
    grep -qxF "\\fB\\-$(printf %s "$k" | sed "s/-/\\\\\\\\-/g")\\fR" "$MAN" || { echo "missing setting $k"; exit 1; }
  done <settings &&
  grep -A1 -F "\\fB\\-table\\fR" "$MAN" | grep -qF "[flyway_schema_history]"
'

test_expect_success 'the manual page gives every exit code and renders' '
  sed -n "/^\\.SH EXIT STATUS/,/^\\.SH FILES/p" "$MAN" >exit &&
  for code in 0 1 2 3 4 5 6; do expect_grep "$code" exit || exit 1; done &&
  MANWIDTH=80 man -l "$MAN" >man.txt 2>man.err &&
  expect_grep "EXIT STATUS" man.txt && expect_grep "migrate" man.txt && ! test -s man.err
'

test_expect_success 'bash completion offers commands and -key= settings' '
  bash -c ". \"$TRASH/prefix/share/bash-completion/completions/runway\" &&
    COMP_WORDS=(\"$TRASH/prefix/bin/runway\" mig); COMP_CWORD=1; _runway; echo \"\${COMPREPLY[*]}\"
    COMP_WORDS=(\"$TRASH/prefix/bin/runway\" -baselineOn); _runway; echo \"\${COMPREPLY[*]}\"
    COMP_WORDS=(\"$TRASH/prefix/bin/runway\" -placeholders); _runway; echo \"\${COMPREPLY[*]}\"" >completions &&
  test "$(sed -n 1p completions)" = migrate &&
  test "$(sed -n 2p completions)" = -baselineOnMigrate= &&
  test "$(sed -n 3p completions)" = -placeholders.
'

test_expect_success 'an installed runway reads PREFIX/conf/flyway.conf' '
  mkdir -p prefix/conf elsewhere/sql &&
  printf "flyway.url=jdbc:sqlite:%s/installed.db\nflyway.locations=filesystem:%s/elsewhere/sql\n" "$TRASH" "$TRASH" \
    >prefix/conf/flyway.conf &&
  echo "CREATE TABLE t (id INT);" >elsewhere/sql/V1__t.sql &&
  (cd elsewhere && HOME="$TRASH/elsewhere" "$TRASH/prefix/bin/runway" migrate) >out 2>&1 || { cat out; false; } &&
  test "$(sqlite3 installed.db "SELECT count(*) FROM flyway_schema_history WHERE success")" = 1
'

test_expect_success 'a runway outside a bin folder reads conf/ beside itself' '
  mkdir -p flat/conf && cp "$RUNWAY_BIN" flat/runway &&
  printf "flyway.url=jdbc:sqlite:%s/flat.db\nflyway.locations=filesystem:%s/elsewhere/sql\n" "$TRASH" "$TRASH" \
    >flat/conf/flyway.conf &&
  (cd elsewhere && HOME="$TRASH/elsewhere" "$TRASH/flat/runway" migrate) >out 2>&1 || { cat out; false; } &&
  test "$(sqlite3 flat.db "SELECT count(*) FROM flyway_schema_history WHERE success")" = 1
'

test_done
