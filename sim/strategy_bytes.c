/* sim/strategy_bytes.c: the "bytes" strategy, so a coverage-guided
 * fuzzer searches schedules: each choice consumes one input byte and
 * takes the option that many places after the default, modulo the
 * number of options; past the input's end every choice takes the
 * default. So the empty input is the run without preemptions and a
 * zero byte changes nothing, as in a schedule string. The input is
 * "bytes:HEX" (two hex digits a byte), or, for plain "bytes", the bytes
 * a fuzz target installed on this thread (weft__bytes_feed). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "strategy.h"

struct bytes_state {
    uint8_t *data; /* owned copy */
    size_t size, pos;
};

static __thread const uint8_t *feed_data;
static __thread size_t feed_size;

void weft__bytes_feed(const uint8_t *data, size_t size) {
    feed_data = data;
    feed_size = size;
}

static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes params (hex) into b->data; -EINVAL when it is not hex. */
static int decode(struct bytes_state *b, const char *params) {
    size_t len = strlen(params);
    if (len % 2) return -EINVAL;
    b->size = len / 2;
    b->data = malloc(b->size ? b->size : 1);
    if (!b->data) return -ENOMEM;
    for (size_t i = 0; i < b->size; i++) {
        int hi = hex(params[2 * i]), lo = hex(params[2 * i + 1]);
        if (hi < 0 || lo < 0) return -EINVAL;
        b->data[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static int bytes_init(void **state, uint64_t seed, const char *params) {
    (void)seed;
    struct bytes_state *b = calloc(1, sizeof *b);
    if (!b) return -ENOMEM;
    int rc = 0;
    if (params) {
        rc = decode(b, params);
    } else if (feed_size) {
        b->data = malloc(feed_size);
        rc = b->data ? 0 : -ENOMEM;
        if (b->data) memcpy(b->data, feed_data, feed_size);
        b->size = b->data ? feed_size : 0;
    }
    if (rc) {
        free(b->data);
        free(b);
        return rc;
    }
    *state = b;
    return 0;
}

static size_t bytes_choose(void *state, const struct weft__choice *c) {
    struct bytes_state *b = state;
    size_t base = weft__choice_default(c);
    if (b->pos == b->size) return base;
    return (base + b->data[b->pos++]) % c->n;
}

static void bytes_fini(void *state) {
    struct bytes_state *b = state;
    free(b->data);
    free(b);
}

static int bytes_campaign_init(void **camp, const char *spec) {
    const char *params;
    weft__strategy_find(spec, &params);
    void *run;
    int rc = bytes_init(&run, 0, params);
    if (rc) return rc;
    bytes_fini(run);
    return weft__campaign_plain_init(camp, spec);
}

const struct weft__strategy_ops weft__strategy_bytes = {
    .name = "bytes",
    .init = bytes_init,
    .choose = bytes_choose,
    .fini = bytes_fini,
    .campaign_init = bytes_campaign_init,
    .next = weft__campaign_plain_next,
    .learn = weft__campaign_plain_learn,
    .describe = weft__campaign_plain_describe,
    .campaign_fini = weft__campaign_plain_fini,
};
