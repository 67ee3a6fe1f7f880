"""bench/py_baselines.py LIB: the Python baselines of bench/run.sh.

LIB is "anyio" (AnyIO on its default asyncio backend) or "trio". Measures,
inside one event loop, the same operations as bench/tasks.c:

  LIB.yield       two tasks each awaiting sleep(0) in a loop: ns per yield
  LIB.spawn_join  empty tasks started in a task group and joined, in groups
                  of 1,000: ns per task

and prints one record per figure for WEFT_BENCH_BASELINES (see
bench/harness.h): key, median, min, unit, name, note, tab-separated.
Exits 3 with a message when LIB cannot be imported. Run it with Debian's
/usr/bin/python3, which has python3-anyio and python3-trio."""

import importlib
import importlib.metadata
import platform
import statistics
import sys
import time

YIELD_OPS = 20000
SPAWN_GROUP = 1000
SPAWN_OPS = 10 * SPAWN_GROUP
REPEATS = 7


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
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("anyio", "trio"):
        print("usage: py_baselines.py anyio|trio", file=sys.stderr)
        sys.exit(2)
    sys.exit(run(sys.argv[1]))
