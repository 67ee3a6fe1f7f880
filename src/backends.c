/* src/backends.c: the backends built into this libweft, by id. The real
 * backend is always there; the simulator unless ./configure --disable-sim
 * (WEFT_SIM 0), so nothing outside this file and sim/ names it. */
#include "config.h"

#include "backend.h"

static const struct weft__backend_ops *const built_in[] = {
    [WEFT_BACKEND_REAL] = &weft__backend_epoll,
#if WEFT_SIM
    [WEFT_BACKEND_SIM] = &weft__backend_sim,
#endif
};

#define NBUILT (sizeof built_in / sizeof built_in[0])

const struct weft__backend_ops *weft__backend_find(int id) {
    if (id < 0 || (size_t)id >= NBUILT) return NULL;
    return built_in[id];
}

const struct weft__backend_ops *weft__backend_nth(size_t i) {
    return i < NBUILT ? built_in[i] : NULL;
}
