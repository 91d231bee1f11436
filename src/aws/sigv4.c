/*
 * sigv4.c - AWS Signature Version 4 on OpenSSL's SHA-256 and HMAC.
 *
 * canonical request = METHOD \n URI \n QUERY \n HEADERS \n SIGNED-NAMES \n HEX(SHA256(body))
 * string to sign    = AWS4-HMAC-SHA256 \n amzdate \n scope \n HEX(SHA256(canonical request))
 * signing key       = HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request"
 */
#include "aws/sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

static const char HEX[] = "0123456789abcdef";

static void hex_encode(const unsigned char *in, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = HEX[in[i] >> 4];
        out[2 * i + 1] = HEX[in[i] & 15];
    }
    out[2 * len] = '\0';
}

void sigv4_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data ? data : (const void *)"", len, md);
    hex_encode(md, sizeof md, out);
}

static void hmac_sha256(const void *key, size_t key_len, const char *msg, unsigned char out[32])
{
    unsigned int out_len = 32;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, strlen(msg), out, &out_len);
}

void sigv4_signing_key(const char *secret, const char *date8, const char *region,
                       const char *service, unsigned char out[32])
{
    char *k_secret = xasprintf("AWS4%s", secret);
    unsigned char k_date[32], k_region[32], k_service[32];
    hmac_sha256(k_secret, strlen(k_secret), date8, k_date);
    OPENSSL_cleanse(k_secret, strlen(k_secret));
    free(k_secret);
    hmac_sha256(k_date, 32, region, k_region);
    hmac_sha256(k_region, 32, service, k_service);
    hmac_sha256(k_service, 32, "aws4_request", out);
}

void sigv4_uri_encode(strbuf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            sb_addc(out, (char)c);
        else
            sb_addf(out, "%%%02X", c);
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes %XX escapes (a query string as sent may already be encoded). */
static char *uri_decode(const char *s, size_t len, size_t *out_len)
{
    char *out = xmalloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out[n++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    *out_len = n;
    return out;
}

/* One query parameter, re-encoded canonically. */
typedef struct query_param {
    char *key;
    char *value;
} query_param;

static int query_param_cmp(const void *a, const void *b)
{
    const query_param *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : strcmp(x->value, y->value);
}

static char *encode_component(const char *s, size_t len)
{
    size_t raw_len;
    char *raw = uri_decode(s, len, &raw_len);
    strbuf sb = STRBUF_INIT;
    sigv4_uri_encode(&sb, raw, raw_len);
    free(raw);
    return sb_detach(&sb);
}

/* Parses "a=1&b=2" into params (appending to *params / *n). */
static void query_parse(const char *query, query_param **params, size_t *n)
{
    const char *p = query;
    while (p && *p) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0) {
            const char *eq = memchr(p, '=', len);
            size_t klen = eq ? (size_t)(eq - p) : len;
            *params = xrealloc(*params, (*n + 1) * sizeof **params);
            (*params)[*n].key = encode_component(p, klen);
            (*params)[*n].value = eq ? encode_component(eq + 1, len - klen - 1) : xstrdup("");
            (*n)++;
        }
        p = end ? end + 1 : NULL;
    }
}

/* The canonical query: every parameter encoded, sorted by key then value. */
static char *query_canonical(query_param *params, size_t n)
{
    strbuf sb = STRBUF_INIT;
    rw_sort(params, n, sizeof *params, query_param_cmp);
    for (size_t i = 0; i < n; i++)
        sb_addf(&sb, "%s%s=%s", i ? "&" : "", params[i].key, params[i].value);
    return sb_detach(&sb);
}

static void query_free(query_param *params, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(params[i].key);
        free(params[i].value);
    }
    free(params);
}

static void query_add(query_param **params, size_t *n, const char *key, const char *value)
{
    *params = xrealloc(*params, (*n + 1) * sizeof **params);
    strbuf sb = STRBUF_INIT;
    sigv4_uri_encode(&sb, value, strlen(value));
    (*params)[*n].key = xstrdup(key);
    (*params)[*n].value = sb_detach(&sb);
    (*n)++;
}

/* A header to sign: lower-case name, value trimmed with inner whitespace runs collapsed. */
typedef struct sign_header {
    char *name;
    char *value;
} sign_header;

