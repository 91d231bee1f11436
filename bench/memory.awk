# memory.awk - turns bench/memory.sh's rows into a Markdown section: peak
# RSS per runway command next to the database client's, with the targets.
#
#   awk -f bench/memory.awk rows.tsv
#
# Rows: db kind n op tool ms rss_kb runs status, op one of mem-apply,
# mem-floor, mem-noop, mem-info, mem-info-json, mem-validate, mem-check,
# noop-floor, noop-time.
BEGIN {
    FS = "\t"
    dbname["sqlite"] = "SQLite"; dbname["postgresql"] = "PostgreSQL"; dbname["mysql"] = "MariaDB"
    clientname["sqlite"] = "sqlite3"; clientname["postgresql"] = "psql"; clientname["mysql"] = "mariadb"
    nops = split("mem-apply mem-noop mem-info mem-info-json mem-validate mem-check", ops, " ")
    split("migrate (apply)|migrate (no-op)|info|info (JSON)|validate|check", label, "|")
}
{
    if (!($1 in seen)) { seen[$1] = 1; dbs[++ndbs] = $1; kind[$1] = $2; n[$1] = $3 }
    rss[$1, $4] = $7
    ms[$1, $4] = $6
    status[$1, $4] = $9
}

function mb(kb) { return kb == "" || kb == "-" ? "–" : sprintf("%.1f MB", kb / 1024) }
function commas(v,    s) {
    s = v ""
    while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
    return s
}

END {
    print "### Peak memory at " commas(n[dbs[1]]) " migrations"
    print ""
    print "Peak RSS (`/usr/bin/time -f %M`, one sample each) of each command over a set of"
    print commas(n[dbs[1]]) " " kind[dbs[1]] " migrations, next to the database's own client reading the"
    print "whole history table (the floor). Target: at most 10 MB, or at most the client's"
    print "peak + 2 MB where the client alone needs more."
    print ""
    hdr = "| database | client (floor) |"
    rule = "|---|--:|"
    for (i = 1; i <= nops; i++) { hdr = hdr " " label[i] " |"; rule = rule "--:|" }
    print hdr " target |"
    print rule ":-:|"
    for (d = 1; d <= ndbs; d++) {
        db = dbs[d]
        floor = rss[db, "mem-floor"]
        limit = 10240
        if (floor != "" && floor + 2048 > limit) limit = floor + 2048
        line = "| " dbname[db] " | " clientname[db] " " mb(floor) " |"
        verdict = "PASS"
        for (i = 1; i <= nops; i++) {
            v = rss[db, ops[i]]
            if (status[db, ops[i]] != "ok" || v == "" || v == "-") { line = line " failed |"; verdict = "FAIL"; continue }
            line = line " " mb(v) " |"
            if (v + 0 > limit) verdict = "FAIL"
        }
        print line " " verdict " (≤ " mb(limit) ") |"
    }
    print ""
    print "The no-op rerun against its floor (the client reading the history, then"
    print "`cat` reading every file; medians of 10 runs). Target: within 1.3×."
    print ""
    print "| database | floor | runway migrate (no-op) | runway / floor | target |"
    print "|---|--:|--:|--:|:-:|"
    for (d = 1; d <= ndbs; d++) {
        db = dbs[d]
        f = ms[db, "noop-floor"]; r = ms[db, "noop-time"]
        if (f == "" || r == "") { print "| " dbname[db] " | – | – | – | – |"; continue }
        ratio = r / f
        printf "| %s | %.1f ms | %.1f ms | %.2f× | %s |\n", dbname[db], f, r, ratio, ratio <= 1.3 ? "PASS" : "FAIL"
    }
}
