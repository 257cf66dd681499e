"""Uploads never stall the bot: a hostile file is refused before it costs anything, a large
legitimate one is parsed off the event loop, and other servers are answered while it is."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable

import pytest

from bot.event import InvalidInput
from tests.bot.conftest import ADMIN, EXAMPLE_TOML, GUILD, OTHER_GUILD
from tests.bot.helpers import dump
from tests.bot.test_uploads import HOSTILE


async def answered_while_parsing(work: Awaitable[object], module, parser: str,
                                 other_guild_call, monkeypatch) -> tuple[object, int]:
    """What `work` returned or raised, and how many of another server's rules calls were
    answered while `module.parser` was running: none if the parse held the event loop."""
    parsing = threading.Event()
    parse = getattr(module, parser)

    def watched(*args):
        parsing.set()
        try:
            return parse(*args)
        finally:
            parsing.clear()
    monkeypatch.setattr(module, parser, watched)
    done = asyncio.Event()
    answered = 0

    async def other_server() -> None:
        nonlocal answered
        while not done.is_set():
            await other_guild_call()
            answered += parsing.is_set()
            await asyncio.sleep(0)

    async def run() -> object:
        try:
            return await work
        except InvalidInput as e:
            return e
        finally:
            done.set()

    _, outcome = await asyncio.gather(other_server(), run())
    return outcome, answered


@pytest.mark.parametrize("name", ["80 kB dotted key", "deep arrays", "deep inline tables",
                                  "too many entries", "huge integer", "binary junk"])
async def test_a_hostile_timetable_is_refused_and_changes_nothing(event, name):
    before = await dump(event)
    raw, words = HOSTILE[name]
    with pytest.raises(InvalidInput) as refused:
        await event.import_timetable_toml(GUILD, ADMIN, raw)
    assert words in refused.value.user_message
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


async def test_other_servers_are_answered_while_a_large_timetable_is_imported(event,
                                                                          monkeypatch):
    from bot.event import timetable as rules
    """Within every limit: the largest parse a file can ask for."""
    await event.setup_event(OTHER_GUILD, ADMIN, name="Other")
    slots = ", ".join(f'{{ start = "{h:02}:{m:02}", end = "{h:02}:{m + 14:02}" }}'
                      for h in range(8, 20) for m in (0, 15, 30, 45))
    days = "".join(f'[[days]]\ndate = "2026-{1 + d // 28:02}-{1 + d % 28:02}"\n'
                   f'label = "Day {d}"\nslots = [{slots}]\n' for d in range(40))
    outcome, answered = await answered_while_parsing(
        event.import_timetable_toml(GUILD, ADMIN, days), rules, "parse_timetable",
        lambda: event.settings(OTHER_GUILD, ADMIN), monkeypatch)
    assert not isinstance(outcome, Exception), outcome
    assert outcome.slots == 40 * 48
    assert answered > 0
