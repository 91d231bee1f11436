# pipeline-lib.sh - shared by the tests of examples/pipelines (t95*).  Source
# it after tests/cli/lib.sh:
#
#   . "$RUNWAY_SOURCE_DIR/tests/lib/pipeline-lib.sh"
#   npm_ready "$PIPELINES/cdk" aws-cdk-lib    # skips when the packages cannot be had
#   json_expect template.json 'j.Resources.Fn.Type === "AWS::Lambda::Function"'
PIPELINES="$RUNWAY_SOURCE_DIR/examples/pipelines"
PIPELINE_TOOLS="$RUNWAY_SOURCE_DIR/tests/pipelines"

# npm_ready DIR PACKAGE: installs DIR's pinned packages (npm ci) unless PACKAGE
# is there already; one install at a time across parallel tests.  Skips the
# whole script when node or the packages cannot be had.
npm_ready() {
  command -v node >/dev/null && command -v npm >/dev/null || skip_all "node and npm are needed"
  [ -f "$1/node_modules/$2/package.json" ] && return 0
  (
    flock 9
    [ -f "$1/node_modules/$2/package.json" ] ||
      (cd "$1" && npm ci --no-audit --no-fund --loglevel=error >&2)
  ) 9>"${TMPDIR:-/tmp}/runway-pipelines-npm.lock" || skip_all "npm ci failed in $1"
}

# json_query FILE EXPR: evaluates a JavaScript expression over FILE's JSON
# (a document, or one per line), bound to j; see tests/pipelines/json-query.js.
json_query() { node "$PIPELINE_TOOLS/json-query.js" "$1" "$2"; }

# json_expect FILE EXPR: fails (showing EXPR) unless EXPR is true over FILE.
json_expect() {
  if [ "$(json_query "$1" "$2")" != true ]; then
    echo "$1 does not satisfy: $2"
    return 1
  fi
}

# emf_lines FILE: the CloudWatch Embedded Metric Format lines runway printed.
emf_lines() { grep '^{"_aws"' "$1"; }
