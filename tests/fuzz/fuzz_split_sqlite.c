/* The sqlite statement splitter on arbitrary migration text (split_check.h). */
#include "split_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_split(&sql_dialect_sqlite, data, size);
    return 0;
}
