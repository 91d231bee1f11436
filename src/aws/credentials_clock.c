/*
 * credentials_clock.c - the time requests are signed with.  AWS refuses a
 * signature more than 5 (15 for some services) minutes away from its own
 * clock; a runner whose clock drifted would fail every call.  When AWS says
 * so, the offset to the Date of its answer is learnt, as the SDKs do, and
 * every later signature in the process uses the corrected time.  Also the
 * two time formats AWS answers with.
 */
#include "aws/credentials.h"

#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static _Atomic long long clock_offset_s;

time_t aws_clock_now(void)
{
    return time(NULL) + (time_t)atomic_load(&clock_offset_s);
}

void aws_clock_reset(void)
{
    atomic_store(&clock_offset_s, 0);
}

static bool contains_ci(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++)
        if (strncasecmp(s, needle, n) == 0) return true;
    return false;
}

/* The error codes and wordings AWS services use when the signing time is off. */
static bool is_skew_error(const char *code, const char *message)
{
    static const char *const skew_codes[] = {"RequestTimeTooSkewed", "RequestExpired",
                                             "RequestInTheFuture"};
    for (size_t i = 0; i < sizeof skew_codes / sizeof skew_codes[0]; i++)
        if (strcmp(code, skew_codes[i]) == 0) return true;
    bool signature_error = strcmp(code, "SignatureDoesNotMatch") == 0 ||
                           strcmp(code, "InvalidSignatureException") == 0 ||
                           strcmp(code, "AuthFailure") == 0;
    return signature_error && message &&
           (contains_ci(message, "Signature expired") ||
            contains_ci(message, "Signature not yet current") || contains_ci(message, "skew"));
}

bool aws_clock_skew_learn(const char *code, const char *message, const char *date_header)
{
    if (!code || !date_header || !is_skew_error(code, message)) return false;
    time_t server = aws_parse_http_date(date_header);
    if (server == -1) return false;
    atomic_store(&clock_offset_s, (long long)(server - time(NULL)));
    return true;
}

static int month_index(const char *name)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12; i++)
        if (strncmp(months + 3 * i, name, 3) == 0) return i;
    return -1;
}

/* struct tm (UTC) to time_t, -1 for fields out of range. */
static time_t utc_time(int year, int month, int day, int hour, int min, int sec)
{
    if (year < 1970 || month < 0 || month > 11 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
        min < 0 || min > 59 || sec < 0 || sec > 60)
        return -1;
    struct tm tm = {.tm_year = year - 1900, .tm_mon = month, .tm_mday = day, .tm_hour = hour,
                    .tm_min = min, .tm_sec = sec};
    return timegm(&tm);
}

time_t aws_parse_http_date(const char *s)
{
    char weekday[4], month[4], zone[4];
    int day, year, hour, min, sec, used = 0;
    if (!s || sscanf(s, "%3[A-Za-z], %d %3[A-Za-z] %d %d:%d:%d %3[A-Z]%n", weekday, &day, month,
                     &year, &hour, &min, &sec, zone, &used) != 8 ||
        strcmp(zone, "GMT") != 0 || s[used] != '\0')
        return -1;
    return utc_time(year, month_index(month), day, hour, min, sec);
}

time_t aws_parse_iso8601(const char *s)
{
    int year, month, day, hour, min, sec, used = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &min, &sec,
                     &used) != 6 || used != 19)
        return -1;
    const char *rest = s + used;
    if (*rest == '.') {
        rest++;
        if (!isdigit((unsigned char)*rest)) return -1;
        while (isdigit((unsigned char)*rest)) rest++;
    }
    if (strcmp(rest, "Z") != 0 && strcmp(rest, "+00:00") != 0) return -1;
    return utc_time(year, month - 1, day, hour, min, sec);
}
