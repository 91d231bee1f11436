/*
 * An STS answer (or any XML): credentials come out whole or not at all,
 * an error answer gives a code, and decoded text is never longer than the
 * element it came from.
 */
#include "aws/credentials.h"
#include "aws/xml.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *xml = (const char *)data;
    aws_credentials creds = {0};
    rw_err e;
    rw_err_clear(&e);
    if (aws_sts_parse_credentials(xml, size, &creds, &e) == RW_OK) {
        FUZZ_CHECK(creds.access_key_id && *creds.access_key_id);
        FUZZ_CHECK(creds.secret_access_key && *creds.secret_access_key);
        FUZZ_CHECK(creds.session_token && *creds.session_token);
        FUZZ_CHECK(creds.expiration > 0);
    } else {
        FUZZ_CHECK(e.msg[0] != '\0' && creds.access_key_id == NULL);
    }
    aws_credentials_free(&creds);
    char *text = aws_sts_error_text(xml, size);
    FUZZ_CHECK(text == NULL || *text != '\0' || size > 0);
    free(text);
    aws_xml_span doc = {xml, size}, inner;
    if (aws_xml_find(doc, "Message", &inner)) {
        FUZZ_CHECK(inner.at >= xml && inner.at + inner.len <= xml + size);
        char *decoded = aws_xml_text(inner);
        FUZZ_CHECK(decoded == NULL || strlen(decoded) <= inner.len);
        free(decoded);
    }
    return 0;
}
