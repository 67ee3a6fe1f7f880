/* src/stack.c: slabs of task stacks (see stack.h for the layout).
 * Invariant: a stack is either in use by exactly one task or in the free
 * array, which has room for every carved stack; slabs stay mapped after
 * the pool's fini, as the thread's spare pool, until a pool of another
 * geometry or the thread's exit. The free stacks are described in an
 * array rather than linked through their own memory: with many tasks,
 * a link at the top of a stack last used long ago is a cache and TLB
 * miss for every spawn. */
#include "config.h"

#include "stack.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"
#include "weft/runtime.h"

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif
#if WEFT_ASAN
#include <sanitizer/asan_interface.h>
#endif

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102 /* Linux 6.13+; glibc 2.36's headers lack it */
#endif

#define SLAB_BYTES ((size_t)16 * 1024 * 1024)
#define COLOR_PAGES 16 /* top lowered by up to 15 pages ... */
#define COLOR_LINES 32 /* ... and 0-31 cache lines */

struct weft__slab {
    struct weft__slab *next;
    char *base;
    size_t len;
    size_t nstacks;
    size_t ncarved;  /* stacks handed out from this slab so far */
    size_t first;    /* pool-wide index of its first stack (colors) */
    bool guarded;
    unsigned vg_ids[]; /* valgrind stack ids, one per stack */
};

static size_t pretended_map_limit; /* tests: 0, or the limit to assume */
static bool pretended_no_light_guards; /* tests: as Linux before 6.13 */

void weft__stacks_pretend_map_limit(size_t n) { pretended_map_limit = n; }

void weft__stacks_pretend_no_light_guards(bool no) {
    pretended_no_light_guards = no;
}

/* Whether the kernel refuses to read the byte at p (write(2) fails with
 * EFAULT), without a signal. Cannot fail; false when unsure. */
static bool kernel_cannot_read(const void *p) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    bool refused = write(fds[1], p, 1) < 0 && errno == EFAULT;
    close(fds[0]);
    close(fds[1]);
    return refused;
}

/* One guard on a page of its own, then a read of it by the kernel: an
 * emulator may accept the advice and ignore it (qemu-user takes any
 * madvise for a hint), and a stack trusting such a guard would have
 * neither guard nor canary. */
static bool probe_light_guards(void) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *m = mmap(NULL, page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) return false;
    bool works = madvise(m, page, MADV_GUARD_INSTALL) == 0 &&
                 kernel_cannot_read(m);
    munmap(m, page);
    return works;
}

/* Probed once per process: a run after the first makes no system call. */
bool weft__stacks_have_light_guards(void) {
    static int known; /* 0 not yet, 1 yes, -1 no */
    int v = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (v) return v > 0;
    int saved = errno;
    v = probe_light_guards() ? 1 : -1;
    errno = saved;
    __atomic_store_n(&known, v, __ATOMIC_RELAXED);
    return v > 0;
}

/* The kernel's limit, read once per process: a run after the first
 * makes no system call. */
static size_t read_max_map_count(void) {
    static size_t kernel_limit;
    if (pretended_map_limit) return pretended_map_limit;
    size_t limit = __atomic_load_n(&kernel_limit, __ATOMIC_RELAXED);
    if (limit) return limit;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    unsigned long v = 65530;
    if (f) {
        if (fscanf(f, "%lu", &v) != 1) v = 65530;
        fclose(f);
    }
    __atomic_store_n(&kernel_limit, (size_t)v, __ATOMIC_RELAXED);
    return v;
}

/* The last pool of this thread, kept mapped after its runtime ended so
 * that the next runtime of the same geometry adopts it without a system
 * call (an explorer makes thousands of runs). Unmapped when a pool of
 * another geometry is made, and at thread exit. */
static __thread struct weft__stacks spare;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void unmap_slabs(struct weft__slab *s);

static void drop_spare(void *unused) {
    (void)unused;
    unmap_slabs(spare.slabs);
    free(spare.free);
    memset(&spare, 0, sizeof spare);
}

static void make_spare_key(void) { pthread_key_create(&spare_key, drop_spare); }

