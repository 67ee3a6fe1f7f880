/* src/prng.h: xoshiro256** (Blackman and Vigna 2018) seeded through
 * splitmix64: the generator behind weft_random and the simulator's
 * choices. Small, fast and well studied; not for cryptography. */
#ifndef WEFT_PRNG_H
#define WEFT_PRNG_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t weft__splitmix64(uint64_t *x) {
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static inline void weft__xoshiro_seed(uint64_t s[4], uint64_t seed) {
    for (int i = 0; i < 4; i++) s[i] = weft__splitmix64(&seed);
}

static inline uint64_t weft__rotl(uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t weft__xoshiro_next(uint64_t s[4]) {
    uint64_t result = weft__rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = weft__rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n) by Lemire's multiply-shift (bias below 2^-32 for the
 * small n of scheduling choices). */
static inline size_t weft__xoshiro_below(uint64_t s[4], size_t n) {
    return (size_t)(((unsigned __int128)weft__xoshiro_next(s) * n) >> 64);
}

#endif
