/*
 * A Lambda invocation's event, as the runtime receives it: JSON that is a
 * plain event (overrides checked strictly) or a CloudFormation custom
 * resource request (ResourceProperties as overrides, unknown keys ignored).
 */
#include <jansson.h>

#include "aws/lambda.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *event = json_loadb((const char *)data, size, 0, NULL);
    if (!json_is_object(event)) {
        json_decref(event);
        return 0;
    }
    rw_config *cfg = config_new();
    rw_err e;
    rw_err_clear(&e);
    int rc;
    if (aws_lambda_is_cfn_event(event)) {
        static const char *const ignore[] = {"command", "ServiceToken", NULL};
        json_t *props = json_object_get(event, "ResourceProperties");
        rc = json_is_object(props) ? aws_lambda_apply_overrides(cfg, props, ignore, true, &e)
                                   : RW_OK;
    } else {
        static const char *const ignore[] = {"command", NULL};
        rc = aws_lambda_apply_overrides(cfg, event, ignore, false, &e);
    }
    if (rc != RW_OK)
        FUZZ_CHECK(e.msg[0] != '\0');
    config_free(cfg);
    json_decref(event);
    return 0;
}
