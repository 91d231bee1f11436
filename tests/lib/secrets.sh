# secrets.sh - the suite's check that no captured output holds a secret.
# Sourced by tests/cli/lib.sh, which runs secret_scan on its scratch
# directory after every test: a test whose outputs hold a test password,
# an AWS secret key, a session token or a secret's value fails, naming the
# file and the secret (never printing the value).
#
# What counts as a secret: the values of the variables in
# SECRET_VARIABLES that are set and at least 6 characters long (shorter
# ones would match by chance), plus every value a test registered with
# secret_value.  What counts as captured output: every regular file at the
# top of the directory (where tests redirect runway's stdout and stderr,
# and where lib.sh keeps each test's own output), except the inputs a test
# wrote on purpose: migrations and configuration (*.sql, *.conf, *.toml,
# *.properties, *.js, *.sh, *.db) and files registered with secret_input.

SECRET_VARIABLES="RUNWAY_TEST_PG_PASSWORD RUNWAY_TEST_MYSQL_PASSWORD FAKE_SECRET FAKE_TOKEN
FAKE_DB_PASSWORD TEMP_SECRET AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN"

# secret_value DIR NAME VALUE: VALUE is a secret from now on (for this directory's scans).
secret_value() { printf '%s\t%s\n' "$2" "$3" >>"$1/.secret-values"; }

# secret_input DIR FILE...: these files are inputs that may hold a secret.
secret_input() {
  local dir=$1 f
  shift
  for f in "$@"; do printf '%s\n' "${f##*/}" >>"$dir/.secret-inputs"; done
}

# Prints NAME<TAB>VALUE for every known secret of DIR.
_secret_list() {
  local name value
  for name in $SECRET_VARIABLES; do
    eval "value=\${$name:-}"
    [ ${#value} -ge 6 ] && printf '%s\t%s\n' "$name" "$value"
  done
  [ -f "$1/.secret-values" ] && cat "$1/.secret-values"
  return 0
}

# Prints the captured-output files of DIR, one per line.
_secret_outputs() {
  local f base
  for f in "$1"/* "$1"/.out; do
    [ -f "$f" ] || continue
    base=${f##*/}
    case $base in
      *.sql | *.conf | *.toml | *.properties | *.js | *.sh | *.db) continue ;;
    esac
    [ -f "$1/.secret-inputs" ] && grep -qxF -- "$base" "$1/.secret-inputs" && continue
    printf '%s\n' "$f"
  done
}

# secret_scan DIR: prints "secret NAME leaked into FILE" for each leak; fails when there is one.
# One grep over all files first: almost always nothing matches.
secret_scan() {
  local dir=$1 leaks=0 name value f tab
  tab=$(printf '\t')
  _secret_list "$dir" >"$dir/.secret-list"
  _secret_outputs "$dir" >"$dir/.secret-files"
  cut -f2- "$dir/.secret-list" >"$dir/.secret-patterns"
  if [ -s "$dir/.secret-files" ] && [ -s "$dir/.secret-patterns" ] &&
     tr '\n' '\0' <"$dir/.secret-files" | xargs -0 grep -qF -f "$dir/.secret-patterns" --; then
    while IFS=$tab read -r name value; do
      while IFS= read -r f; do
        if grep -qF -- "$value" "$f"; then
          echo "secret $name leaked into ${f##*/}"
          leaks=$((leaks + 1))
        fi
      done <"$dir/.secret-files"
    done <"$dir/.secret-list"
  fi
  rm -f "$dir/.secret-list" "$dir/.secret-files" "$dir/.secret-patterns"
  [ "$leaks" -eq 0 ]
}

# secret_redact DIR: copies stdin to stdout with every secret value replaced by ***.
secret_redact() {
  _secret_list "$1" | cut -f2- >"$1/.secret-patterns"
  # FILENAME, not FNR == NR: with no secrets the patterns file is empty and
  # FNR == NR would hold for every output line as well.
  awk 'FILENAME == ARGV[1] { if ($0 != "") s[n++] = $0; next }
       { for (i = 0; i < n; i++) { out = ""; line = $0
           while ((p = index(line, s[i])) > 0) {
             out = out substr(line, 1, p - 1) "***"; line = substr(line, p + length(s[i])) }
           $0 = out line }
         print }' "$1/.secret-patterns" -
  rm -f "$1/.secret-patterns"
}
