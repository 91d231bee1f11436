# report.awk - turns the benchmark's results.tsv into docs/benchmarks.md:
# ratio tables, start-up, sizes and the targets with PASS/FAIL.
#
#   awk -v machine=FILE -v head=FILE -v tail=FILE -v elapsed=S -v quick=0|1 \
#       -f report.awk results.tsv
#
# results.tsv rows: db kind n op tool median_ms peak_rss_kb runs status;
# size rows: - - - size tool bytes stripped_bytes libraries tree_bytes.
BEGIN {
    FS = "\t"
    split("sqlite postgresql mysql", dborder, " ")
    split("ddl dml proc", kindorder, " ")
    split("dbmate sql-migrate sqitch", peerorder, " ")
    dbname["sqlite"] = "SQLite"; dbname["postgresql"] = "PostgreSQL"; dbname["mysql"] = "MariaDB"
    clientname["sqlite"] = "sqlite3"; clientname["postgresql"] = "psql"; clientname["mysql"] = "mariadb"
}

$4 == "size" {
    size_bin[$5] = $6; size_strip[$5] = $7; size_libs[$5] = $8; size_tree[$5] = $9
    size_full[$5] = $10
    sizes[++nsizes] = $5
    next
}
$4 == "startup" {
    st_ms[$5] = $6; st_rss[$5] = $7; st_runs[$5] = $8
    startups[++nstartups] = $5
    next
}
{
    key = $1 SUBSEP $2 SUBSEP $3
    if (!(key in seen)) { seen[key] = 1; sets[++nsets] = key }
    ms[key, $4, $5] = $6
    rss[key, $4, $5] = $7
    status[key, $4, $5] = $9
    if (!($3 in nseen)) { nseen[$3] = 1; ns[++nn] = $3 + 0 }
}

function cat_file(f,    line) {
    while ((getline line < f) > 0)
        print line
    close(f)
}

function val(key, op, tool) {
    if (!((key, op, tool) in ms))
        return ""
    if (status[key, op, tool] == "failed")
        return "failed"
    return ms[key, op, tool]
}

function num(v) { return v != "" && v != "failed" && v != "-" }

function fmt_ms(v) {
    if (v == "") return "–"
    if (!num(v)) return v
    if (v + 0 >= 1000) return sprintf("%.2f s", v / 1000)
    if (v + 0 >= 100) return sprintf("%.0f ms", v)
    return sprintf("%.1f ms", v)
}

function ratio(a, b) {
    if (!num(a) || !num(b) || b + 0 == 0) return "–"
    return sprintf("%.2f×", a / b)
}

function fmt_kb(v) {
    if (!num(v)) return "–"
    return sprintf("%.1f MB", v / 1024)
}

function fmt_bytes(v) {
    if (v >= 1048576) return sprintf("%.1f MB", v / 1048576)
    return sprintf("%.0f kB", v / 1024)
}

# Sets in a fixed order: database, kind, N.
function ordered_sets(    d, k, i, j, key, n) {
    n = 0
    for (d = 1; d <= 3; d++)
        for (k = 1; k <= 3; k++)
            for (i = 1; i <= nn; i++)
                for (j = 1; j <= nsets; j++) {
                    split(sets[j], p, SUBSEP)
                    if (p[1] == dborder[d] && p[2] == kindorder[k] && p[3] + 0 == nsorted[i])
                        order[++n] = sets[j]
                }
    return n
}

function sort_sizes(    i, j, t) {
    for (i = 1; i <= nn; i++) nsorted[i] = ns[i]
    for (i = 1; i <= nn; i++)
        for (j = i + 1; j <= nn; j++)
            if (nsorted[j] < nsorted[i]) { t = nsorted[i]; nsorted[i] = nsorted[j]; nsorted[j] = t }
}

# The same without the column separators, for text inside one cell.
function cell_label(key,    p) {
    split(key, p, SUBSEP)
    return dbname[p[1]] " " p[2] " " commas(p[3])
}

function set_label(key,    p) {
    split(key, p, SUBSEP)
    return dbname[p[1]] " | " p[2] " | " commas(p[3])
}

function op_table(op, title, client_label,    i, key, p, c, r, line, best, b, t) {
    print "### " title
    print ""
    print "| database | kind | N | " client_label " | runway | runway / client | dbmate | sql-migrate | sqitch | fastest peer / runway |"
    print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"
    for (i = 1; i <= norder; i++) {
        key = order[i]
        split(key, p, SUBSEP)
        c = val(key, op, "client"); r = val(key, op, "runway")
        line = "| " set_label(key) " | " fmt_ms(c) " | " fmt_ms(r) " | " ratio(r, c)
        best = ""
        for (t = 1; t <= 3; t++) {
            b = val(key, op, peerorder[t])
            line = line " | " fmt_ms(b)
            if (num(b) && (best == "" || b + 0 < best + 0)) best = b
        }
        print line " | " ratio(best, r) " |"
    }
    print ""
}

