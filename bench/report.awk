# report.awk - turns the benchmark's results.tsv into docs/benchmarks.md:
# ratio tables, start-up, sizes and the targets with PASS/FAIL.
#
#   awk -v machine=FILE -v head=FILE -v tail=FILE [-v notes=FILE] -v elapsed=S -v quick=0|1 \
#       -f report.awk results.tsv
#
# results.tsv rows: db kind n op tool median_ms peak_rss_kb runs status;
# size rows: - - - size tool bytes stripped_bytes libraries tree_bytes.
# Other ops: roundtrips (the count in the time column), latency and
# latency0 (the delay in the RSS column, then round trips per run and the
# proxy's mean lateness in us), mem_* (peak RSS of one command).
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
    ms[key, $4, $5] = $6
    rss[key, $4, $5] = $7
    status[key, $4, $5] = $9
    extra1[key, $4, $5] = $10
    extra2[key, $4, $5] = $11
    if ($4 == "latency" && !(key in lat_seen)) { lat_seen[key] = 1; lat_sets[++nlat] = key }
    if ($4 != "apply" && $4 != "noop" && $4 != "info") next
    if (!(key in seen)) { seen[key] = 1; sets[++nsets] = key }
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

# The fastest migration tool of a set (runway or a peer), "" when none ran.
function fastest_tool(key, op,    t, b, best, who) {
    best = val(key, op, "runway"); who = num(best) ? "runway" : ""
    for (t = 1; t <= 3; t++) {
        b = val(key, op, peerorder[t])
        if (num(b) && (who == "" || b + 0 < best + 0)) { best = b; who = peerorder[t] }
    }
    return who
}

# A time, in bold when its tool is the fastest migration tool of the set.
function fmt_mark(key, op, tool, fast) {
    return tool == fast ? "**" fmt_ms(val(key, op, tool)) "**" : fmt_ms(val(key, op, tool))
}

