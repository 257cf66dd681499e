"""Sustained interest updates through the rules API, N concurrent writers, on each engine.

    python benchmarks/event_writes.py [--writers 1,10,100] [--seconds 5]
                                      [--engines sqlite,postgresql] [--pg-processes 1,2]

Each writer is an attendee who keeps changing their interest (set_interest: a full rules call,
one transaction, committed before it returns). SQLite is a file in a temporary folder;
PostgreSQL a throwaway server on this machine (tests/postgres.py) with its durable defaults
(fsync and synchronous commit on), sharing the machine's cores with the writers. The engines
are measured one after the other in the same run, rows interleaved, so both see the same
machine. On PostgreSQL the writers can also be split over several processes, as they would be
once a deployment runs several bot processes. Prints a markdown table: updates/s over the whole
run, p50/p99 latency of one call, and the client processes' CPU per update (the database
server's own CPU not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.event import Actor, EventService  # noqa: E402
from tests.postgres import postgres_server  # noqa: E402

GUILD = 1
ADMIN = Actor(1, "Admin", is_admin=True)
LEVELS = (25, 75, 100, 0)
SESSIONS = 40


async def prepare(database: str) -> list[int]:
    """The event the writers write to; its session ids."""
    async with await EventService.open(database) as svc:
        await svc.setup_event(GUILD, ADMIN, name="Bench")
        await svc.update_settings(GUILD, ADMIN, verification_required=False)
        return [(await svc.propose(GUILD, ADMIN, f"Talk {i}", "x")).id for i in range(SESSIONS)]


async def write(database: str, first: int, writers: int, ids: list[int], start_at: float,
                seconds: float) -> tuple[list[float], float]:
    """`writers` attendees (ids from `first`) writing from `start_at` (wall clock) for
    `seconds`: each call's latency, and this process's CPU time meanwhile."""
    async with await EventService.open(database) as svc:
        latencies: list[float] = []
        await asyncio.sleep(max(0.0, start_at - time.time()))
        stop_at = time.perf_counter() + seconds

        async def writer(w: int) -> None:
            actor = Actor(1000 + w, f"Writer {w}")
            n = w
            while time.perf_counter() < stop_at:
                t0 = time.perf_counter()
                await svc.set_interest(GUILD, actor, ids[n % SESSIONS],
                                       LEVELS[(n // SESSIONS) % 4])
                latencies.append(time.perf_counter() - t0)
                n += 1

        cpu0 = time.process_time()
        await asyncio.gather(*(writer(w) for w in range(first, first + writers)))
        return latencies, time.process_time() - cpu0


def _write_in_process(*args: object) -> tuple[list[float], float]:
    return asyncio.run(write(*args))  # type: ignore[arg-type]


def run(database: str, writers: int, seconds: float, processes: int = 1) -> dict[str, float]:
    """Writers split over `processes` processes on the same database."""
    ids = asyncio.run(prepare(database))
    start_at = time.time() + (1.0 if processes > 1 else 0.0)
    shares = [writers // processes + (i < writers % processes) for i in range(processes)]
    firsts = [sum(shares[:i]) for i in range(processes)]
    args = [(database, firsts[i], shares[i], ids, start_at, seconds) for i in range(processes)]
    if processes == 1:
        results = [_write_in_process(*args[0])]
    else:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(processes, mp_context=ctx) as pool:
            results = list(pool.map(_write_in_process, *zip(*args, strict=True)))
    latencies = [x for lat, _ in results for x in lat]
    cpu = sum(c for _, c in results)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"writers": writers, "processes": processes, "calls": len(latencies),
            "rate": len(latencies) / seconds, "p50": q[49] * 1000, "p99": q[98] * 1000,
            "cpu": cpu / len(latencies) * 1e6}


@contextlib.contextmanager
def databases(engines: list[str]) -> Iterator[dict[str, object]]:
    """engine → a factory of new, empty databases on it."""
    with contextlib.ExitStack() as stack:
        found: dict[str, object] = {}
        if "sqlite" in engines:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            names = iter(range(10**6))
            found["sqlite"] = lambda: str(tmp / f"bench-{next(names)}.sqlite")
        if "postgresql" in engines:
            found["postgresql"] = stack.enter_context(postgres_server(durable=True)).new_database
        yield found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", default="1,10,100")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--pg-processes", default="1,2",
                    help="PostgreSQL rows with the writers split over this many processes "
                         "(the engine for deployments past one process)")
    args = ap.parse_args()
    engines = args.engines.split(",")
    rows = []
    with databases(engines) as new_database:
        for w in args.writers.split(","):
            for engine in engines:
                for n in (map(int, args.pg_processes.split(",")) if engine == "postgresql"
                          else [1]):
                    r = run(new_database[engine](), int(w), args.seconds, n)
                    rows.append({"engine": engine, **r})
    print(f"Machine: {os.cpu_count()} cores; {args.seconds:g} s per row; "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}\n")
    print("| engine | processes | writers | calls | updates/s | p50 ms | p99 ms | "
          "client CPU µs/update |")
    print("|--------|----------:|--------:|------:|----------:|-------:|-------:|"
          "--------------------:|")
    for r in rows:
        print(f"| {r['engine']} | {r['processes']} | {r['writers']} | {r['calls']} | "
              f"{r['rate']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['cpu']:.0f} |")


if __name__ == "__main__":
    main()
