#!/bin/sh
# runway new DESCRIPTION: the next versioned file in the first location.
# backends: sqlite
. ./lib.sh

test_expect_success 'the first file is V1 in the default location' '
  "$RUNWAY_BIN" new create users >out &&
  test -f sql/V1__create_users.sql &&
  expect_grep "sql/V1__create_users.sql" out &&
  expect_grep "create users" sql/V1__create_users.sql
'

test_expect_success 'the next file follows the highest version' '
  "$RUNWAY_BIN" new add orders >/dev/null &&
  test -f sql/V2__add_orders.sql
'

test_expect_success 'the created version is printed with dots, as info shows it' '
  mkdir -p dotted && : >dotted/V1_12_31__x.sql &&
  "$RUNWAY_BIN" -locations=filesystem:dotted new next >out 2>err &&
  test -f dotted/V1_12_32__next.sql &&
  expect_grep "Created migration version 1.12.32$" err
'

test_expect_success 'zero padding and multi-part versions are kept' '
  mkdir -p padded multi &&
  : >padded/V009__x.sql && : >multi/V1_2_9__y.sql &&
  "$RUNWAY_BIN" -locations=filesystem:padded new next one >/dev/null &&
  test -f padded/V010__next_one.sql &&
  "$RUNWAY_BIN" -locations=filesystem:multi new next one >/dev/null &&
  test -f multi/V1_2_10__next_one.sql
'

test_expect_success 'the first of several locations receives the file; versions come from all' '
  mkdir -p first second && : >second/V5__z.sql &&
  "$RUNWAY_BIN" -locations=filesystem:first,filesystem:second new six >/dev/null &&
  test -f first/V6__six.sql
'

test_expect_success 'a timestamp scheme via runway.newVersionScheme' '
  mkdir -p ts &&
  printf "%s\n" "flyway.locations=filesystem:ts" "runway.newVersionScheme=timestamp" >ts.conf &&
  "$RUNWAY_BIN" -configFiles=ts.conf new stamped >out &&
  ls ts | grep -E "^V20[0-9]{12}__stamped.sql$" &&
  "$RUNWAY_BIN" -configFiles=ts.conf new stamped again >/dev/null &&
  test $(ls ts | wc -l) -eq 2
'

test_expect_success 'existing timestamp files keep the scheme automatically' '
  mkdir -p auto && : >auto/V20200101000000__old.sql &&
  "$RUNWAY_BIN" -locations=filesystem:auto new newer >/dev/null &&
  ls auto | grep -E "^V20[0-9]{12}__newer.sql$" && ! ls auto | grep -q "^V20200101000001"
'

test_expect_success 'JSON output names the file and version' '
  "$RUNWAY_BIN" -outputType=json new json one >out.json &&
  expect_grep "\"version\": \"3\"" out.json &&
  expect_grep "V3__json_one.sql" out.json
'

test_expect_success 'a missing description is an error' '
  must_fail "$RUNWAY_BIN" new &&
  expect_grep "needs a description" err
'

test_expect_success 'an invalid scheme is an error' '
  must_fail "$RUNWAY_BIN" -newVersionScheme=roman new x &&
  expect_grep "newVersionScheme" err
'

test_done