static int sign_header_cmp(const void *a, const void *b)
{
    return strcmp(((const sign_header *)a)->name, ((const sign_header *)b)->name);
}

static char *header_value_normalize(const char *v)
{
    strbuf sb = STRBUF_INIT;
    bool space = false;
    while (*v == ' ' || *v == '\t') v++;
    for (; *v; v++) {
        if (*v == ' ' || *v == '\t') {
            space = true;
            continue;
        }
        if (space && sb.len) sb_addc(&sb, ' ');
        space = false;
        sb_addc(&sb, *v);
    }
    return sb_detach(&sb);
}

static void headers_add(sign_header **hs, size_t *n, const char *name, size_t name_len,
                        const char *value)
{
    *hs = xrealloc(*hs, (*n + 1) * sizeof **hs);
    char *lower = xstrndup(name, name_len);
    for (char *p = lower; *p; p++) *p = (char)tolower((unsigned char)*p);
    (*hs)[*n].name = lower;
    (*hs)[*n].value = header_value_normalize(value);
    (*n)++;
}

/*
 * Builds the canonical header block and the signed-names list.  Headers with
 * the same name are merged with commas, in the order given, as AWS does.
 */
static void headers_canonical(sign_header *hs, size_t n, strbuf *block, strbuf *names)
{
    /* A stable sort keeps repeated headers in their original order. */
    for (size_t i = 1; i < n; i++) {
        sign_header tmp = hs[i];
        size_t j = i;
        while (j > 0 && sign_header_cmp(&hs[j - 1], &tmp) > 0) {
            hs[j] = hs[j - 1];
            j--;
        }
        hs[j] = tmp;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(hs[i].name, hs[i - 1].name) == 0) {
            block->len--; /* drop the newline, append ",value" */
            sb_addf(block, ",%s\n", hs[i].value);
            continue;
        }
        sb_addf(block, "%s:%s\n", hs[i].name, hs[i].value);
        sb_addf(names, "%s%s", names->len ? ";" : "", hs[i].name);
    }
}

static void headers_free(sign_header *hs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(hs[i].name);
        free(hs[i].value);
    }
    free(hs);
}

static void format_dates(time_t when, char amz_date[17], char date8[9])
{
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(amz_date, 17, "%Y%m%dT%H%M%SZ", &tm);
    memcpy(date8, amz_date, 8);
    date8[8] = '\0';
}

/* Signs canonical_request (already built) into sig: string to sign and signature. */
static void sign_canonical(sigv4_signature *sig, const char *secret, const sigv4_scope *scope,
                           const char *date8)
{
    char creq_hash[65];
    sigv4_sha256_hex(sig->canonical_request, strlen(sig->canonical_request), creq_hash);
    sig->string_to_sign = xasprintf("AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s",
                                    sig->amz_date, date8, scope->region, scope->service,
                                    creq_hash);
    unsigned char key[32], mac[32];
    sigv4_signing_key(secret, date8, scope->region, scope->service, key);
    hmac_sha256(key, sizeof key, sig->string_to_sign, mac);
    OPENSSL_cleanse(key, sizeof key);
    hex_encode(mac, sizeof mac, sig->signature);
}

static char *canonical_request(const sigv4_request *req, const char *query, const char *headers,
                               const char *names)
{
    char body_hash[65];
    sigv4_sha256_hex(req->body, req->body ? req->body_len : 0, body_hash);
    const char *path = req->path && *req->path ? req->path : "/";
    return xasprintf("%s\n%s\n%s\n%s\n%s\n%s", req->method, path, query, headers, names, body_hash);
}

