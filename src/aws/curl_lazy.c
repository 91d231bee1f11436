/*
 * curl_lazy.c - the libcurl functions the AWS integration calls, loading
 * libcurl on first use (see core/lazylib.h): runs that never talk HTTP do
 * not pay for libcurl and its TLS, LDAP and SSH libraries.
 */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <stdarg.h>
#include <stddef.h>

#include "core/lazylib.h"

/* The header's pass-through macros would rename the definitions below. */
#undef curl_easy_setopt
#undef curl_easy_getinfo

static lazy_lib curl_lib = LAZY_LIB("libcurl.so.4", "libcurl4", "AWS and HTTP features");

#define CURL_CALL(fail, name, ...) LAZY_CALL(curl_lib, fail, name, __VA_ARGS__)
#define CURL_CALL_VOID(name, ...) LAZY_CALL_VOID(curl_lib, name, __VA_ARGS__)

CURLcode curl_global_init(long flags) { CURL_CALL(CURLE_FAILED_INIT, curl_global_init, flags); }

CURL *curl_easy_init(void)
{
    LAZY_FN(curl_lib, curl_easy_init);
    return f_ ? f_() : NULL;
}

/*
 * The value's type follows from the option's number range, as libcurl
 * itself reads it: long, object pointer, function pointer, curl_off_t,
 * blob pointer.
 */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
    LAZY_FN(curl_lib, curl_easy_setopt);
    if (!f_)
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, option);
    CURLcode rc;
    if (option < CURLOPTTYPE_OBJECTPOINT)
        rc = f_(curl, option, va_arg(ap, long));
    else if (option < CURLOPTTYPE_FUNCTIONPOINT || option >= CURLOPTTYPE_BLOB)
        rc = f_(curl, option, va_arg(ap, void *));
    else if (option < CURLOPTTYPE_OFF_T)
        rc = f_(curl, option, va_arg(ap, void (*)(void)));
    else
        rc = f_(curl, option, va_arg(ap, curl_off_t));
    va_end(ap);
    return rc;
}

/* Every CURLINFO takes one pointer to the result. */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
    LAZY_FN(curl_lib, curl_easy_getinfo);
    if (!f_)
        return CURLE_FAILED_INIT;
    va_list ap;
    va_start(ap, info);
    void *out = va_arg(ap, void *);
    va_end(ap);
    return f_(curl, info, out);
}

CURLcode curl_easy_perform(CURL *curl) { CURL_CALL(CURLE_FAILED_INIT, curl_easy_perform, curl); }
void curl_easy_cleanup(CURL *curl) { CURL_CALL_VOID(curl_easy_cleanup, curl); }

const char *curl_easy_strerror(CURLcode code)
{
    CURL_CALL("libcurl.so.4 could not be loaded", curl_easy_strerror, code);
}

void curl_free(void *p) { CURL_CALL_VOID(curl_free, p); }

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data)
{
    CURL_CALL(NULL, curl_slist_append, list, data);
}

void curl_slist_free_all(struct curl_slist *list) { CURL_CALL_VOID(curl_slist_free_all, list); }

CURLU *curl_url(void)
{
    LAZY_FN(curl_lib, curl_url);
    return f_ ? f_() : NULL;
}

void curl_url_cleanup(CURLU *handle) { CURL_CALL_VOID(curl_url_cleanup, handle); }

CURLUcode curl_url_get(CURLU *handle, CURLUPart what, char **part, unsigned int flags)
{
    CURL_CALL(CURLUE_OUT_OF_MEMORY, curl_url_get, handle, what, part, flags);
}

CURLUcode curl_url_set(CURLU *handle, CURLUPart what, const char *part, unsigned int flags)
{
    CURL_CALL(CURLUE_OUT_OF_MEMORY, curl_url_set, handle, what, part, flags);
}