function rss_table(    i, key, line, t) {
    print "### Peak RSS (largest of apply, no-op and info)"
    print ""
    print "| database | kind | N | client | runway | dbmate | sql-migrate | sqitch |"
    print "|---|---|--:|--:|--:|--:|--:|--:|"
    for (i = 1; i <= norder; i++) {
        key = order[i]
        line = "| " set_label(key) " | " fmt_kb(peak(key, "client")) " | " fmt_kb(peak(key, "runway"))
        for (t = 1; t <= 3; t++)
            line = line " | " fmt_kb(peak(key, peerorder[t]))
        print line " |"
    }
    print ""
}

function peak(key, tool,    m, o, v) {
    m = ""
    split("apply noop info", o, " ")
    for (v = 1; v <= 3; v++)
        if (((key, o[v], tool) in rss) && num(rss[key, o[v], tool]) &&
            (m == "" || rss[key, o[v], tool] + 0 > m + 0))
            m = rss[key, o[v], tool]
    return m
}

function startup_table(    i, n) {
    print "### Start-up (`--version`)"
    print ""
    print "| program | median | runs | peak RSS |"
    print "|---|--:|--:|--:|"
    for (i = 1; i <= nstartups; i++) {
        n = startups[i]
        print "| " n " | " fmt_ms(st_ms[n]) " | " st_runs[n] " | " fmt_kb(st_rss[n]) " |"
    }
    print ""
}

function size_table(    i, n) {
    print "### Binary and runtime file tree"
    print ""
    print "The runtime tree is the binary plus every shared library it loads (from `ldd`): what a"
    print "minimal container image must hold for it.  runway opens the PostgreSQL, MariaDB, HTTP"
    print "and crypto libraries only when a run needs them, so its tree is given for SQLite alone"
    print "and with every database and the AWS features."
    print ""
    print "| program | binary | stripped | libraries at start | runtime tree | runtime tree, all features |"
    print "|---|--:|--:|--:|--:|--:|"
    for (i = 1; i <= nsizes; i++) {
        n = sizes[i]
        print "| " n " | " fmt_bytes(size_bin[n]) " | " fmt_bytes(size_strip[n]) " | " size_libs[n] \
              " | " fmt_bytes(size_tree[n]) " | " fmt_bytes(size_full[n]) " |"
    }
    print ""
}

function verdict(ok) { return ok ? "PASS" : "FAIL" }

function target_row(name, measured, ok) {
    print "| " name " | " measured " | " verdict(ok) " |"
    any_target = 1
}

# Marginal cost per migration between two sizes, in ms.
function slope(key_lo, key_hi, n_lo, n_hi, op, tool,    a, b) {
    a = val(key_lo, op, tool); b = val(key_hi, op, tool)
    if (!num(a) || !num(b) || n_hi == n_lo) return ""
    return (b - a) / (n_hi - n_lo)
}

