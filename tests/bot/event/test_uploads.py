"""Uploads never stall the bot: a hostile file is refused before it costs anything, a large
legitimate one is parsed off the event loop, and meanwhile other servers are answered."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable

import pytest

from bot.event import InvalidInput
from tests.bot.conftest import ADMIN, EXAMPLE_TOML, GUILD, OTHER_GUILD
from tests.bot.helpers import dump
from tests.bot.test_uploads import HOSTILE

#: Far above a hiccup of a busy machine, far below the seconds a parse on the loop took.
PROMPT = 0.5


async def stalls(work: Awaitable[object], other_guild_call) -> tuple[float, float, object]:
    """While `work` runs: the longest a 5 ms tick of another coroutine was late, the longest
    another server's rules call took, and what `work` returned or raised."""
    done = asyncio.Event()
    late, call = 0.0, 0.0

    async def ticker() -> None:
        nonlocal late
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            late = max(late, time.perf_counter() - start - 0.005)

    async def other_server() -> None:
        nonlocal call
        while not done.is_set():
            start = time.perf_counter()
            await other_guild_call()
            call = max(call, time.perf_counter() - start)
            await asyncio.sleep(0.005)

    async def run() -> object:
        await asyncio.sleep(0.02)  # the others are running first
        try:
            return await work
        except InvalidInput as e:
            return e
        finally:
            done.set()

    _, _, outcome = await asyncio.gather(ticker(), other_server(), run())
    return late, call, outcome


@pytest.mark.parametrize("name", ["80 kB dotted key", "deep arrays", "deep inline tables",
                                  "too many entries", "huge integer", "binary junk"])
async def test_a_hostile_timetable_is_refused_without_stalling_other_servers(event, name):
    await event.setup_event(OTHER_GUILD, ADMIN, name="Other")
    before = await dump(event)
    raw, words = HOSTILE[name]
    late, call, outcome = await stalls(event.import_timetable_toml(GUILD, ADMIN, raw),
                                       lambda: event.settings(OTHER_GUILD, ADMIN))
    assert isinstance(outcome, InvalidInput) and words in outcome.user_message
    assert late < PROMPT and call < PROMPT, (late, call)
    assert await dump(event) == before


async def test_the_timetable_is_parsed_off_the_event_loop(event, monkeypatch):
    from bot.event import timetable as rules
    threads = []
    parse = rules.parse_timetable

    def watched(*args):
        threads.append(threading.current_thread())
        return parse(*args)
    monkeypatch.setattr(rules, "parse_timetable", watched)
    await event.import_timetable_toml(GUILD, ADMIN, EXAMPLE_TOML.read_bytes())
    assert threads and threading.current_thread() not in threads


async def test_other_servers_are_answered_while_a_large_timetable_is_imported(event):
    """Within every limit: the largest parse a file can ask for."""
    await event.setup_event(OTHER_GUILD, ADMIN, name="Other")
    slots = ", ".join(f'{{ start = "{h:02}:{m:02}", end = "{h:02}:{m + 14:02}" }}'
                      for h in range(8, 20) for m in (0, 15, 30, 45))
    days = "".join(f'[[days]]\ndate = "2026-{1 + d // 28:02}-{1 + d % 28:02}"\n'
                   f'label = "Day {d}"\nslots = [{slots}]\n' for d in range(40))
    late, call, outcome = await stalls(event.import_timetable_toml(GUILD, ADMIN, days),
                                       lambda: event.settings(OTHER_GUILD, ADMIN))
    assert not isinstance(outcome, Exception), outcome
    assert outcome.slots == 40 * 48
    assert late < PROMPT and call < PROMPT, (late, call)
