/*
 * cmd_lint.c - runway lint: offline checks of the migration files, printed
 * as text, JSON, SARIF 2.1.0 (code scanning), JUnit XML (CI test reports),
 * GitLab Code Quality JSON or GitHub Actions workflow commands.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_info.h"
#include "cli/cmd.h"
#include "core/lint.h"
#include "core/report.h"
#include "db/db.h"

/* -dialect=, or the dialect of the url's driver. */
static const sql_dialect *lint_pick_dialect(rw_run *r)
{
    const char *name = config_get(r->cfg, "dialect");
    if (name && *name) {
        if (rw_str_ieq(name, "postgres") || rw_str_ieq(name, "pg"))
            name = "postgresql";
        else if (rw_str_ieq(name, "mariadb"))
            name = "mysql";
        const sql_dialect *d = sql_dialect_find(name);
        if (!d)
            rw_fail(&r->err, RW_ERR_CONFIGURATION,
                    "Unknown dialect '%s': use postgresql, mysql or sqlite", name);
        return d;
    }
    const db_ops *ops = db_find(config_get(r->cfg, "url"));
    if (!ops)
        rw_fail(&r->err, RW_ERR_CONFIGURATION,
                "runway lint needs the SQL dialect: set -dialect=postgresql, mysql or sqlite, or "
                "a url");
    return ops ? ops->dialect : NULL;
}

/* Paths below the current directory are shown relative to it. */
static const char *lint_display_path(const char *path, const char *cwd)
{
    size_t n = strlen(cwd);
    if (n && strncmp(path, cwd, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static json_t *lint_json(const lint_report *rep, const sql_dialect *d, const char *cwd)
{
    json_t *o = report_new("lint", NULL);
    json_object_set_new(o, "dialect", json_string(d->name));
    json_t *arr = json_array();
    for (size_t i = 0; i < rep->len; i++) {
        const lint_finding *f = &rep->items[i];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s}", "ruleId", f->rule->id,
                           "rule", f->rule->name, "severity",
                           lint_severity_name(f->rule->severity), "path",
                           lint_display_path(f->path, cwd), "line", f->line, "statementLine",
                           f->stmt_line, "endLine", f->end_line, "message", f->message));
    }
    json_object_set_new(o, "findings", arr);
    json_object_set_new(o, "errors", json_integer((json_int_t)lint_count(rep, LINT_ERROR)));
    json_object_set_new(o, "warnings", json_integer((json_int_t)lint_count(rep, LINT_WARNING)));
    json_object_set_new(o, "suppressed", json_integer((json_int_t)rep->suppressed));
    json_object_set_new(o, "filesChecked", json_integer((json_int_t)rep->files));
    json_object_set_new(o, "statements", json_integer((json_int_t)rep->statements));
    json_t *unc = json_array();
    for (size_t i = 0; i < rep->nunclassified; i++)
        json_array_append_new(unc, json_pack("{s:s, s:i, s:s}", "path",
                                             lint_display_path(rep->unclassified[i].path, cwd),
                                             "line", rep->unclassified[i].line, "text",
                                             rep->unclassified[i].text));
    json_object_set_new(o, "unclassified", unc);
    return o;
}

static const char *lint_sarif_level(lint_severity s)
{
    return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "note";
}

static json_t *lint_sarif(const lint_report *rep, const char *cwd)
{
    json_t *rules = json_array();
    for (const lint_rule *r = lint_rules(); r->id; r++)
        json_array_append_new(
            rules, json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}}", "id", r->id, "name",
                             r->name, "shortDescription", "text", r->summary, "fullDescription",
                             "text", r->summary, "defaultConfiguration", "level",
                             lint_sarif_level(r->severity)));
    json_t *results = json_array();
    for (size_t i = 0; i < rep->len; i++) {
        const lint_finding *f = &rep->items[i];
        int index = 0;
        for (const lint_rule *r = lint_rules(); r->id && r != f->rule; r++)
            index++;
        json_t *loc = json_pack("{s:{s:{s:s, s:s}, s:{s:i}}}", "physicalLocation",
                                "artifactLocation", "uri", lint_display_path(f->path, cwd),
                                "uriBaseId", "%SRCROOT%", "region", "startLine",
                                f->line > 0 ? f->line : 1);
        json_array_append_new(results,
                              json_pack("{s:s, s:i, s:s, s:{s:s}, s:[o]}", "ruleId", f->rule->id,
                                        "ruleIndex", index, "level",
                                        lint_sarif_level(f->rule->severity), "message", "text",
                                        f->message, "locations", loc));
    }
    json_t *run = json_pack("{s:{s:{s:s, s:s, s:o}}, s:o, s:{s:{s:s}}}", "tool", "driver", "name",
                            "runway", "version", RUNWAY_VERSION, "rules", rules, "results",
                            results, "originalUriBaseIds", "%SRCROOT%", "uri", "file:///");
    char *root = xasprintf("file://%s/", cwd);
    json_object_set_new(json_object_get(json_object_get(run, "originalUriBaseIds"), "%SRCROOT%"),
                        "uri", json_string(root));
    free(root);
    return json_pack("{s:s, s:s, s:[o]}", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
                     "version", "2.1.0", "runs", run);
}

