/*
 * main.c - the runway command line: load the configuration, run each
 * command named on the command line, print results, exit 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/aws.h"
#include "cli/commands.h"
#include "cli/fleet.h"
#include "core/fleet.h"
#include "core/log.h"
#include "core/report.h"
#include "core/stop.h"

extern char **environ;


/* Suggests the closest command for a typo. */
static const char *main_closest_command(const char *name)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (const rw_command *c = command_table(); c->name; c++) {
        size_t d = rw_edit_distance(name, c->name);
        if (d < best_d) {
            best_d = d;
            best = c->name;
        }
    }
    return best;
}

static bool main_wants_json(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strstr(argv[i], "outputType=json") || strcmp(argv[i], "-json") == 0)
            return true;
    const char *env = getenv("FLYWAY_OUTPUT_TYPE");
    return env && strcmp(env, "json") == 0;
}

static void main_write_output_file(const char *path, json_t *v)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        log_error("Unable to write %s", path);
        return;
    }
    report_print_json(f, v);
    fclose(f);
}

/*
 * One command whose JSON goes only to stdout or -outputFile can write it as
 * it is produced: Step Functions and webhooks need the document whole.
 */
static bool main_can_stream(const rw_config *cfg, bool json)
{
    const char *of = config_get(cfg, "outputFile");
    const char *token = config_get(cfg, "sfnTaskToken");
    const char *url = config_get(cfg, "webhookUrl");
    return (json || (of && *of)) && !(token && *token) && !(url && *url);
}

/*
 * Runs one command with its report streamed to stdout (with JSON output)
 * and -outputFile: the same document main() prints for one command, but
 * info's and migrate's per-migration entries leave memory as they are made.
 */
static int main_run_streamed(rw_config *cfg, const rw_command *c, bool json)
{
    report_stream rs;
    report_stream_init(&rs);
    if (json)
        jsonw_add_sink(&rs.w, stdout);
    const char *of = config_get(cfg, "outputFile");
    FILE *file = NULL;
    if (of && *of) {
        file = fopen(of, "w");
        if (!file)
            log_error("Unable to write %s", of);
        jsonw_add_sink(&rs.w, file);
    }
    rw_run run = {.cfg = cfg, .json = json, .out = json ? NULL : stdout, .stream = &rs};
    /* Per-migration details cost memory at 10,000 migrations: build them only for readers. */
    run.summary_only = !json && !file;
    int64_t started = rw_now_ms();
    int exit_code = command_execute(c, &run);
    int64_t ran_ms = rw_now_ms() - started;
    if (exit_code != 0 && !json)
        log_error("%s", run.err.msg);
    rw_err ae;
    rw_err_clear(&ae);
    if (aws_report_result(cfg, c->name, run.report, exit_code == 0, ran_ms, &ae) != RW_OK &&
        exit_code == 0)
        exit_code = AWS_EXIT_NOT_PUBLISHED;
    report_stream_finish(&rs, run.report);
    if (file)
        fclose(file);
    json_decref(run.report);
    return stop_signal() ? stop_exit_code() : exit_code;
}

/* -color=always|never|auto; auto means a terminal and no NO_COLOR (https://no-color.org). */
static void main_set_color(const rw_config *cfg)
{
    const char *color = config_get(cfg, "color");
    const char *no_color = getenv("NO_COLOR");
    bool on = rw_str_ieq(color, "always") ||
              (rw_str_ieq(color, "auto") && isatty(STDERR_FILENO) && !(no_color && *no_color));
    log_set_color(on);
}

/* runway new add users table: the words after "new" are its description, not commands. */
static void main_take_new_description(rw_config *cfg, strlist *commands)
{
    for (size_t i = 0; i < commands->len; i++) {
        if (strcmp(commands->items[i], "new") != 0)
            continue;
        strbuf sb = STRBUF_INIT;
        for (size_t k = i + 1; k < commands->len; k++) {
            sb_addf(&sb, "%s%s", sb.len ? " " : "", commands->items[k]);
            free(commands->items[k]);
        }
        commands->len = i + 1;
        config_set_raw(cfg, "newDescription", sb_str(&sb), CFG_SRC_CLI);
        sb_free(&sb);
        return;
    }
}

