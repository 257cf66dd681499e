"""Uploads never stall the bot: a hostile file is refused and changes nothing, a large
legitimate one is read whole, and parsing runs off the event loop. How late other servers are
answered meanwhile is measured by benchmarks/uploads.py (figures in benchmarks/RESULTS.md)."""

from __future__ import annotations

import threading

import pytest

from bot.event import InvalidInput
from tests.bot.conftest import ADMIN, EXAMPLE_TOML, GUILD
from tests.bot.helpers import dump
from tests.bot.test_uploads import HOSTILE


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


async def test_the_largest_timetable_the_limits_let_through_is_imported(event):
    """Within every limit: the largest parse a file can ask for."""
    slots = ", ".join(f'{{ start = "{h:02}:{m:02}", end = "{h:02}:{m + 14:02}" }}'
                      for h in range(8, 20) for m in (0, 15, 30, 45))
    days = "".join(f'[[days]]\ndate = "2026-{1 + d // 28:02}-{1 + d % 28:02}"\n'
                   f'label = "Day {d}"\nslots = [{slots}]\n' for d in range(40))
    outcome = await event.import_timetable_toml(GUILD, ADMIN, days)
    assert outcome.slots == 40 * 48