static void lint_xml_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
                fputc(' ', out);
            else
                fputc(*s, out);
        }
    }
}

/* One testcase per file; error findings fail it, warnings go to system-out. */
static void lint_junit(FILE *out, const lint_report *rep, const char *cwd)
{
    size_t failed_files = 0;
    for (size_t p = 0; p < rep->paths.len; p++)
        for (size_t i = 0; i < rep->len; i++)
            if (strcmp(rep->items[i].path, rep->paths.items[p]) == 0 &&
                rep->items[i].rule->severity == LINT_ERROR) {
                failed_files++;
                break;
            }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"runway lint\" tests=\"%zu\" failures=\"%zu\">\n",
            rep->paths.len, failed_files);
    fprintf(out, "  <testsuite name=\"runway lint\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
            rep->paths.len, failed_files);
    for (size_t p = 0; p < rep->paths.len; p++) {
        const char *path = rep->paths.items[p];
        fputs("    <testcase classname=\"runway.lint\" name=\"", out);
        lint_xml_escape(out, lint_display_path(path, cwd));
        fputs("\">\n", out);
        strbuf warnings = STRBUF_INIT;
        for (size_t i = 0; i < rep->len; i++) {
            const lint_finding *f = &rep->items[i];
            if (strcmp(f->path, path) != 0)
                continue;
            char *text = xasprintf("%s:%d: %s %s: %s", lint_display_path(path, cwd), f->line,
                                   f->rule->id, f->rule->name, f->message);
            if (f->rule->severity == LINT_ERROR) {
                fputs("      <failure type=\"", out);
                lint_xml_escape(out, f->rule->id);
                fputs("\" message=\"", out);
                lint_xml_escape(out, f->message);
                fputs("\">", out);
                lint_xml_escape(out, text);
                fputs("</failure>\n", out);
            } else {
                sb_addf(&warnings, "%s%s", warnings.len ? "\n" : "", text);
            }
            free(text);
        }
        if (warnings.len) {
            fputs("      <system-out>", out);
            lint_xml_escape(out, warnings.buf);
            fputs("</system-out>\n", out);
        }
        sb_free(&warnings);
        fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
}

static void lint_text(FILE *out, const lint_report *rep, const char *cwd, bool verbose)
{
    for (size_t i = 0; i < rep->len; i++) {
        const lint_finding *f = &rep->items[i];
        fprintf(out, "%s:%d: %s %s (%s): %s\n", lint_display_path(f->path, cwd), f->line,
                lint_severity_name(f->rule->severity), f->rule->id, f->rule->name, f->message);
    }
    fprintf(out, "%zu error%s, %zu warning%s in %zu file%s", lint_count(rep, LINT_ERROR),
            lint_count(rep, LINT_ERROR) == 1 ? "" : "s", lint_count(rep, LINT_WARNING),
            lint_count(rep, LINT_WARNING) == 1 ? "" : "s", rep->files, rep->files == 1 ? "" : "s");
    if (rep->suppressed)
        fprintf(out, " (%zu suppressed)", rep->suppressed);
    fputc('\n', out);
    if (rep->nunclassified)
        fprintf(out, "%zu of %zu statement%s not classified, so no rule checked %s%s\n",
                rep->nunclassified, rep->statements, rep->statements == 1 ? "" : "s",
                rep->nunclassified == 1 ? "it" : "them",
                verbose ? ":" : " (-lintVerbose lists them)");
    for (size_t i = 0; verbose && i < rep->nunclassified; i++)
        fprintf(out, "%s:%d: not classified: %s\n",
                lint_display_path(rep->unclassified[i].path, cwd), rep->unclassified[i].line,
                rep->unclassified[i].text);
}

/* GitHub Actions workflow commands escape these in the message and in property values. */
static void lint_github_escape(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            fputc(*s, out);
    }
}

/* One "::error file=...,line=...,title=...::message" line per finding: annotations on the diff. */
static void lint_github(FILE *out, const lint_report *rep, const char *cwd)
{
    for (size_t i = 0; i < rep->len; i++) {
        const lint_finding *f = &rep->items[i];
        const char *cmd = f->rule->severity == LINT_ERROR     ? "error"
                          : f->rule->severity == LINT_WARNING ? "warning"
                                                              : "notice";
        fprintf(out, "::%s file=", cmd);
        lint_github_escape(out, lint_display_path(f->path, cwd), true);
        fprintf(out, ",line=%d", f->line);
        if (f->end_line > f->line)
            fprintf(out, ",endLine=%d", f->end_line);
        fputs(",title=", out);
        char *title = xasprintf("%s %s", f->rule->id, f->rule->name);
        lint_github_escape(out, title, true);
        free(title);
        fputs("::", out);
        lint_github_escape(out, f->message, false);
        fputc('\n', out);
    }
}

