"""Entry points of the engine's child process for tests (`solver_target`): top-level, so that
the child imports them, on either engine (a SQLite service's own process, or a solve worker)."""

from __future__ import annotations

import os
import threading
from typing import Any

from bot.event.solving import engine_worker, follow_parent


def held_engine(instance_json: str, options: dict[str, Any], out: Any, cancel: Any) -> None:
    """The real engine, held back until the run is asked to stop: it reports figures at once,
    waits for the stop, then answers as the real engine stopped early does (the best it has
    found, here its first timetable). A test acts while the run is surely in flight."""
    follow_parent()
    out.put(("progress", (1, 1, 0.0)))
    cancel.wait()
    engine_worker(instance_json, options, out, cancel)


def crashing_engine(instance_json: str, options: dict[str, Any], out: Any, cancel: Any) -> None:
    """An engine whose process dies at once, as one killed by the kernel would."""
    os._exit(9)


def deaf_engine(instance_json: str, options: dict[str, Any], out: Any, cancel: Any) -> None:
    """An engine that reports figures, then never answers (a phase it cannot leave early)."""
    follow_parent()
    out.put(("progress", (1, 1, 0.0)))
    threading.Event().wait()
