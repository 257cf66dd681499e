"""Sustained interest updates through the rules API, N concurrent writers on one SQLite file.

    python benchmarks/event_writes.py [--writers 1,10,100] [--seconds 5]

Each writer is an attendee who keeps changing their interest (set_interest: a full rules call,
one transaction, committed before it returns). Prints a markdown table: updates/s over the
whole run, and p50/p99 latency of one call. Target (issue 3): ≥ 2,000 updates/s and
p99 ≤ 20 ms with 100 writers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.event import Actor, EventService  # noqa: E402

GUILD = 1
ADMIN = Actor(1, "Admin", is_admin=True)
LEVELS = (25, 75, 100, 0)
SESSIONS = 40


async def run(writers: int, seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        svc = await EventService.open(Path(tmp) / "bench.sqlite")
        try:
            await svc.setup_event(GUILD, ADMIN, name="Bench")
            await svc.update_settings(GUILD, ADMIN, verification_required=False)
            ids = [(await svc.propose(GUILD, ADMIN, f"Talk {i}", "x")).id
                   for i in range(SESSIONS)]
            latencies: list[float] = []
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

            t0 = time.perf_counter()
            await asyncio.gather(*(writer(w) for w in range(writers)))
            elapsed = time.perf_counter() - t0
        finally:
            await svc.close()
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"writers": writers, "calls": len(latencies), "rate": len(latencies) / elapsed,
            "p50": q[49] * 1000, "p99": q[98] * 1000}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", default="1,10,100")
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    rows = [asyncio.run(run(int(w), args.seconds)) for w in args.writers.split(",")]
    print(f"Machine: {os.cpu_count()} cores; {args.seconds:g} s per row; "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')}\n")
    print("| writers | calls | updates/s | p50 ms | p99 ms |")
    print("|--------:|------:|----------:|-------:|-------:|")
    for r in rows:
        print(f"| {r['writers']} | {r['calls']} | {r['rate']:,.0f} | {r['p50']:.2f} | "
              f"{r['p99']:.2f} |")


if __name__ == "__main__":
    main()