function op_table(op, title, client_label,    i, key, p, c, r, line, best, b, t, fast) {
    print "### " title
    print ""
    print "The fastest migration tool of each row is in bold (the client is the floor, not a tool)."
    print ""
    print "| database | kind | N | " client_label " | runway | runway / client | dbmate | sql-migrate | sqitch | fastest peer / runway |"
    print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|"
    for (i = 1; i <= norder; i++) {
        key = order[i]
        split(key, p, SUBSEP)
        fast = fastest_tool(key, op)
        c = val(key, op, "client"); r = val(key, op, "runway")
        line = "| " set_label(key) " | " fmt_ms(c) " | " fmt_mark(key, op, "runway", fast) " | " ratio(r, c)
        best = ""
        for (t = 1; t <= 3; t++) {
            b = val(key, op, peerorder[t])
            line = line " | " fmt_mark(key, op, peerorder[t], fast)
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

function targets(    i, key, p, c, r, worst, worstkey, ok, d, n1k, n10k, m, k, v, s1, s2, lo, mid, hi, line, limit) {
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
    peer_targets()
    latency_target()
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
    # info), with the database client's own peak on the same set (applying
    # it, reading its history): the floor where the client needs more.
    if (nsorted[nn] >= 10000) {
        split("apply noop info", o3, " ")
        line = ""; failed = ""
        for (d = 1; d <= 3; d++) {
            part = ""; floor = ""
            for (i = 1; i <= norder; i++) {
                split(order[i], p, SUBSEP)
                if (p[1] != dborder[d] || p[3] + 0 != nsorted[nn]) continue
                for (v = 1; v <= 3; v++)
                    if (((order[i], o3[v], "client") in rss) && num(rss[order[i], o3[v], "client"]) && \
                        (floor == "" || rss[order[i], o3[v], "client"] + 0 > floor + 0))
                        floor = rss[order[i], o3[v], "client"]
            }
            # 10 MB, or the client's own peak + 2 MB where the client alone needs more.
            limit = floor != "" && floor + 2048 > 10240 ? floor + 2048 : 10240
            for (v = 1; v <= 3; v++) {
                m = ""
                for (i = 1; i <= norder; i++) {
                    split(order[i], p, SUBSEP)
                    if (p[1] != dborder[d]) continue
                    if (p[3] + 0 != nsorted[nn]) continue
                    if (!(((order[i]), o3[v], "runway") in rss) || !num(rss[order[i], o3[v], "runway"])) continue
                    if (m == "" || rss[order[i], o3[v], "runway"] + 0 > m + 0) m = rss[order[i], o3[v], "runway"]
                }
                if (m == "") continue
                part = part sprintf("%s%s %s", part == "" ? "" : ", ", o3[v] == "noop" ? "no-op" : o3[v], fmt_kb(m))
                if (m + 0 > limit && index(failed, dbname[dborder[d]]) == 0)
                    failed = failed (failed == "" ? "" : ", ") dbname[dborder[d]]
            }
            if (part == "") continue
            if (floor != "")
                part = part sprintf(" (the client's own peak on the same set: %s)", fmt_kb(floor))
            line = line (line == "" ? "" : "; ") dbname[dborder[d]] ": " part
        }
        if (line != "") {
            print "| peak RSS at " commas(nsorted[nn]) " migrations ≤ 10 MB, or ≤ the client's + 2 MB | " line " | " \
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

# runway against the peers: the fastest tool in every set of 1,000 files
# or more that a peer ran, and within 1.1x of the fastest at 10 files.
function peer_targets(    i, key, p, fast, line, ok, r, b, t, worst, worstkey, wfast, cells) {
    line = ""; ok = 1; cells = 0
    for (i = 1; i <= norder; i++) {
        key = order[i]
        split(key, p, SUBSEP)
        if (p[3] + 0 < 1000) continue
        fast = fastest_tool(key, "apply")
        if (fast == "") continue
        if (!has_peer(key, "apply")) continue
        cells++
        if (fast != "runway") {
            ok = 0
            line = line sprintf("%s%s: %s %s, runway %s", line == "" ? "" : "; ", cell_label(key), \
                                fast, fmt_ms(val(key, "apply", fast)), fmt_ms(val(key, "apply", "runway")))
        }
    }
    if (cells > 0)
        target_row("runway the fastest migration tool at N ≥ 1,000 (apply, every set a peer ran)", \
                   ok ? sprintf("fastest in all %d sets", cells) : "behind in: " line, ok)
    worst = 0; cells = 0
    for (i = 1; i <= norder; i++) {
        key = order[i]
        split(key, p, SUBSEP)
        if (p[3] + 0 != 10 || !has_peer(key, "apply")) continue
        r = val(key, "apply", "runway")
        if (!num(r)) continue
        cells++
        for (t = 1; t <= 3; t++) {
            b = val(key, "apply", peerorder[t])
            if (num(b) && r / b > worst) { worst = r / b; worstkey = key; wfast = peerorder[t] }
        }
    }
    if (cells > 0)
        target_row("at N = 10 within 1.1× of the fastest migration tool (apply)", \
                   worst <= 1 ? sprintf("runway fastest in all %d sets", cells) : \
                   sprintf("worst %.2f× of %s (%s)", worst, wfast, cell_label(worstkey)), worst <= 1.1)
}

function has_peer(key, op,    t) {
    for (t = 1; t <= 3; t++)
        if (num(val(key, op, peerorder[t]))) return 1
    return 0
}

# The latency run's verdict: runway the fastest tool through the proxy.
function latency_target(    i, key, who, t, v, best, line, ok, tools) {
    if (nlat == 0) return
    split("runway dbmate sql-migrate", tools, " ")
    line = ""; ok = 1
    for (i = 1; i <= nlat; i++) {
        key = lat_sets[i]
        best = ""; who = ""
        for (t = 1; t <= 3; t++) {
            v = val(key, "latency", tools[t])
            if (num(v) && (who == "" || v + 0 < best + 0)) { best = v; who = tools[t] }
        }
        if (who == "") continue
        if (who != "runway") ok = 0
        line = line sprintf("%s%s: %s fastest%s", line == "" ? "" : "; ", cell_label(key), who, \
                            who == "runway" ? "" : sprintf(" (%s, runway %s)", fmt_ms(best), \
                                                           fmt_ms(val(key, "latency", "runway"))))
    }
    if (line != "")
        target_row("latency run (1 ms each way): runway the fastest migration tool", line, ok)
}

# Round trips per migration, counted by latproxy: the count at the larger
# of the two small sizes less the count at the smaller, over the difference
# in files (connecting and the history table's creation cancel out), and
# what is left at the smaller size as the fixed part.
function roundtrip_table(    d, k, lo, hi, i, t, tools, key_lo, key_hi, a, b, line, any, per) {
    lo = 10; hi = 100
    split("client runway runway-before dbmate sql-migrate sqitch", tools, " ")
    any = 0
    for (d = 2; d <= 3; d++)
        for (k = 1; k <= 3; k++)
            if (num(val(dborder[d] SUBSEP kindorder[k] SUBSEP lo, "roundtrips", "runway"))) any = 1
    if (!any) return
    print "### Round trips per migration"
    print ""
    print "Counted by `bench/latproxy` (a client burst after the server spoke is one round trip): each"
    print "tool applied the " commas(lo) "- and the " commas(hi) "-file sets once through it with no delay; per"
    print "migration is (count at " commas(hi) " − count at " commas(lo) ") / " hi - lo ", the fixed part (connect,"
    print "history table, locks) is what is left at " commas(lo) " files (where the " commas(hi) "-file set did not run: the" \
          " whole count at " commas(lo) "). " \
          (has_before ? "runway-before is the binary of the before/after section." : "")
    print ""
    print "| database | kind | client (floor) | runway | " (has_before ? "runway-before | " : "") "dbmate | sql-migrate | sqitch |"
    print "|---|---|--:|--:|" (has_before ? "--:|" : "") "--:|--:|--:|"
    for (d = 2; d <= 3; d++)
        for (k = 1; k <= 3; k++) {
            key_lo = dborder[d] SUBSEP kindorder[k] SUBSEP lo
            key_hi = dborder[d] SUBSEP kindorder[k] SUBSEP hi
            if (!num(val(key_lo, "roundtrips", "runway"))) continue
            line = "| " dbname[dborder[d]] " | " kindorder[k]
            for (t = 1; t <= 6; t++) {
                if (tools[t] == "runway-before" && !has_before) continue
                a = val(key_lo, "roundtrips", tools[t]); b = val(key_hi, "roundtrips", tools[t])
                # Without the larger set: the whole count at the smaller one.
                if (num(a) && !num(b)) { line = line sprintf(" | %d in all", a); continue }
                if (!num(a) || !num(b)) { line = line " | –"; continue }
                per = (b - a) / (hi - lo)
                line = line sprintf(" | %.2f (+%d)", per, a - per * lo + 0.5)
            }
            print line " |"
        }
    print ""
}

# The latency run: each tool's apply through latproxy, with no delay and
# with DELAY each way; runway's time over the client's, in round trips of
# 2 x DELAY per migration, next to what the proxy counted.
function latency_table(    i, key, p, t, tools, v, c, delay, line, n, rt, d0c, d0r, direct) {
    if (nlat == 0) return
    split("client runway runway-before dbmate sql-migrate", tools, " ")
    print "### Latency run"
    print ""
    key = lat_sets[1]
    delay = rss[key, "latency", "runway"]
    print "The apply from an empty database through `bench/latproxy`, which holds every chunk of data"
    print sprintf("%.0f ms", delay / 1000) " in each direction (a round trip costs " sprintf("%.0f ms", 2 * delay / 1000) \
          " more); runway's apply also through it with no delay, to set against its direct apply: what the proxy costs. *over the"
    print "floor* is (time − the client's time) / (2 × delay) / N: the round trips per migration a tool waits"
    print "for beyond the client's; *counted* is what the proxy counted per migration (connecting included)."
    print "The fastest migration tool is in bold. One run each; the proxy's mean lateness (how far after"
    print "its due time a chunk left) is in the last column."
    print ""
    print "| database | kind | N | tool | direct | proxy, no delay | proxy, " sprintf("%.0f ms", delay / 1000) " each way | over the floor | counted | lateness |"
    print "|---|---|--:|---|--:|--:|--:|--:|--:|--:|"
    for (i = 1; i <= nlat; i++) {
        key = lat_sets[i]
        split(key, p, SUBSEP)
        n = p[3] + 0
        c = val(key, "latency", "client")
        fast = ""; best = ""
        for (t = 2; t <= 5; t++) {
            if (tools[t] == "runway-before") continue
            v = val(key, "latency", tools[t])
            if (num(v) && (fast == "" || v + 0 < best + 0)) { best = v; fast = tools[t] }
        }
        for (t = 1; t <= 5; t++) {
            v = val(key, "latency", tools[t])
            if (v == "") continue
            direct = val(key, "apply", tools[t])
            line = "| " set_label(key) " | " tools[t] " | " fmt_ms(direct) " | " fmt_ms(val(key, "latency0", tools[t])) \
                   " | " (tools[t] == fast ? "**" fmt_ms(v) "**" : fmt_ms(v))
            if (num(v) && num(c) && tools[t] != "client")
                line = line sprintf(" | %+.2f", (v - c) / (2 * delay / 1000) / n)
            else
                line = line " | –"
            rt = extra1[key, "latency", tools[t]]
            line = line (num(v) && rt != "" ? sprintf(" | %.2f", rt / n) : " | –")
            line = line " | " (extra2[key, "latency", tools[t]] != "" ? extra2[key, "latency", tools[t]] " µs" : "–") " |"
            print line
        }
    }
    print ""
}

# Before and after: runway-before (BENCH_BEFORE) against runway, in the
# same run: the applies at 1,000 files, the round trips, the latency run
# and the peak RSS of each reading command at the largest size.
function before_after(    i, key, p, a, b, line, d, k, ops, v, names, lo, hi, ka, kb, pa, pb) {
    if (!has_before) return
    print "### Before and after"
    print ""
    print "*before* is runway built from " (before_label != "" ? before_label : "the earlier main") ", *after* the runway this page measures;"
    print "both ran in this same run, one after the other on the same sets, so the machine's drift"
    print "weighs on them alike."
    print ""
    print "| measure | database | kind | N | before | after | after / before |"
    print "|---|---|---|--:|--:|--:|--:|"
    for (i = 1; i <= norder; i++) {
        key = order[i]
        a = val(key, "apply", "runway-before"); b = val(key, "apply", "runway")
        if (!num(a) || !num(b)) continue
        print "| apply | " set_label(key) " | " fmt_ms(a) " | " fmt_ms(b) " | " ratio(b, a) " |"
    }
    lo = 10; hi = 100
    for (d = 2; d <= 3; d++)
        for (k = 1; k <= 3; k++) {
            ka = dborder[d] SUBSEP kindorder[k] SUBSEP lo
            kb = dborder[d] SUBSEP kindorder[k] SUBSEP hi
            if (num(val(ka, "roundtrips", "runway-before")) && num(val(ka, "roundtrips", "runway")) &&
                !num(val(kb, "roundtrips", "runway-before")))
                print "| round trips, whole apply | " set_label(ka) " | " val(ka, "roundtrips", "runway-before") \
                      " | " val(ka, "roundtrips", "runway") " | " \
                      ratio(val(ka, "roundtrips", "runway"), val(ka, "roundtrips", "runway-before")) " |"
            if (!num(val(kb, "roundtrips", "runway-before")) || !num(val(ka, "roundtrips", "runway-before"))) continue
            if (!num(val(kb, "roundtrips", "runway")) || !num(val(ka, "roundtrips", "runway"))) continue
            pa = (val(kb, "roundtrips", "runway-before") - val(ka, "roundtrips", "runway-before")) / (hi - lo)
            pb = (val(kb, "roundtrips", "runway") - val(ka, "roundtrips", "runway")) / (hi - lo)
            print "| round trips per migration | " dbname[dborder[d]] " | " kindorder[k] " | – | " \
                  sprintf("%.2f | %.2f | %s", pa, pb, ratio(pb, pa)) " |"
        }
    for (i = 1; i <= nlat; i++) {
        key = lat_sets[i]
        a = val(key, "latency", "runway-before"); b = val(key, "latency", "runway")
        if (!num(a) || !num(b)) continue
        print "| latency run | " set_label(key) " | " fmt_ms(a) " | " fmt_ms(b) " | " ratio(b, a) " |"
        split(key, p, SUBSEP)
        a = extra1[key, "latency", "runway-before"] / p[3]; b = extra1[key, "latency", "runway"] / p[3]
        print "| latency run: round trips per migration (counted) | " set_label(key) " | " \
              sprintf("%.2f | %.2f", a, b) " | " ratio(b, a) " |"
    }
    split("info info_json validate noop", ops, " ")
    names["info"] = "peak RSS, `info`"; names["info_json"] = "peak RSS, `info -outputType=json`"
    names["validate"] = "peak RSS, `validate`"; names["noop"] = "peak RSS, no-op `migrate`"
    for (v = 1; v <= 4; v++)
        for (i = 1; i <= norder; i++) {
            key = order[i]
            if (!((key, "mem_" ops[v], "runway") in rss)) continue
            a = rss[key, "mem_" ops[v], "runway-before"]; b = rss[key, "mem_" ops[v], "runway"]
            if (!num(a) || !num(b)) continue
            print "| " names[ops[v]] " | " set_label(key) " | " fmt_kb(a) " | " fmt_kb(b) " | " ratio(b, a) " |"
        }
    print ""
}

# Peak RSS of every reading command at the largest size (mem_* rows).
function memory_table(    i, key, ops, v, line, any) {
    split("info info_json validate noop", ops, " ")
    any = 0
    for (i = 1; i <= norder; i++)
        if ((order[i], "mem_info", "runway") in rss) any = 1
    if (!any) return
    print "### Peak RSS of runway's commands at the largest size"
    print ""
    print "| database | kind | N | `info` | `info -outputType=json` | `validate` | no-op `migrate` |"
    print "|---|---|--:|--:|--:|--:|--:|"
    for (i = 1; i <= norder; i++) {
        key = order[i]
        if (!((key, "mem_info", "runway") in rss)) continue
        line = "| " set_label(key)
        for (v = 1; v <= 4; v++)
            line = line " | " fmt_kb(rss[key, "mem_" ops[v], "runway"])
        print line " |"
    }
    print ""
}

END {
    sort_sizes()
    for (i = 1; i <= nsets; i++)
        if (num(val(sets[i], "apply", "runway-before")) || num(val(sets[i], "roundtrips", "runway-before"))) has_before = 1
    for (i = 1; i <= nlat; i++)
        if (num(val(lat_sets[i], "latency", "runway-before"))) has_before = 1
    norder = ordered_sets()
    cat_file(head)
    print "## Machine"
    print ""
    cat_file(machine)
    print ""
    if (notes != "")
        cat_file(notes)
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
    roundtrip_table()
    latency_table()
    before_after()
    rss_table()
    memory_table()
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