static bool adopt_spare(struct weft__stacks *p) {
    if (!spare.slabs) return false;
    if (spare.size != p->size || spare.stride != p->stride ||
        spare.guard_mode != p->guard_mode ||
        spare.guard_budget != p->guard_budget ||
        spare.light_guards != p->light_guards) {
        drop_spare(NULL);
        return false;
    }
    p->slabs = spare.slabs;
    p->free = spare.free;
    p->nfree = spare.nfree;
    p->ncarved = spare.ncarved;
    p->nguarded = spare.nguarded;
    memset(&spare, 0, sizeof spare);
    return true;
}

/* Page colors for stacks of size bytes: a quarter of the stack, 1 to
 * COLOR_PAGES pages (the last holds the line colors). Large stacks need
 * them most (a power-of-two size puts every top in the same cache sets);
 * small ones are many, and a span larger than the stack spreads them
 * over more pages and page-table lines than they fill: with 16 KiB
 * stacks, 16 pages of colors made the stride 84 KiB instead of 24 and
 * 100,000 sleeping tasks a third slower (docs/PERFORMANCE.md). */
static size_t color_pages(size_t size, size_t page) {
    size_t n = size / page / 4;
    return n < 1 ? 1 : n > COLOR_PAGES ? COLOR_PAGES : n;
}

void weft__stacks_init(struct weft__stacks *p, size_t size, int guard_mode) {
    memset(p, 0, sizeof *p);
    p->page = (size_t)sysconf(_SC_PAGESIZE);
    if (size == 0) size = WEFT_STACK_SIZE_DEFAULT;
    /* Checked by conf.c: far from SIZE_MAX, so rounding cannot wrap. */
    weft__assert(size >= WEFT_STACK_SIZE_MIN && size <= WEFT_STACK_SIZE_MAX);
    p->size = (size + p->page - 1) & ~(p->page - 1);
    p->color_pages = color_pages(p->size, p->page);
    p->stride = p->page + p->size + p->color_pages * p->page;
    p->guard_mode = guard_mode;
    /* Each guarded stack costs two mappings; keep 3/4 of the limit for
     * the rest of the process. */
    if (guard_mode == WEFT_STACK_GUARD_AUTO) {
        p->guard_budget = read_max_map_count() / 8;
    }
    p->light_guards =
        !pretended_no_light_guards && weft__stacks_have_light_guards();
    adopt_spare(p);
}

static void unregister_slab(struct weft__slab *s) {
#ifdef HAVE_VALGRIND_VALGRIND_H
    for (size_t i = 0; i < s->ncarved; i++) VALGRIND_STACK_DEREGISTER(s->vg_ids[i]);
#else
    (void)s;
#endif
}

static void unmap_slabs(struct weft__slab *s) {
    while (s) {
        struct weft__slab *next = s->next;
        unregister_slab(s);
        munmap(s->base, s->len);
        free(s);
        s = next;
    }
}

static void carve(const struct weft__stacks *p, const struct weft__slab *s,
                  size_t i, struct weft__stack *st);

/* Every stack ever carved is free now (the runtime ended; stacks of
 * tasks abandoned at a deadlock included): the pool becomes the spare. */
void weft__stacks_fini(struct weft__stacks *p) {
    drop_spare(NULL);
    spare = *p;
    spare.nfree = 0;
    for (struct weft__slab *s = p->slabs; s; s = s->next) {
        for (size_t i = 0; i < s->ncarved; i++) {
            carve(p, s, i, &spare.free[spare.nfree++]);
        }
    }
    pthread_once(&spare_once, make_spare_key);
    pthread_setspecific(spare_key, &spare); /* non-NULL: drop at exit */
    p->slabs = NULL;
    p->free = NULL;
    p->nfree = 0;
}

static bool want_guard(const struct weft__stacks *p, size_t n) {
    if (p->guard_mode == WEFT_STACK_GUARD_PAGE) return true;
    if (p->guard_mode == WEFT_STACK_GUARD_CANARY) return false;
    return p->nguarded + n <= p->guard_budget;
}

static void report_map_limit(void) {
    fprintf(stderr,
            "weft: the kernel refused a stack mapping (ENOMEM): too many "
            "tasks for vm.max_map_count (%zu) or memory. Raise it with "
            "'sysctl -w vm.max_map_count=N', use WEFT_STACK_GUARD_CANARY "
            "(one mapping per slab), or run fewer tasks.\n",
            read_max_map_count());
}

