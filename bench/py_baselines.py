"""bench/py_baselines.py LIB: the Python baselines of bench/run.sh.

LIB is "anyio" (AnyIO on its default asyncio backend) or "trio". Measures,
inside one event loop, the same operations as bench/tasks.c:

  LIB.yield       two tasks each awaiting sleep(0) in a loop: ns per yield
  LIB.spawn_join  empty tasks started in a task group and joined, in groups
                  of 1,000: ns per task

and as bench/sync.c:

  LIB.lock        one task: await Lock.acquire(), Lock.release(): ns per pair
  LIB.sem         the same with Semaphore(1)
  LIB.limiter     the same with CapacityLimiter(1)
  LIB.queue       two tasks, two memory channels of size 0 (AnyIO
                  create_memory_object_stream(0), trio
                  open_memory_channel(0)): one sends, the other receives and
                  sends back: ns per message (a round trip is two)
  LIB.event       two tasks hand control back and forth, each waiting on a
                  fresh Event that the other sets: ns per hand-off

and prints one record per figure for WEFT_BENCH_BASELINES (see
bench/harness.h): key, median, min, unit, name, note, tab-separated.
WEFT_BENCH_REPEATS overrides the repeat count, as for the C benchmarks.
Exits 3 with a message when LIB cannot be imported. Run it with Debian's
/usr/bin/python3, which has python3-anyio and python3-trio."""

import importlib
import importlib.metadata
import os
import platform
import statistics
import sys
import time

YIELD_OPS = 20000
SPAWN_GROUP = 1000
SPAWN_OPS = 10 * SPAWN_GROUP
SYNC_OPS = 5000
QUEUE_MSGS = 4000
EVENT_OPS = 4000
REPEATS = 7
try:  # as bench/harness.c: a positive count overrides, anything else not
    REPEATS = max(int(os.environ.get("WEFT_BENCH_REPEATS", "")), 0) or REPEATS
except ValueError:
    pass


async def yield_pair(lib, n):
    async def yielder(k):
        for _ in range(k):
            await lib.sleep(0)

    async with open_group(lib) as g:
        g.start_soon(yielder, n // 2)
        g.start_soon(yielder, n // 2)


async def empty():
    pass


async def spawn_join(lib, n):
    for _ in range(n // SPAWN_GROUP):
        async with open_group(lib) as g:
            for _ in range(SPAWN_GROUP):
                g.start_soon(empty)


async def lock_loop(lib, n):
    lock = lib.Lock()
    for _ in range(n):
        await lock.acquire()
        lock.release()


async def sem_loop(lib, n):
    sem = lib.Semaphore(1)
    for _ in range(n):
        await sem.acquire()
        sem.release()


async def limiter_loop(lib, n):
    limiter = lib.CapacityLimiter(1)
    for _ in range(n):
        await limiter.acquire()
        limiter.release()


def channel(lib):
    if lib.__name__ == "trio":
        return lib.open_memory_channel(0)
    return lib.create_memory_object_stream(0)


async def queue_pingpong(lib, n):
    """n messages: n // 2 round trips."""
    ping_send, ping_recv = channel(lib)
    pong_send, pong_recv = channel(lib)

    async def pinger(k):
        for i in range(k):
            await ping_send.send(i)
            await pong_recv.receive()

    async def ponger(k):
        for _ in range(k):
            await pong_send.send(await ping_recv.receive())

    async with open_group(lib) as g:
        g.start_soon(pinger, n // 2)
        g.start_soon(ponger, n // 2)


async def event_pingpong(lib, n):
    """n hand-offs: n // 2 rounds, a -> b and b -> a, each with a fresh
    Event (an Event is never cleared), as bench/sync.c."""
    box = {}

    async def a(rounds):
        while "b" not in box:
            await lib.sleep(0)
        for _ in range(rounds):
            box["a"] = mine = lib.Event()
            box["b"].set()
            await mine.wait()

    async def b(rounds):
        box["b"] = mine = lib.Event()
        for i in range(rounds):
            await mine.wait()
            if i + 1 < rounds:
                box["b"] = mine = lib.Event()
            box["a"].set()

    async with open_group(lib) as g:
        g.start_soon(b, n // 2)
        g.start_soon(a, n // 2)


def open_group(lib):
    if lib.__name__ == "trio":
        return lib.open_nursery()
    return lib.create_task_group()


async def measure(lib, fn, n):
    """Warm-up, then REPEATS timed runs: (median, min) in ns per op."""
    await fn(lib, n)
    per_op = []
    for _ in range(REPEATS):
        t0 = time.perf_counter_ns()
        await fn(lib, n)
        per_op.append((time.perf_counter_ns() - t0) / n)
    return statistics.median(per_op), min(per_op)


async def main(lib, out):
    out["yield"] = await measure(lib, yield_pair, YIELD_OPS)
    out["spawn_join"] = await measure(lib, spawn_join, SPAWN_OPS)
    out["lock"] = await measure(lib, lock_loop, SYNC_OPS)
    out["sem"] = await measure(lib, sem_loop, SYNC_OPS)
    out["limiter"] = await measure(lib, limiter_loop, SYNC_OPS)
    out["queue"] = await measure(lib, queue_pingpong, QUEUE_MSGS)
    out["event"] = await measure(lib, event_pingpong, EVENT_OPS)


def record(key, figures, unit, name, note):
    med, low = figures
    print(f"{key}\t{med:.1f}\t{low:.1f}\t{unit}\t{name}\t{note}")


def run(libname):
    try:
        lib = importlib.import_module(libname)
    except ImportError:
        print(f"py_baselines: python module {libname} is missing "
              f"(apt-get install python3-{libname})", file=sys.stderr)
        return 3
    out = {}
    lib.run(main, lib, out)
    note = (f"python {platform.python_version()}, {libname} "
            f"{importlib.metadata.version(libname)}"
            + (" (asyncio)" if libname == "anyio" else ""))
    label = "AnyIO" if libname == "anyio" else "trio"
    record(f"{libname}.yield", out["yield"], "ns/switch",
           f"{label} sleep(0), 2 tasks", note)
    record(f"{libname}.spawn_join", out["spawn_join"], "ns/task",
           f"{label} spawn+join", note)
    record(f"{libname}.lock", out["lock"], "ns/pair",
           f"{label} Lock acquire+release", note)
    record(f"{libname}.sem", out["sem"], "ns/pair",
           f"{label} Semaphore acquire+release", note)
    record(f"{libname}.limiter", out["limiter"], "ns/pair",
           f"{label} CapacityLimiter acq+release", note)
    record(f"{libname}.queue", out["queue"], "ns/msg",
           f"{label} memory channel(0)", note)
    record(f"{libname}.event", out["event"], "ns/handoff",
           f"{label} Event set+wait, fresh", note)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("anyio", "trio"):
        print("usage: py_baselines.py anyio|trio", file=sys.stderr)
        sys.exit(2)
    sys.exit(run(sys.argv[1]))
