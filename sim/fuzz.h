/* sim/fuzz.h: the bytes strategy's input (sim/strategy_bytes.c), set
 * by a fuzz target (sim/fuzz.c) for the runs of the calling thread. */
#ifndef WEFT_SIM_FUZZ_H
#define WEFT_SIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The input "bytes" (without parameters) reads in the next runs of this
 * thread; borrowed: it must live until those runs began. */
void weft__bytes_feed(const uint8_t *data, size_t size);

#endif
