/* trace/model.h: what weft-trace's views know of a run, rebuilt from a
 * parsed trace: its tasks, scopes and objects by id, and the wait-for
 * state (who waits on what, who holds what) at any event. */
#ifndef WEFT_TRACE_MODEL_H
#define WEFT_TRACE_MODEL_H

#include "idmap.h"
#include "reader.h"

struct m_task {
    uint32_t id;
    const char *name;
    uint32_t parent;     /* spawning task, 0: the root */
    uint32_t scope;      /* scope it hangs in (its group's), 0: none */
    const char *file;    /* the group's site */
    uint32_t line;
    bool exited;
    int64_t result;
    bool cancelled;      /* saw a cancellation */
    unsigned leaks;      /* objects it left */
    size_t nevents;
};

struct m_scope {
    uint32_t id;
    uint32_t owner;      /* task that entered it */
    uint32_t parent;     /* enclosing scope, 0: the owner's base */
    uint16_t flags;      /* WEFT_TRACE_SCOPE_* */
    const char *file;
    uint32_t line;
    uint16_t reason;     /* WEFT_TRACE_CANCEL_*, 0: not cancelled */
    uint32_t canceller;  /* task that cancelled it, 0: a timer */
    uint32_t shielded_from; /* a shield: the first scope whose
                               cancellation it stopped, 0: none */
    uint32_t group;      /* its group's object id (group scopes) */
};

struct m_object {
    uint32_t id;
    const char *kind;
    const char *file;
    uint32_t line;
    uint32_t holder;     /* lock owner at the replayed point */
    uint32_t scope;      /* a group's scope id */
};

#define MODEL_MAX_HOSTS 64 /* WEFT_SIM_MAX_HOSTS */

struct model {
    const struct trace_file *tf;
    struct m_task *tasks;
    size_t ntasks;
    struct m_scope *scopes;
    size_t nscopes;
    struct m_object *objects;
    size_t nobjects;
    struct weft__idmap task_ix, scope_ix, object_ix; /* id -> index */
    uint32_t *waits_on;  /* per task: object it is parked on, 0: none */
    const struct trace_event **waits_park; /* per task: its last park (what
                                              it waits in, where) */
    bool deadlock;       /* the trace holds a deadlock report */
    /* The simulated network's hosts (net-host records), by host id. */
    const char *host_text[MODEL_MAX_HOSTS]; /* "name address", or NULL */
    uint32_t host_super[MODEL_MAX_HOSTS];   /* its supervisor task */
    bool net;            /* the trace has network records */
};

/* Builds m from tf (borrowed), replaying events [0, upto): 0 or -ENOMEM. */
int model_build(struct model *m, const struct trace_file *tf, size_t upto);
void model_free(struct model *m);

struct m_task *model_task(const struct model *m, uint32_t id);
struct m_scope *model_scope(const struct model *m, uint32_t id);
struct m_object *model_object(const struct model *m, uint32_t id);

/* "name#id" of a task into buf. */
const char *model_task_label(const struct model *m, uint32_t id, char *buf,
                             size_t n);

/* The simulated host task id belongs to: the host whose supervisor it
 * descends from, else 0 (the implicit host). */
unsigned model_task_host(const struct model *m, uint32_t id);
/* A host's name into buf ("local" for 0). */
const char *model_host_name(const struct model *m, unsigned host, char *buf,
                            size_t n);

/* Whether task u holds object o at the replayed point. */
bool model_holds(const struct m_task *u, const struct m_object *o);

/* Parses "12", "12ns", "3us", "5ms", "2s" into ns: 0 or -1. */
int model_parse_time(const char *s, int64_t *out);

#endif
