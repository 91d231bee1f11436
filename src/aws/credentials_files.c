/*
 * credentials_files.c - the shared config and credentials files the AWS CLI
 * and SDKs read (~/.aws/config, ~/.aws/credentials): INI text, profiles,
 * and the credentials a profile stands for, static or assumed.
 */
#include "aws/credentials.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* How many source_profile hops a role may take before it is called circular. */
#define MAX_ROLE_CHAIN 5

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

void aws_shared_files_free(aws_shared_files *files)
{
    for (size_t i = 0; i < files->len; i++) {
        free(files->items[i].section);
        free(files->items[i].key);
        if (files->items[i].value) {
            /* Values include secret keys. */
            memset(files->items[i].value, 0, strlen(files->items[i].value));
            free(files->items[i].value);
        }
    }
    free(files->items);
    memset(files, 0, sizeof *files);
}

static void files_add(aws_shared_files *files, const char *section, char *key, char *value)
{
    if (files->len == files->cap) {
        files->cap = files->cap ? files->cap * 2 : 16;
        files->items = xrealloc(files->items, files->cap * sizeof *files->items);
    }
    aws_ini_entry *entry = &files->items[files->len++];
    entry->section = xstrdup(section);
    entry->key = key;
    entry->value = value;
}

/* Cuts a comment that starts with whitespace and then '#' or ';' (the SDKs' inline comments). */
static void cut_inline_comment(char *s)
{
    for (char *p = s; *p; p++) {
        if ((*p == '#' || *p == ';') && p > s && isspace((unsigned char)p[-1])) {
            *p = '\0';
            return;
        }
    }
}

/*
 * The profile a section header names, or NULL for sections that hold no
 * profile.  In the config file profiles are "[profile NAME]" or "[default]";
 * in the credentials file every section is a profile.
 */
static char *section_profile(char *header, bool is_config)
{
    char *name = rw_trim(header);
    if (!is_config) return *name ? xstrdup(name) : NULL;
    if (strcmp(name, "default") == 0) return xstrdup(name);
    if (strncmp(name, "profile", 7) != 0 || !isspace((unsigned char)name[7])) return NULL;
    name = rw_trim(name + 7);
    return *name ? xstrdup(name) : NULL;
}

void aws_shared_files_parse(aws_shared_files *files, const char *text, bool is_config)
{
    char *copy = xstrdup(text);
    char *section = NULL;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        /* An indented line continues a value or holds a sub-setting (s3 =\n  x = y): skipped. */
        if (isspace((unsigned char)*line)) continue;
        if (*line == '#' || *line == ';') continue;
        if (*line == '[') {
            char *close = strchr(line, ']');
            free(section);
            section = NULL;
            if (!close) continue;
            *close = '\0';
            section = section_profile(line + 1, is_config);
            continue;
        }
        char *eq = strchr(line, '=');
        if (!section || !eq) continue;
        *eq = '\0';
        char *value = eq + 1;
        cut_inline_comment(value);
        char *key = rw_trim(line);
        for (char *k = key; *k; k++) *k = (char)tolower((unsigned char)*k);
        if (*key) files_add(files, section, xstrdup(key), xstrdup(rw_trim(value)));
    }
    free(section);
    memset(copy, 0, strlen(text));
    free(copy);
}

/* The path a variable names ("~/" expanded), else $HOME/.aws/<name>; NULL when neither. */
static char *shared_file_path(const char *var, const char *name)
{
    const char *home = env_nonempty("HOME");
    const char *set = env_nonempty(var);
    if (set && rw_starts_with(set, "~/") && home) return xasprintf("%s%s", home, set + 1);
    if (set) return xstrdup(set);
    return home ? xasprintf("%s/.aws/%s", home, name) : NULL;
}

