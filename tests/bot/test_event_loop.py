"""The event loop the bot runs on (bot.event_loop)."""

from __future__ import annotations

import asyncio
import importlib.util

from bot import event_loop

EXPECTED = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"


def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__.split(".")[0]


def test_run_uses_uvloop_where_it_is_installed() -> None:
    async def main() -> str:
        await asyncio.sleep(0)
        return _loop_module()

    assert event_loop.NAME == EXPECTED
    assert event_loop.run(main()) == EXPECTED


async def test_async_tests_run_on_the_bots_loop() -> None:
    assert _loop_module() == EXPECTED  # tests/conftest.py
