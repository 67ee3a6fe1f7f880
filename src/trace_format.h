/* src/trace_format.h: the trace file format (docs/TRACE-FORMAT.md), shared
 * by the recorder (src/trace.c) and the reader (trace/reader.c) and by
 * nothing else. Everything is little-endian; the event kinds are one
 * X-macro list from which the enum, the name table and the parser come.
 *
 *   header (64 bytes) | block | block | ...
 *   block: magic, string bytes, record count, record bytes | strings |
 *          records (variable length: a kind byte, a field mask, then the
 *          fields the mask names as LEB128 varints) */
#ifndef WEFT_TRACE_FORMAT_H
#define WEFT_TRACE_FORMAT_H

#include <stdint.h>

#define WEFT_TRACE_MAGIC "WEFTTRC" /* 8 bytes with its NUL */
#define WEFT_TRACE_VERSION 3
#define WEFT_TRACE_VERSION_MIN 2 /* version 2: no folds, no queue-pass */
#define WEFT_TRACE_HEADER_SIZE 64
#define WEFT_TRACE_BLOCK_SIZE 16
#define WEFT_TRACE_BLOCK_MAGIC 0x324b4257u /* "WBK2" */
#define WEFT_TRACE_NONE 0xffffffffu        /* no string */

/* Header field offsets. */
#define WEFT_TRACE_H_VERSION 8
#define WEFT_TRACE_H_HSIZE 10
#define WEFT_TRACE_H_RESERVED 12 /* 0 (version 1: the record size) */
#define WEFT_TRACE_H_BACKEND 14
#define WEFT_TRACE_H_SEED 16
#define WEFT_TRACE_H_WALL 24 /* skipped by comparisons */
#define WEFT_TRACE_H_STRATEGY 32
#define WEFT_TRACE_H_UNIT 36

/* A record: the kind byte (the kind, and WEFT_TRACE_HAS_TASK when the
 * acting task differs from the previous record's), the mask byte (which
 * fields follow), then, in this order, the task, the time (the change
 * since the previous record, zigzag), aux, obj, str, file and line, and
 * value (zigzag). A field not in the mask takes its default: the task and
 * time of the previous record of the block (0 at a block's start), aux,
 * obj, line and value 0, str and file NONE. */
#define WEFT_TRACE_HAS_TASK 0x80
#define WEFT_TRACE_F_TIME 0x01
#define WEFT_TRACE_F_AUX 0x02
#define WEFT_TRACE_F_OBJ 0x04
#define WEFT_TRACE_F_STR 0x08
#define WEFT_TRACE_F_SITE 0x10 /* file, then line */
#define WEFT_TRACE_F_VALUE 0x20
/* Folded events (version 3): the record is followed by a wake of the
 * task this field names, by the record's task, with result 0 ... */
#define WEFT_TRACE_F_WAKE 0x40
/* ... and then by a switch from the record's task to the task this field
 * names, which becomes the next record's default task. */
#define WEFT_TRACE_F_NEXT 0x80
#define WEFT_TRACE_F_ALL_V2 0x3f
#define WEFT_TRACE_F_ALL 0xff
/* The most bytes a record takes: two, and each field at its longest
 * (5 for 32 bits, 10 for 64, 3 for aux's 16). */
#define WEFT_TRACE_RECORD_MAX (2 + 5 + 10 + 3 + 5 + 5 + 5 + 5 + 10 + 5 + 5)
/* The most events one record stands for: a queue-pass (a put and a get),
 * a folded wake and a folded switch. */
#define WEFT_TRACE_EVENTS_MAX 4

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
    X(SCOPE_SHIELDED, "scope-shielded")                                        \
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
    X(HOST_RESTART, "host-restart")                                            \
    X(QUEUE_PASS, "queue-pass")

enum weft_event_kind {
#define WEFT_EV_ENUM(id, name) WEFT_EV_##id,
    WEFT_EVENT_MAP(WEFT_EV_ENUM)
#undef WEFT_EV_ENUM
    WEFT_EV_COUNT
};

/* The kinds version 2 knows: every one before QUEUE_PASS. */
#define WEFT_EV_COUNT_V2 WEFT_EV_QUEUE_PASS

/* QUEUE_PASS's aux: which side of the hand-over the record's task was
 * (value: the other side's task). The record stands for a queue-put by
 * the putter, then a queue-get by the getter, as two events. */
#define WEFT_TRACE_PASS_GOT 0 /* the record's task got the item */
#define WEFT_TRACE_PASS_PUT 1 /* the record's task put it */

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
