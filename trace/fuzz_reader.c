/* trace/fuzz_reader.c: libFuzzer entry for the trace reader (`make
 * fuzz`): any bytes must parse or fail with a message, never crash, hang
 * or read out of bounds; a parsed trace's strings are all readable. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct trace_file t;
    char err[256];
    if (trace_parse(data, size, &t, err, sizeof err)) {
        if (!strstr(err, "byte ")) __builtin_trap(); /* must say where */
        return 0;
    }
    size_t total = strlen(trace_str(&t, t.strategy));
    for (size_t i = 0; i < t.nev; i++) {
        total += strlen(trace_str(&t, t.ev[i].str));
        total += strlen(trace_str(&t, t.ev[i].file));
        total += strlen(trace_kind_name(t.ev[i].kind));
    }
    trace_free(&t);
    return total == (size_t)-1;
}
