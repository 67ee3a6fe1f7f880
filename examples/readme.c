#include <weft.h>

static int worker(void *arg) {
    (void)arg;
    return weft_sleep(WEFT_SEC);
}

static int main_task(void *arg) {
    (void)arg;
    weft_group g;
    weft_group_init(&g);
    weft_spawn(&g, "worker", worker, NULL);
    int rc = weft_group_join(&g);  /* waits for every task */
    weft_group_destroy(&g);
    return rc;
}

int main(void) { return weft_run(NULL, main_task, NULL); }
