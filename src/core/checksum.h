/*
 * checksum.h - Flyway's migration checksum: CRC-32 over the UTF-8 bytes of
 * every line (terminators excluded, a leading BOM dropped), as signed int32.
 */
#ifndef RUNWAY_CHECKSUM_H
#define RUNWAY_CHECKSUM_H

#include "core/util.h"

/*
 * Computes the checksum of data.  Returns 0, or -1 when the bytes are not
 * valid UTF-8, with *bad_offset set to the offending byte's offset.
 */
int checksum_compute(const char *data, size_t len, int32_t *out, size_t *bad_offset);
/* The same for data already known to be valid UTF-8 (skips the second check). */
int32_t checksum_compute_valid(const char *data, size_t len);
/* Returns the byte offset of the first invalid UTF-8 sequence, or (size_t)-1. */
size_t checksum_utf8_invalid_offset(const char *data, size_t len);

#endif
