"""The event loop the bot runs on: uvloop where it is installed, asyncio's own loop otherwise.

uvloop does in C what asyncio's loop does in Python: scheduling callbacks, waking tasks, socket
reads and writes, opening connections. That is a large share of the bot's work per interest
press, and most of the work of the first burst after a start, which opens a connection per
reply in flight (`bot/discord/callbacks.py`). Measured side by side with
`benchmarks/button_presses.py` (figures in benchmarks/RESULTS.md).

uvloop does not run on Windows; there the bot runs on asyncio's loop, which the tests also
cover (tests/conftest.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

try:
    import uvloop
except ImportError:  # pragma: no cover - Windows, or an install without it
    uvloop = None  # type: ignore[assignment]

T = TypeVar("T")

#: Which loop `new_loop` makes: "uvloop" or "asyncio".
NAME = "asyncio" if uvloop is None else "uvloop"


def new_loop() -> asyncio.AbstractEventLoop:
    return asyncio.new_event_loop() if uvloop is None else uvloop.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run`, on the bot's loop."""
    with asyncio.Runner(loop_factory=new_loop) as runner:
        return runner.run(main)