function targets(    i, key, p, c, r, worst, worstkey, ok, d, n1k, n10k, m, k, v, s1, s2, lo, mid, hi, line) {
    print "### Targets"
    print ""
    print "| target | measured | verdict |"
    print "|---|---|---|"
    # Apply-all within 1.2x of the client, over every set of 1,000 files or
    # more (at 10 files the fixed cost of connecting and checking the
    # history table is most of the time; the tables show those too).
    worst = 0
    for (i = 1; i <= norder; i++) {
        key = order[i]
        split(key, p, SUBSEP)
        if (p[3] + 0 < 1000) continue
        c = val(key, "apply", "client"); r = val(key, "apply", "runway")
        if (num(c) && num(r) && r / c > worst) { worst = r / c; worstkey = key }
    }
    if (worst > 0)
        target_row("apply-all within 1.2× of the database client (N ≥ 1,000)", \
                   sprintf("worst %.2f× (%s)", worst, cell_label(worstkey)), worst <= 1.2)
    # No-op rerun on SQLite: under 20 ms at 1,000 and 100 ms at 10,000, on
    # the dml sets (one table: the time is runway's own); the other kinds
    # are listed with what SQLite alone needs to open their schema.
    for (k = 1; k <= 2; k++) {
        n1k = k == 1 ? 1000 : 10000
        m = ""; line = ""
        for (i = 1; i <= norder; i++) {
            split(order[i], p, SUBSEP)
            if (p[1] != "sqlite" || p[3] + 0 != n1k) continue
            v = val(order[i], "noop", "runway")
            if (!num(v)) continue
            if (p[2] == "dml") m = v
            else line = line sprintf("; %s %s (client alone %s)", p[2], fmt_ms(v), \
                                     fmt_ms(val(order[i], "noop", "client")))
        }
        if (m != "")
            target_row(sprintf("no-op rerun at %s on SQLite under %d ms", commas(n1k), k == 1 ? 20 : 100), \
                       "dml " fmt_ms(m) line, m + 0 < (k == 1 ? 20 : 100))
    }
    # Peak RSS at the largest size, per database and command (apply, no-op,
    # info), with the database client's own peak at the smallest size: what
    # loading its client library and connecting costs before any migration.
    if (nsorted[nn] >= 10000) {
        split("apply noop info", o3, " ")
        line = ""; failed = ""
        for (d = 1; d <= 3; d++) {
            part = ""; floor = ""
            for (v = 1; v <= 3; v++) {
                m = ""
                for (i = 1; i <= norder; i++) {
                    split(order[i], p, SUBSEP)
                    if (p[1] != dborder[d]) continue
                    if (p[3] + 0 == nsorted[1] && ((order[i], "apply", "client") in rss) && \
                        num(rss[order[i], "apply", "client"]) && \
                        (floor == "" || rss[order[i], "apply", "client"] + 0 > floor + 0))
                        floor = rss[order[i], "apply", "client"]
                    if (p[3] + 0 != nsorted[nn]) continue
                    if (!(((order[i]), o3[v], "runway") in rss) || !num(rss[order[i], o3[v], "runway"])) continue
                    if (m == "" || rss[order[i], o3[v], "runway"] + 0 > m + 0) m = rss[order[i], o3[v], "runway"]
                }
                if (m == "") continue
                part = part sprintf("%s%s %s", part == "" ? "" : ", ", o3[v] == "noop" ? "no-op" : o3[v], fmt_kb(m))
                if (m + 0 >= 10240 && index(failed, dbname[dborder[d]]) == 0)
                    failed = failed (failed == "" ? "" : ", ") dbname[dborder[d]]
            }
            if (part == "") continue
            if (floor != "")
                part = part sprintf(" (the client alone at %s files: %s)", commas(nsorted[1]), fmt_kb(floor))
            line = line (line == "" ? "" : "; ") dbname[dborder[d]] ": " part
        }
        if (line != "") {
            print "| peak RSS under 10 MB at " commas(nsorted[nn]) " migrations | " line " | " \
                  (failed == "" ? "PASS" : "FAIL on " failed) " |"
            any_target = 1
        }
    }
    if ("runway" in st_ms)
        target_row("start-up under 5 ms", fmt_ms(st_ms["runway"]), st_ms["runway"] + 0 < 5)
    # Linear cost: ten times the files may take at most 1.25 times ten times
    # as long (fixed costs make it less), or 1.25 times the client's own
    # growth where the database itself is not linear.  Anything quadratic
    # in runway would show as a factor near 100.
    if (nn >= 2) {
        mid = nsorted[nn - 1]; hi = nsorted[nn]
        line = ""; ok = 1
        for (d = 1; d <= 3; d++)
            for (k = 1; k <= 3; k++) {
                key = dborder[d] SUBSEP kindorder[k]
                split("apply noop", o2, " ")
                for (v = 1; v <= 2; v++) {
                    s1 = val(key SUBSEP mid, o2[v], "runway")
                    s2 = val(key SUBSEP hi, o2[v], "runway")
                    if (!num(s1) || !num(s2) || s1 <= 0) continue
                    c = 1.25 * hi / mid
                    s1c = val(key SUBSEP mid, o2[v], "client")
                    s2c = val(key SUBSEP hi, o2[v], "client")
                    if (o2[v] == "apply" && num(s1c) && num(s2c) && s1c > 0 && 1.25 * s2c / s1c > c)
                        c = 1.25 * s2c / s1c
                    line = line sprintf("%s%s %s %s ×%.1f", line == "" ? "" : "; ", dbname[dborder[d]], \
                                        kindorder[k], o2[v] == "noop" ? "no-op" : o2[v], s2 / s1)
                    if (s2 / s1 > c) ok = 0
                }
            }
        if (line != "")
            target_row("cost linear in N (time at " commas(hi) " files over the time at " commas(mid) \
                       ": linear gives ×" sprintf("%d", hi / mid) " or less, the check allows ×" \
                       sprintf("%.1f", 1.25 * hi / mid) ")", line, ok)
    }
    print ""
}

END {
    sort_sizes()
    norder = ordered_sets()
    cat_file(head)
    print "## Machine"
    print ""
    cat_file(machine)
    print ""
    print "## Results"
    print ""
    if (quick == 1)
        print "Quick mode (`BENCH_QUICK=1`): small sets and few runs, a smoke test only.\n"
    print "Medians of repeated runs (counts in `docs/benchmarks.tsv`); the whole run took " \
          sprintf("%d min %d s", elapsed / 60, elapsed % 60) ". Columns with no number were not run at that size."
    print ""
    targets()
    op_table("apply", "Apply all migrations to an empty database", "client (floor)")
    op_table("noop", "No-op rerun (everything applied)", "client reads history")
    op_table("info", "info / status", "client reads history")
    rss_table()
    startup_table()
    size_table()
    cat_file(tail)
}

# 10000 -> "10,000" (not every awk knows printf's ' flag).
function commas(n,    s) {
    s = sprintf("%d", n)
    while (s ~ /[0-9][0-9][0-9][0-9]/)
        sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
    return s
}
