"""HTTP load in its own process, for `web.py`: readers and calendar apps are on other
machines, so their work must not share the bot's event loop.

    python benchmarks/_web_load.py URL CLIENTS SECONDS [--conditional]

Each of CLIENTS connections asks for URL again as soon as it has an answer, for SECONDS;
with --conditional it sends the ETag it got first (a calendar app polling a feed). Prints
{"requests", "per_second", "statuses", "p50_ms", "p99_ms"}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter

import aiohttp


async def client(http: aiohttp.ClientSession, url: str, until: float, conditional: bool,
                 times: list[float], statuses: Counter) -> None:
    headers: dict[str, str] = {}
    while time.perf_counter() < until:
        start = time.perf_counter()
        async with http.get(url, headers=headers) as r:
            await r.read()
            statuses[r.status] += 1
            if conditional and "ETag" in r.headers:
                headers = {"If-None-Match": r.headers["ETag"]}
        times.append(time.perf_counter() - start)


async def main(url: str, clients: int, seconds: float, conditional: bool) -> None:
    times: list[float] = []
    statuses: Counter = Counter()
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(http, url, start + seconds, conditional, times, statuses)
                               for _ in range(clients)))
        took = time.perf_counter() - start
    ms = sorted(t * 1000 for t in times)
    print(json.dumps({"requests": len(ms), "per_second": len(ms) / took,
                      "statuses": dict(statuses), "p50_ms": ms[len(ms) // 2],
                      "p99_ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))]}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]),
                     "--conditional" in sys.argv[4:]))
