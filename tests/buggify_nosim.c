/* tests/buggify_nosim.c: the macros of weft/buggify.h in a unit built
 * with -DWEFT_NO_SIM (a production build): constants the compiler can
 * fold, so they fire nowhere, not even in a sim run with every site
 * enabled (tests/check_buggify.c). */
#define WEFT_NO_SIM 1
#include <weft.h>

_Static_assert(WEFT_BUGGIFY() == 0, "WEFT_BUGGIFY is the constant 0");

int nosim_fires(void *arg);

int nosim_fires(void *arg) {
    int *fired = arg;
    for (int i = 0; i < 100; i++) {
        WEFT_COVER("nosim");
        *fired += WEFT_BUGGIFY();
    }
    return 0;
}
