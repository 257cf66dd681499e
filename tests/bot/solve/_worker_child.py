"""A solve worker process for the tests, as `session-scheduler worker` runs it (signals
included) but with a test's engine (tests/bot/engines.py) and quick heartbeats.

Usage: python -m tests.bot.solve._worker_child URL ENGINE GRACE  (ENGINE: real | held)
"""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.event.solve_queue import WorkerOptions, serve
from bot.event.solving import engine_worker
from tests.bot.engines import held_engine
from tests.bot.solve.conftest import WORKER

ENGINES = {"real": engine_worker, "held": held_engine}

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    url, engine, grace = sys.argv[1], sys.argv[2], float(sys.argv[3])
    asyncio.run(serve(url, WorkerOptions(**WORKER, grace=grace), target=ENGINES[engine],
                      name=f"test-{engine}"))