/* Reads one file into files; a file that does not exist is empty, not an error. */
static int shared_file_load(aws_shared_files *files, const char *var, const char *name,
                            bool is_config, rw_err *e)
{
    char *path = shared_file_path(var, name);
    struct stat st;
    if (!path || (stat(path, &st) != 0 && errno == ENOENT)) {
        free(path);
        return RW_OK;
    }
    strbuf text = STRBUF_INIT;
    int ret = rw_read_file(path, &text, e);
    if (ret == RW_OK) {
        aws_shared_files_parse(files, sb_str(&text), is_config);
    } else {
        rw_err_prefix(e, "%s: ", var);
    }
    if (text.buf) memset(text.buf, 0, text.len);
    sb_free(&text);
    free(path);
    return ret;
}

int aws_shared_files_load(aws_shared_files *files, rw_err *e)
{
    memset(files, 0, sizeof *files);
    int ret = shared_file_load(files, "AWS_SHARED_CREDENTIALS_FILE", "credentials", false, e);
    files->credentials_len = files->len;
    if (ret == RW_OK) ret = shared_file_load(files, "AWS_CONFIG_FILE", "config", true, e);
    return ret;
}

/* The last value for section/key among entries [from, to): later lines win. */
static const char *entries_get(const aws_shared_files *files, size_t from, size_t to,
                               const char *section, const char *key)
{
    for (size_t i = to; i > from; i--) {
        const aws_ini_entry *entry = &files->items[i - 1];
        if (strcmp(entry->section, section) == 0 && strcmp(entry->key, key) == 0)
            return entry->value;
    }
    return NULL;
}

const char *aws_profile_get(const aws_shared_files *files, const char *profile, const char *key)
{
    const char *v = entries_get(files, 0, files->credentials_len, profile, key);
    if (!v) v = entries_get(files, files->credentials_len, files->len, profile, key);
    return v && *v ? v : NULL;
}

bool aws_profile_exists(const aws_shared_files *files, const char *profile)
{
    for (size_t i = 0; i < files->len; i++)
        if (strcmp(files->items[i].section, profile) == 0) return true;
    return false;
}

const char *aws_profile_name(bool *explicit_name)
{
    const char *name = env_nonempty("AWS_PROFILE");
    if (!name) name = env_nonempty("AWS_DEFAULT_PROFILE");
    if (explicit_name) *explicit_name = name != NULL;
    return name ? name : "default";
}

/* aws_access_key_id + aws_secret_access_key (+ aws_session_token); false when absent. */
static int profile_static_keys(const aws_shared_files *files, const char *name,
                               aws_credentials *creds, bool *found, rw_err *e)
{
    const char *akid = aws_profile_get(files, name, "aws_access_key_id");
    const char *secret = aws_profile_get(files, name, "aws_secret_access_key");
    const char *token = aws_profile_get(files, name, "aws_session_token");
    *found = akid || secret;
    if (!*found) return RW_OK;
    if (!akid || !secret)
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: set both aws_access_key_id and "
                       "aws_secret_access_key", name);
    creds->access_key_id = xstrdup(akid);
    creds->secret_access_key = xstrdup(secret);
    creds->session_token = token ? xstrdup(token) : NULL;
    creds->expiration = 0;
    return RW_OK;
}

/* credential_source: where a role's source credentials come from instead of a profile. */
static int credential_source_load(const char *name, const char *source, aws_credentials *creds,
                                  rw_err *e)
{
    if (strcmp(source, "Environment") == 0) {
        if (aws_env_credentials(creds)) return RW_OK;
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: credential_source = Environment, but "
                       "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set", name);
    }
    if (strcmp(source, "Ec2InstanceMetadata") == 0) return aws_imds_credentials(creds, e);
    if (strcmp(source, "EcsContainer") == 0) return aws_container_credentials(creds, e);
    return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: credential_source = %s is not one of "
                   "Environment, Ec2InstanceMetadata, EcsContainer", name, source);
}

static int profile_resolve(const aws_shared_files *files, const char *name, int depth,
                           aws_credentials *creds, bool *found, rw_err *e);