int main(int argc, char **argv)
{
    rw_err se;
    rw_err_clear(&se);
    if (stop_init(&se) != RW_OK)
        fprintf(stderr, "WARNING: %s; signals will end runway without clean-up\n", se.msg);
    if (aws_lambda_requested(environ) || (argc > 1 && strcmp(argv[1], "lambda") == 0))
        return aws_lambda_main(argc, argv, environ);

    rw_config *cfg = config_new();
    strlist commands = {0};
    rw_err e;
    rw_err_clear(&e);
    bool json = main_wants_json(argc, argv);
    if (config_load_all(cfg, argc, argv, environ, &commands, &e) != RW_OK) {
        report_print_error(json, &e);
        config_free(cfg);
        strlist_free(&commands);
        return 1;
    }
    const char *ot = config_get(cfg, "outputType");
    json = ot && rw_str_ieq(ot, "json");
    main_set_color(cfg);
    const char *lvl = config_get(cfg, "logLevel");
    if (lvl && strcmp(lvl, "debug") == 0)
        log_set_level(LOG_DEBUG);
    else if (config_get_bool(cfg, "quiet"))
        log_set_level(LOG_WARN);

    main_take_new_description(cfg, &commands);
    if (commands.len == 0) {
        fprintf(stderr, "runway: no command given. Try 'runway help'.\n");
        config_free(cfg);
        strlist_free(&commands);
        return 1;
    }
    for (size_t i = 0; i < commands.len; i++) {
        if (!command_find(commands.items[i])) {
            const char *near = main_closest_command(commands.items[i]);
            rw_fail(&e, RW_ERR_CONFIGURATION, "Invalid command: %s%s%s%s. Run 'runway help'.",
                    commands.items[i], near ? " (did you mean '" : "", near ? near : "",
                    near ? "'?)" : "");
            report_print_error(json, &e);
            config_free(cfg);
            strlist_free(&commands);
            return 1;
        }
    }

    if (aws_report_check(cfg, &e) != RW_OK) {
        report_print_error(json, &e);
        config_free(cfg);
        strlist_free(&commands);
        return 1;
    }
    if (fleet_requested(cfg)) {
        int code = fleet_main(cfg, &commands, json, environ);
        config_free(cfg);
        strlist_free(&commands);
        return code;
    }

    if (commands.len == 1 && main_can_stream(cfg, json)) {
        int code = main_run_streamed(cfg, command_find(commands.items[0]), json);
        config_free(cfg);
        strlist_free(&commands);
        return code;
    }

    int exit_code = 0;
    json_t *results = json_array();
    for (size_t i = 0; i < commands.len && exit_code == 0; i++) {
        const rw_command *c = command_find(commands.items[i]);
        rw_run run = {.cfg = cfg, .json = json, .out = json ? NULL : stdout};
        /* Per-migration details cost memory at 10,000 migrations: build them only for readers. */
        run.summary_only = !json && !config_is_set(cfg, "outputFile") &&
                           !config_is_set(cfg, "sfnTaskToken") && !config_is_set(cfg, "webhookUrl") &&
                           !config_is_set(cfg, "snsTopicArn");
        aws_heartbeat *hb = NULL;
        if (aws_heartbeat_start(cfg, &hb, &e) != RW_OK) {
            report_print_error(json, &e);
            exit_code = 1;
            break;
        }
        int64_t started = rw_now_ms();
        exit_code = command_execute(c, &run);
        int64_t ran_ms = rw_now_ms() - started;
        aws_heartbeat_stop(hb);
        if (exit_code != 0 && !json)
            log_error("%s", run.err.msg);
        rw_err ae;
        rw_err_clear(&ae);
        if (aws_report_result(cfg, c->name, run.report, exit_code == 0, ran_ms, &ae) != RW_OK &&
            exit_code == 0)
            exit_code = AWS_EXIT_NOT_PUBLISHED;
        json_array_append_new(results, run.report);
        if (stop_signal())
            break;
    }
    json_t *out = json_array_size(results) == 1 ? json_incref(json_array_get(results, 0))
                                                : json_pack("{s:O}", "individualResults", results);
    if (json)
        report_print_json(stdout, out);
    const char *of = config_get(cfg, "outputFile");
    if (of && *of)
        main_write_output_file(of, out);
    json_decref(out);
    json_decref(results);
    config_free(cfg);
    strlist_free(&commands);
    return stop_signal() ? stop_exit_code() : exit_code;
}
