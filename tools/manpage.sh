#!/bin/sh
# tools/manpage.sh RUNWAY: writes the manual page runway(1) on stdout, made
# from `runway help` (the command table, the settings table with defaults,
# the flags and the exit codes), so the page lists exactly what the binary
# knows.  The build runs it after linking; `make install` installs the page.
set -eu
bin=${1:?usage: tools/manpage.sh RUNWAY}
help=$("$bin" help)
version=$("$bin" version | awk 'NR == 1 { print $2 }')
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$(dirname "$0")/.." log -1 --format=%ct 2>/dev/null || echo 0)}" +%Y-%m-%d)

printf '%s\n' "$help" | awk -v version="$version" -v date="$date" '
# roff: backslashes doubled, hyphens and a leading dot or quote made literal.
function esc(s) {
    gsub(/\\/, "\\e", s)
    gsub(/-/, "\\-", s)
    sub(/^[.\047]/, "\\\\\\&&", s)
    return s
}
BEGIN {
    print ".TH RUNWAY 1 \"" date "\" \"runway " version "\" \"User Commands\""
    print ".SH NAME"
    print "runway \\- Flyway\\-compatible database schema migrations"
    print ".SH SYNOPSIS"
    print ".B runway"
    print "[\\fB\\-\\fIkey\\fB=\\fIvalue\\fR ...] \\fIcommand\\fR [\\fIcommand\\fR ...]"
    print ".SH DESCRIPTION"
}
/^Usage:/ { next }
/^Commands$/ { section = "cmd"; print ".SH COMMANDS"; next }
/^Options / {
    section = "opt"
    print ".SH SETTINGS"
    print "Every setting can be given as \\fB\\-\\fIkey\\fB=\\fIvalue\\fR on the command line,"
    print "as \\fBFLYWAY_\\fIKEY\\fR or \\fBRUNWAY_\\fIKEY\\fR in the environment (camelCase becomes"
    print "UPPER_SNAKE_CASE), or as \\fBflyway.\\fIkey\\fR or \\fBrunway.\\fIkey\\fR in"
    print "\\fIflyway.conf\\fR; Flyway settings use the \\fBflyway\\fR prefix, runway'"'"'s own"
    print "settings the \\fBrunway\\fR prefix. The command line beats the environment, which beats"
    print "the files. Defaults are in brackets; a key ending in a dot takes a suffix"
    print "(\\fB\\-placeholders.\\fIname\\fB=\\fIvalue\\fR)."
    next
}
/^Flags$/ { section = "flag"; print ".SH FLAGS"; next }
/^Exit status:/ { section = "exit"; print ".SH EXIT STATUS"; exitText = $0; next }
section == "exit" { exitText = exitText " " $0; next }
/^$/ { if (section == "") print ".PP"; next }
section == "" { print esc($0); next }
section == "cmd" || section == "opt" || section == "flag" {
    line = $0
    sub(/^ +/, "", line)
    name = line
    sub(/ .*/, "", name)
    text = substr(line, length(name) + 1)
    sub(/^ +/, "", text)
    print ".TP"
    if (section == "opt") print "\\fB\\-" esc(name) "\\fR"
    else print "\\fB" esc(name) "\\fR"
    print esc(text)
}
END {
    sub(/^Exit status: */, "", exitText)
    print esc(exitText)
    print ".SH FILES"
    print ".TP"
    print "\\fIINSTALLDIR\\fB/conf/flyway.conf\\fR, \\fB~/flyway.conf\\fR, \\fB./flyway.conf\\fR"
    print "Configuration read by default, lowest precedence first (\\fIflyway.toml\\fR files"
    print "instead when any exists). \\fIINSTALLDIR\\fR is the folder above \\fIbin/\\fR when runway"
    print "sits in a \\fIbin/\\fR folder (\\fI/usr/local\\fR for \\fI/usr/local/bin/runway\\fR), else"
    print "runway'"'"'s own folder (\\fI/flyway\\fR in the container image)."
    print ".SH SEE ALSO"
    print "The documents installed with runway (\\fIshare/doc/runway\\fR): configuration.md,"
    print "compatibility.md, aws.md, deploy.md."
}'