/* The credentials role_arn is assumed with: source_profile or credential_source. */
static int role_source_credentials(const aws_shared_files *files, const char *name, int depth,
                                   aws_credentials *src, rw_err *e)
{
    const char *source_profile = aws_profile_get(files, name, "source_profile");
    const char *credential_source = aws_profile_get(files, name, "credential_source");
    if (source_profile && credential_source)
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: set source_profile or "
                       "credential_source, not both", name);
    if (credential_source) return credential_source_load(name, credential_source, src, e);
    if (!source_profile)
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: role_arn needs source_profile, "
                       "credential_source or web_identity_token_file", name);
    bool found = false;
    int ret;
    if (strcmp(source_profile, name) == 0) {
        /* A profile may name itself: its own static keys assume its role. */
        ret = profile_static_keys(files, name, src, &found, e);
    } else if (!aws_profile_exists(files, source_profile)) {
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: source_profile %s does not exist",
                       name, source_profile);
    } else {
        ret = profile_resolve(files, source_profile, depth + 1, src, &found, e);
    }
    if (ret == RW_OK && !found)
        ret = rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: source_profile %s holds no "
                      "credentials", name, source_profile);
    return ret;
}

/* role_arn: AssumeRoleWithWebIdentity with a token file, else AssumeRole signed by the source. */
static int profile_assume_role(const aws_shared_files *files, const char *name, const char *role,
                               int depth, aws_credentials *creds, rw_err *e)
{
    if (aws_profile_get(files, name, "mfa_serial"))
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: mfa_serial needs a code typed in; "
                       "runway runs unattended, so export the session's credentials instead "
                       "(aws configure export-credentials --format env)", name);
    const char *session = aws_profile_get(files, name, "role_session_name");
    const char *token_file = aws_profile_get(files, name, "web_identity_token_file");
    char *region = aws_sts_region(aws_profile_get(files, name, "region"));
    int ret;
    if (token_file) {
        ret = aws_sts_assume_role_with_web_identity(region, role, session, token_file, creds, e);
    } else {
        aws_credentials src = {0};
        ret = role_source_credentials(files, name, depth, &src, e);
        if (ret == RW_OK)
            ret = aws_sts_assume_role(region, &src, role, session,
                                      aws_profile_get(files, name, "external_id"),
                                      aws_profile_get(files, name, "duration_seconds"), creds, e);
        aws_credentials_free(&src);
    }
    free(region);
    return ret;
}

/* What a profile holds, in the SDKs' order: a role, static keys, then the kinds runway declines. */
static int profile_resolve(const aws_shared_files *files, const char *name, int depth,
                           aws_credentials *creds, bool *found, rw_err *e)
{
    *found = false;
    if (depth > MAX_ROLE_CHAIN)
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: source_profile goes round in a "
                       "circle or more than %d profiles deep", name, MAX_ROLE_CHAIN);
    const char *role = aws_profile_get(files, name, "role_arn");
    if (role) {
        *found = true;
        int ret = profile_assume_role(files, name, role, depth, creds, e);
        if (ret != RW_OK && depth == 0 && !rw_starts_with(e->msg, "profile "))
            rw_err_prefix(e, "profile %s: ", name);
        return ret;
    }
    int ret = profile_static_keys(files, name, creds, found, e);
    if (ret != RW_OK || *found) return ret;
    if (aws_profile_get(files, name, "credential_process")) {
        *found = true;
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: credential_process is not supported "
                       "(runway runs no commands for credentials); export them instead "
                       "(aws configure export-credentials --format env)", name);
    }
    if (aws_profile_get(files, name, "sso_session") || aws_profile_get(files, name, "sso_start_url")) {
        *found = true;
        return rw_fail(e, RW_ERR_CONFIGURATION, "profile %s: IAM Identity Center (SSO) profiles "
                       "are not supported; export the credentials instead "
                       "(aws configure export-credentials --format env)", name);
    }
    return RW_OK;
}

int aws_profile_credentials(const aws_shared_files *files, const char *profile,
                            aws_credentials *creds, bool *found, rw_err *e)
{
    return profile_resolve(files, profile, 0, creds, found, e);
}
