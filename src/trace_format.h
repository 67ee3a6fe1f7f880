/* src/trace_format.h: the trace file format (docs/TRACE-FORMAT.md), shared
 * by the recorder (src/trace.c) and the reader (trace/reader.c) and by
 * nothing else. Everything is little-endian; the event kinds are one
 * X-macro list from which the enum, the name table and the parser come.
 *
 *   header (64 bytes) | block | block | ...
 *   block: magic, string bytes, record count, 0 | strings | records */
#ifndef WEFT_TRACE_FORMAT_H
#define WEFT_TRACE_FORMAT_H

#include <stdint.h>

#define WEFT_TRACE_MAGIC "WEFTTRC" /* 8 bytes with its NUL */
#define WEFT_TRACE_VERSION 2
#define WEFT_TRACE_HEADER_SIZE 64
#define WEFT_TRACE_RECORD_SIZE 40
#define WEFT_TRACE_BLOCK_SIZE 16
#define WEFT_TRACE_BLOCK_MAGIC 0x314b4257u /* "WBK1" */
#define WEFT_TRACE_NONE 0xffffffffu        /* no string */

/* Header field offsets. */
#define WEFT_TRACE_H_VERSION 8
#define WEFT_TRACE_H_HSIZE 10
#define WEFT_TRACE_H_RSIZE 12
#define WEFT_TRACE_H_BACKEND 14
#define WEFT_TRACE_H_SEED 16
#define WEFT_TRACE_H_WALL 24 /* skipped by comparisons */
#define WEFT_TRACE_H_STRATEGY 32
#define WEFT_TRACE_H_UNIT 36

/* Record field offsets. */
#define WEFT_TRACE_R_TIME 0
#define WEFT_TRACE_R_TASK 8
#define WEFT_TRACE_R_KIND 12
#define WEFT_TRACE_R_AUX 14
#define WEFT_TRACE_R_OBJ 16
#define WEFT_TRACE_R_STR 20
#define WEFT_TRACE_R_FILE 24
#define WEFT_TRACE_R_LINE 28
#define WEFT_TRACE_R_VALUE 32

/* Every event kind, as X(ID, "name"). Appending keeps old files valid;
 * the meaning of each field per kind is in docs/TRACE-FORMAT.md. */
#define WEFT_EVENT_MAP(X)                                                      \
    X(RUN_END, "run-end")                                                      \
    X(OBJECT, "object")                                                        \
    X(SPAWN, "spawn")                                                          \
    X(START, "start")                                                          \
    X(EXIT, "exit")                                                            \
    X(SWITCH, "switch")                                                        \
    X(PARK, "park")                                                            \
    X(WAKE, "wake")                                                            \
    X(SCOPE_ENTER, "scope-enter")                                              \
    X(SCOPE_EXIT, "scope-exit")                                                \
    X(SCOPE_CANCEL, "scope-cancel")                                            \
    X(CANCELLED, "cancelled")                                                  \
    X(TIMER, "timer")                                                          \
    X(LOCK_ACQUIRE, "lock-acquire")                                            \
    X(LOCK_RELEASE, "lock-release")                                            \
    X(SEM_ACQUIRE, "sem-acquire")                                              \
    X(SEM_RELEASE, "sem-release")                                              \
    X(LIMITER_ACQUIRE, "limiter-acquire")                                      \
    X(LIMITER_RELEASE, "limiter-release")                                      \
    X(QUEUE_PUT, "queue-put")                                                  \
    X(QUEUE_GET, "queue-get")                                                  \
    X(QUEUE_CLOSE, "queue-close")                                              \
    X(EVENT_SET, "event-set")                                                  \
    X(SYNC_SUBMIT, "run-sync-submit")                                          \
    X(SYNC_DONE, "run-sync-done")                                              \
    X(LEAK, "leak")                                                            \
    X(ASSERT, "assert")                                                        \
    X(MISUSE, "misuse")                                                        \
    X(DEADLOCK, "deadlock")                                                    \
    X(WAITS_FOR, "waits-for")                                                  \
    X(NOTE, "note")                                                            \
    X(NET_HOST, "net-host")                                                    \
    X(NET_CONNECT, "net-connect")                                              \
    X(NET_ACCEPT, "net-accept")                                                \
    X(NET_SEND, "net-send")                                                    \
    X(NET_DELIVER, "net-deliver")                                              \
    X(NET_DROP, "net-drop")                                                    \
    X(NET_RESET, "net-reset")                                                  \
    X(NET_PARTITION, "net-partition")                                          \
    X(NET_HEAL, "net-heal")                                                    \
    X(NET_CLOG, "net-clog")                                                    \
    X(NET_SPIKE, "net-spike")                                                  \
    X(HOST_CRASH, "host-crash")                                                \
    X(HOST_RESTART, "host-restart")

enum weft_event_kind {
#define WEFT_EV_ENUM(id, name) WEFT_EV_##id,
    WEFT_EVENT_MAP(WEFT_EV_ENUM)
#undef WEFT_EV_ENUM
    WEFT_EV_COUNT
};

/* WAKE's aux: what woke the task. */
#define WEFT_TRACE_BY_TASK 0   /* a peer task (the record's task) */
#define WEFT_TRACE_BY_TIMER 1  /* its deadline, or a timer's action */
#define WEFT_TRACE_BY_THREAD 2 /* a run_sync completion */
#define WEFT_TRACE_BY_CANCEL 3 /* cancellation of a scope */

/* Network records (docs/TRACE-FORMAT.md "Network"): a host that is none
 * (an address no host has). */
#define WEFT_TRACE_NO_HOST 0xffffu

/* SCOPE_ENTER's aux: the scope's flags. */
#define WEFT_TRACE_SCOPE_SHIELD 0x1
#define WEFT_TRACE_SCOPE_FAIL 0x2
#define WEFT_TRACE_SCOPE_GROUP 0x4

/* SCOPE_CANCEL's aux: the reason. */
#define WEFT_TRACE_CANCEL_EXPLICIT 1
#define WEFT_TRACE_CANCEL_DEADLINE 2
#define WEFT_TRACE_CANCEL_ERROR 3 /* a sibling task failed */
#define WEFT_TRACE_CANCEL_PARENT 4 /* moved under a cancelled scope */

#endif
