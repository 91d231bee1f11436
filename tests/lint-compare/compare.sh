#!/bin/sh
# Lints each PostgreSQL migration set of a corpus with runway and with squawk
# and prints every squawk safety finding that runway has no finding for, one
# per line: "SET/FILE:LINE squawk-rule message".  Cases listed in the
# exceptions file, if given (same "SET/FILE:LINE squawk-rule" start, then
# the reason runway is right), are left out.
#
# Usage: compare.sh RUNWAY SQUAWK CORPUS [EXCEPTIONS]
set -u
runway=$1 squawk=$2 corpus=$(cd "$3" && pwd -P) exceptions=${4:-/dev/null}
tmp=${TMPDIR:-/tmp}/lint-compare.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

# squawk rule -> the runway rules that cover it; "file:" marks per-file rules.
cat >"$tmp/map.json" <<'JSON'
{
  "require-concurrent-index-creation": ["RW101"],
  "require-concurrent-index-deletion": ["RW111"],
  "constraint-missing-not-valid": ["RW107", "RW114"],
  "adding-foreign-key-constraint": ["RW107"],
  "adding-field-with-default": ["RW115"],
  "adding-required-field": ["RW102"],
  "adding-not-nullable-field": ["RW108"],
  "adding-serial-primary-key-field": ["RW114"],
  "adding-primary-key-constraint": ["RW114"],
  "disallowed-unique-constraint": ["RW114"],
  "changing-column-type": ["RW103"],
  "ban-drop-column": ["RW104"],
  "ban-drop-table": ["RW105"],
  "ban-drop-not-null": ["RW118"],
  "ban-truncate-cascade": ["RW117"],
  "renaming-column": ["RW109"],
  "renaming-table": ["RW109"],
  "transaction-nesting": ["RW014"],
  "ban-concurrent-index-creation-in-transaction": ["RW005"],
  "identifier-too-long": ["RW119"],
  "require-lock-timeout": ["file:RW106"],
  "require-statement-timeout": ["file:RW116"]
}
JSON

sets=
for s in "$corpus"/*postgres*/; do
  s=${s%/}
  case $(basename "$s") in
    flyway-tests-*) for d in "$s"/*/; do sets="$sets ${d%/}"; done ;;
    *) sets="$sets $s" ;;
  esac
done

for d in $sets; do
  name=${d#"$corpus"/}
  (cd "$d" && "$runway" lint -dialect=postgresql -locations="filesystem:$d" -lintFormat=json \
     >"$tmp/r.json" 2>"$tmp/r.err")
  [ $? -le 1 ] || { echo "$name: runway lint failed: $(cat "$tmp/r.err")"; continue; }
  # A file of COPY data and no DDL gives squawk only syntax errors (a million on
  # pagila's data) and takes most of its time: left out, runway still reads it.
  files=$(cd "$d" && find . -name '*.sql' | sed 's|^\./||' | sort |
          while read -r f; do
            if grep -q 'FROM stdin;$' "$f" && ! grep -qiE '^(CREATE|ALTER|DROP) ' "$f"; then continue; fi
            echo "$f"
          done)
  [ -n "$files" ] || continue
  # shellcheck disable=SC2086
  (cd "$d" && "$squawk" --reporter json $files >"$tmp/s.json" 2>/dev/null)
  jq -r --arg set "$name" --slurpfile map "$tmp/map.json" --slurpfile rw "$tmp/r.json" '
    ($map[0]) as $m | ($rw[0].findings) as $f
    | .[] | select($m[.rule_name] != null)
    | (.line + 1) as $line | .file as $file | $m[.rule_name] as $want
    | select(
        [$f[] | select(.path == $file) |
           . as $x | select(
             ($want | index("file:" + $x.ruleId)) or
             (($want | index($x.ruleId)) and $x.statementLine <= $line and $line <= $x.endLine))
        ] | length == 0)
    | "\($set)/\($file):\($line) \(.rule_name) \(.message)"' "$tmp/s.json"
done >"$tmp/missing"
awk 'NR == FNR { if ($0 !~ /^#/) listed[$1 " " $2] = 1; next }
     !(($1 " " $2) in listed)' "$exceptions" "$tmp/missing"