void sigv4_sign_headers(const sigv4_request *req, const aws_credentials *creds,
                        const sigv4_scope *scope, sigv4_signature *sig)
{
    char date8[9];
    memset(sig, 0, sizeof *sig);
    format_dates(scope->when, sig->amz_date, date8);

    sign_header *hs = NULL;
    size_t nh = 0;
    bool has_token_header = false;
    headers_add(&hs, &nh, "host", 4, req->host);
    for (size_t i = 0; req->headers && i < req->headers->len; i++) {
        const char *line = req->headers->items[i];
        const char *colon = strchr(line, ':');
        if (!colon) continue;
        headers_add(&hs, &nh, line, (size_t)(colon - line), colon + 1);
        if (strcmp(hs[nh - 1].name, "x-amz-security-token") == 0) has_token_header = true;
    }
    headers_add(&hs, &nh, "x-amz-date", 10, sig->amz_date);
    if (creds->session_token && !has_token_header)
        headers_add(&hs, &nh, "x-amz-security-token", 20, creds->session_token);

    strbuf block = STRBUF_INIT, names = STRBUF_INIT;
    headers_canonical(hs, nh, &block, &names);
    headers_free(hs, nh);

    query_param *qp = NULL;
    size_t nq = 0;
    query_parse(req->query, &qp, &nq);
    char *query = query_canonical(qp, nq);
    query_free(qp, nq);

    sig->canonical_request = canonical_request(req, query, sb_str(&block), sb_str(&names));
    free(query);
    sign_canonical(sig, creds->secret_access_key, scope, date8);
    sig->signed_headers = sb_detach(&names);
    sb_free(&block);
    sig->authorization = xasprintf(
        "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, Signature=%s",
        creds->access_key_id, date8, scope->region, scope->service, sig->signed_headers,
        sig->signature);
}

void sigv4_presign(const sigv4_request *req, const aws_credentials *creds,
                   const sigv4_scope *scope, int expires_seconds, sigv4_signature *sig)
{
    char date8[9];
    memset(sig, 0, sizeof *sig);
    format_dates(scope->when, sig->amz_date, date8);

    query_param *qp = NULL;
    size_t nq = 0;
    query_parse(req->query, &qp, &nq);
    char *credential = xasprintf("%s/%s/%s/%s/aws4_request", creds->access_key_id, date8,
                                 scope->region, scope->service);
    char expires[24];
    snprintf(expires, sizeof expires, "%d", expires_seconds);
    query_add(&qp, &nq, "X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    query_add(&qp, &nq, "X-Amz-Credential", credential);
    query_add(&qp, &nq, "X-Amz-Date", sig->amz_date);
    query_add(&qp, &nq, "X-Amz-Expires", expires);
    if (creds->session_token) query_add(&qp, &nq, "X-Amz-Security-Token", creds->session_token);
    query_add(&qp, &nq, "X-Amz-SignedHeaders", "host");
    free(credential);
    char *query = query_canonical(qp, nq);
    query_free(qp, nq);

    sign_header *hs = NULL;
    size_t nh = 0;
    headers_add(&hs, &nh, "host", 4, req->host);
    strbuf block = STRBUF_INIT, names = STRBUF_INIT;
    headers_canonical(hs, nh, &block, &names);
    headers_free(hs, nh);

    sig->canonical_request = canonical_request(req, query, sb_str(&block), sb_str(&names));
    sign_canonical(sig, creds->secret_access_key, scope, date8);
    sig->signed_headers = sb_detach(&names);
    sb_free(&block);
    sig->query = xasprintf("%s&X-Amz-Signature=%s", query, sig->signature);
    free(query);
}

void sigv4_signature_free(sigv4_signature *sig)
{
    free(sig->signed_headers);
    free(sig->canonical_request);
    free(sig->string_to_sign);
    free(sig->authorization);
    free(sig->query);
    memset(sig, 0, sizeof *sig);
}

char *sigv4_rds_auth_token(const char *host, int port, const char *user,
                           const aws_credentials *creds, const char *region, time_t when)
{
    strbuf query = STRBUF_INIT;
    sb_adds(&query, "Action=connect&DBUser=");
    sigv4_uri_encode(&query, user, strlen(user));
    char *host_port = xasprintf("%s:%d", host, port);
    sigv4_request req = {.method = "GET", .host = host_port, .path = "/", .query = sb_str(&query)};
    sigv4_scope scope = {.region = region, .service = "rds-db", .when = when};
    sigv4_signature sig;
    sigv4_presign(&req, creds, &scope, 900, &sig);
    char *token = xasprintf("%s/?%s", host_port, sig.query);
    sigv4_signature_free(&sig);
    sb_free(&query);
    free(host_port);
    return token;
}
