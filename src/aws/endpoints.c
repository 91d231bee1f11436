/*
 * endpoints.c - resolves a service's base URL the way the AWS SDKs do:
 * AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the regional
 * default.
 */
#include "aws/endpoints.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const aws_service aws_secrets_manager = {
    "Secrets Manager", "SECRETS_MANAGER", "secretsmanager", "secretsmanager", "secretsmanager", "1.1", NULL,
};

const aws_service aws_step_functions = {
    "Step Functions", "SFN", "states", "states", "AWSStepFunctions", "1.0", NULL,
};

const aws_service aws_sns = {
    "SNS", "SNS", "sns", "sns", NULL, NULL, "2010-03-31",
};

static bool overrides_ignored(void)
{
    const char *v = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    bool ignored = false;
    return v && rw_parse_bool(v, &ignored) == 0 && ignored;
}

static char *without_trailing_slash(const char *url)
{
    char *copy = xstrdup(url);
    size_t n = strlen(copy);
    while (n > 0 && copy[n - 1] == '/') copy[--n] = '\0';
    return copy;
}

char *aws_endpoint_url(const aws_service *svc, const char *region)
{
    if (!overrides_ignored()) {
        char *name = xasprintf("AWS_ENDPOINT_URL_%s", svc->env_id);
        const char *specific = getenv(name);
        free(name);
        if (specific && *specific) return without_trailing_slash(specific);
        const char *global = getenv("AWS_ENDPOINT_URL");
        if (global && *global) return without_trailing_slash(global);
    }
    const char *suffix = rw_starts_with(region, "cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    return xasprintf("https://%s.%s.%s", svc->endpoint_prefix, region, suffix);
}
