# src/sync/: synchronisation primitives and queues (issue 3).