/* A stable id for a finding, so GitLab can tell new findings from fixed ones between runs. */
static char *lint_fingerprint(const lint_finding *f, const char *path)
{
    uint64_t h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    const char *parts[] = {f->rule->id, path, f->message};
    for (size_t p = 0; p < 3; p++)
        for (const char *c = parts[p]; ; c++) {
            for (int k = 0; k < 2; k++)
                h[k] = (h[k] ^ (unsigned char)*c) * (k ? 0x100000001b3ULL : 0x100000001b3ULL + 2);
            if (!*c)
                break;
        }
    return xasprintf("%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

/* GitLab Code Quality report: a JSON array of issues shown in merge requests. */
static json_t *lint_gitlab(const lint_report *rep, const char *cwd)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < rep->len; i++) {
        const lint_finding *f = &rep->items[i];
        const char *path = lint_display_path(f->path, cwd);
        const char *severity = f->rule->severity == LINT_ERROR     ? "major"
                               : f->rule->severity == LINT_WARNING ? "minor"
                                                                   : "info";
        char *fp = lint_fingerprint(f, path);
        char *desc = xasprintf("%s %s: %s", f->rule->id, f->rule->name, f->message);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:{s:i, s:i}}}", "type", "issue",
                           "check_name", f->rule->id, "description", desc, "fingerprint", fp,
                           "severity", severity, "location", "path", path, "lines", "begin",
                           f->line, "end", f->end_line > f->line ? f->end_line : f->line));
        free(fp);
        free(desc);
    }
    return arr;
}

static int lint_finding_cmp(const void *a, const void *b)
{
    const lint_finding *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* lintIgnore / lintEnable must name real rules: a typo would silently change nothing. */
static int lint_check_rule_list(rw_run *r, const char *setting, bool style_ok)
{
    strlist ids = {0};
    config_get_list(r->cfg, setting, &ids);
    int rc = RW_OK;
    for (size_t i = 0; i < ids.len && rc == RW_OK; i++)
        if (!lint_rule_find(ids.items[i]) && !(style_ok && rw_str_ieq(ids.items[i], "style")))
            rc = rw_fail(&r->err, RW_ERR_CONFIGURATION,
                         "Unknown rule '%s' in %s; see docs/lint.md for the rule ids",
                         ids.items[i], setting);
    strlist_free(&ids);
    return rc;
}

int cmd_lint(rw_run *r)
{
    const char *format = config_get(r->cfg, "lintFormat");
    static const char *const formats[] = {"text", "json", "sarif", "junit", "gitlab", "github",
                                          NULL};
    bool known = false;
    for (const char *const *f = formats; *f; f++)
        known |= rw_str_ieq(format, *f);
    if (!known)
        return rw_fail(&r->err, RW_ERR_CONFIGURATION,
                       "Invalid lintFormat '%s': use text, json, sarif, junit, gitlab or github",
                       format);
    const char *fail_on = config_get(r->cfg, "lintFailOn");
    if (!rw_str_ieq(fail_on, "error") && !rw_str_ieq(fail_on, "warning"))
        return rw_fail(&r->err, RW_ERR_CONFIGURATION,
                       "Invalid lintFailOn '%s': use error or warning", fail_on);
    if (lint_check_rule_list(r, "lintIgnore", false) != RW_OK ||
        lint_check_rule_list(r, "lintEnable", true) != RW_OK)
        return r->err.code;
    const sql_dialect *d = lint_pick_dialect(r);
    if (!d)
        return r->err.code;
    lint_report rep;
    int rc = lint_run(r->cfg, d, &rep, &r->err);
    if (rc != RW_OK)
        return rc;
    rw_sort(rep.items, rep.len, sizeof *rep.items, lint_finding_cmp);
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    r->report = lint_json(&rep, d, cwd);
    FILE *out = r->out ? r->out : stdout;
    if (rw_str_ieq(format, "json") && !r->json) {
        report_print_json(out, r->report);
    } else if (rw_str_ieq(format, "sarif")) {
        json_t *s = lint_sarif(&rep, cwd);
        report_print_json(out, s);
        json_decref(s);
    } else if (rw_str_ieq(format, "junit")) {
        lint_junit(out, &rep, cwd);
    } else if (rw_str_ieq(format, "gitlab")) {
        json_t *g = lint_gitlab(&rep, cwd);
        report_print_json(out, g);
        json_decref(g);
    } else if (rw_str_ieq(format, "github")) {
        lint_github(out, &rep, cwd);
    } else if (!r->json) {
        lint_text(out, &rep, cwd, config_get_bool(r->cfg, "lintVerbose"));
    }
    size_t errors = lint_count(&rep, LINT_ERROR), warnings = lint_count(&rep, LINT_WARNING);
    bool fail = errors || (rw_str_ieq(fail_on, "warning") && warnings);
    if (fail)
        rc = rw_fail(&r->err, RW_ERR_VALIDATE, "lint found %zu error%s and %zu warning%s", errors,
                     errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    lint_report_free(&rep);
    return rc;
}