static int protect_guards(struct weft__slab *s, size_t stride, size_t page) {
    for (size_t i = 0; i < s->nstacks; i++) {
        if (mprotect(s->base + i * stride, page, PROT_NONE) != 0) {
            return -errno;
        }
    }
    return 0;
}

/* Lightweight guards: page-table markers that fault like PROT_NONE but
 * leave the slab one mapping. -EINVAL where the kernel refuses them
 * (memory mlocked since the probe). */
static int install_light_guards(struct weft__slab *s, size_t stride,
                                size_t page) {
    for (size_t i = 0; i < s->nstacks; i++) {
        if (madvise(s->base + i * stride, page, MADV_GUARD_INSTALL) != 0) {
            return -errno;
        }
    }
    return 0;
}

/* Puts a guard page under every stack of s where it costs no mapping (a
 * lightweight guard), else a PROT_NONE page while the mode and AUTO's
 * budget allow it, else none: those stacks rely on their canary words.
 * 0 or -errno. */
static int guard_slab(struct weft__stacks *p, struct weft__slab *s) {
    if (p->light_guards) {
        int rc = install_light_guards(s, p->stride, p->page);
        s->guarded = rc == 0;
        if (rc != -EINVAL) return rc;
        p->light_guards = false; /* guards a failed loop left are harmless */
    }
    if (!want_guard(p, s->nstacks)) return 0;
    int rc = protect_guards(s, p->stride, p->page);
    if (rc) return rc;
    s->guarded = true;
    p->nguarded += s->nstacks;
    return 0;
}

static int add_slab(struct weft__stacks *p) {
    size_t n = SLAB_BYTES / p->stride;
    if (n == 0) n = 1;
    /* room in the free array for every stack the slab will hold */
    struct weft__stack *fr = realloc(p->free, (p->ncarved + n) * sizeof *fr);
    if (!fr) return -ENOMEM;
    p->free = fr;
    struct weft__slab *s = calloc(1, sizeof *s + n * sizeof(unsigned));
    if (!s) return -ENOMEM;
    s->nstacks = n;
    s->len = n * p->stride;
    s->base = mmap(NULL, s->len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                   -1, 0);
    if (s->base == MAP_FAILED) goto fail_free;
    if (guard_slab(p, s) != 0) goto fail_unmap;
    s->first = p->ncarved;
    s->next = p->slabs;
    p->slabs = s;
    return 0;
fail_unmap:
    munmap(s->base, s->len);
fail_free:
    free(s);
    report_map_limit();
    return -ENOMEM;
}

/* A task that ended (or was abandoned at a deadlock) never returned from
 * its last frames, so ASan still has their redzones poisoned, on the
 * pooled stack or, after munmap, at the same addresses: clear them before
 * the stack hosts a new task. */
static void clear_poison(const struct weft__stack *st) {
#if WEFT_ASAN
    ASAN_UNPOISON_MEMORY_REGION(st->lo, (size_t)((char *)st->top - (char *)st->lo));
#else
    (void)st;
#endif
}


/* Stack i of slab s, with the color of its pool-wide index. */
static void carve(const struct weft__stacks *p, const struct weft__slab *s,
                  size_t i, struct weft__stack *st) {
    size_t k = s->first + i;
    size_t color = (k % p->color_pages) * p->page + (k * 7 % COLOR_LINES) * 64;
    st->lo = s->base + i * p->stride + p->page;
    st->top = (char *)st->lo + p->size + p->color_pages * p->page - color;
    st->size = p->size;
    st->slab = (struct weft__slab *)s;
    st->guarded = s->guarded;
}

int weft__stack_get_slow(struct weft__stacks *p, struct weft__stack *out) {
    if (p->nfree) { /* under ASan only */
        *out = p->free[--p->nfree];
        clear_poison(out);
        return 0;
    }
    if (!p->slabs || p->slabs->ncarved == p->slabs->nstacks) {
        int rc = add_slab(p);
        if (rc) return rc;
    }
    struct weft__slab *s = p->slabs;
    carve(p, s, s->ncarved, out);
#ifdef HAVE_VALGRIND_VALGRIND_H
    s->vg_ids[s->ncarved] = VALGRIND_STACK_REGISTER(out->lo, out->top);
#endif
    s->ncarved++;
    p->ncarved++;
    clear_poison(out);
    return 0;
}
