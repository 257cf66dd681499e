"""Async tests run on the event loop `session-scheduler run` uses (`bot.event_loop`: uvloop
where it is installed). Tests marked `both_loops` also run on asyncio's own loop, the one the
bot falls back to where uvloop is absent (Windows)."""

from __future__ import annotations

import asyncio

import pytest

from bot import event_loop
from tests.postgres import MISSING, find_binaries, postgres_server


def pytest_asyncio_loop_factories(config, item):
    factories = {event_loop.NAME: event_loop.new_loop}
    if item.get_closest_marker("both_loops") is not None:
        factories.setdefault("asyncio", asyncio.new_event_loop)
    return factories


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the whole run (tests/postgres.py); the tests that
    need it are skipped, with the reason, where its binaries are missing."""
    if find_binaries() is None:
        pytest.skip(MISSING)
    with postgres_server() as server:
        yield server
