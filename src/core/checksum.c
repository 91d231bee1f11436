/*
 * checksum.c - Flyway's checksum.  Flyway reads the file line by line
 * (BufferedReader.readLine: \n, \r and \r\n end a line and are not part of
 * it), drops a BOM at the start of the first line, and feeds each line's
 * UTF-8 bytes to one running CRC-32 with no separator.  Since lines are
 * re-encoded as UTF-8, feeding the original bytes between terminators is
 * equivalent once the input is known to be valid UTF-8.
 */
#include "core/checksum.h"

#include <zlib.h>

size_t checksum_utf8_invalid_offset(const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and values above U+10FFFF are invalid. */
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += need + 1;
    }
    return (size_t)-1;
}

int checksum_compute(const char *data, size_t len, int32_t *out, size_t *bad_offset)
{
    size_t bad = checksum_utf8_invalid_offset(data, len);
    if (bad != (size_t)-1) {
        if (bad_offset)
            *bad_offset = bad;
        return -1;
    }
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        i = 3;
    uLong crc = crc32(0L, Z_NULL, 0);
    size_t start = i;
    while (i < len) {
        if (s[i] == '\n' || s[i] == '\r') {
            if (i > start)
                crc = crc32(crc, s + start, (uInt)(i - start));
            i++;
            start = i;
        } else {
            i++;
        }
    }
    if (i > start)
        crc = crc32(crc, s + start, (uInt)(i - start));
    *out = (int32_t)(uint32_t)crc;
    return 0;
}
