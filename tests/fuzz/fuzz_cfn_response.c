/*
 * The CloudFormation custom resource response: for any request and any
 * failure reason (the part after the first NUL byte, else none), the body
 * is JSON that fits CloudFormation's 4096-byte limit whenever the request's
 * own identifiers leave room.
 */
#include <jansson.h>

#include "aws/lambda.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t event_len = nul ? (size_t)(nul - data) : size;
    json_t *event = json_loadb((const char *)data, event_len, 0, NULL);
    if (!json_is_object(event) || !aws_lambda_is_cfn_event(event)) {
        json_decref(event);
        return 0;
    }
    char *reason = nul ? fuzz_text(nul + 1, size - event_len - 1) : NULL;
    json_t *result = json_pack("{s:s}", "SchemaVersion", "1");
    for (int success = 0; success <= 1; success++) {
        char *body = aws_lambda_cfn_response(event, success, success ? NULL : reason, result);
        FUZZ_CHECK(body != NULL);
        json_t *doc = json_loads(body, 0, NULL);
        FUZZ_CHECK(json_is_object(doc));
        char *without = aws_lambda_cfn_response(event, success, NULL, result);
        if (strlen(without) <= 4096)
            FUZZ_CHECK(strlen(body) <= 4096);
        free(without);
        json_decref(doc);
        free(body);
    }
    json_decref(result);
    free(reason);
    json_decref(event);
    return 0;
}
