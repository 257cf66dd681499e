"""User text shows as typed in every rendering: markdown in a title never formats, hides or
links anything (one escaper, `embeds.literal`, used by all renderers)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.discord import embeds
from bot.discord.reminders import reminder_text
from bot.discord.scheduling import preview_message
from bot.event import changes, explain
from bot.event.models import (
    Entry,
    EventSettings,
    ItineraryItem,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    RoomView,
    ScheduleVersion,
    SessionView,
    SlotView,
    Unscheduled,
)
from bot.event.preview import preview
from bot.jobs.reminders import Reminder

TRICKY = ["my_talk", "*bold*", "`code`", "||spoiler||", "[link](http://x)", "<t:0:R>"]
TITLE = " ".join(TRICKY)
SHOWN = embeds.literal(TITLE)
SLOT1 = SlotView(1, 1, datetime(2026, 7, 6, 9, tzinfo=UTC), datetime(2026, 7, 6, 10, tzinfo=UTC),
                 False, False, "")
SLOT2 = SlotView(2, 1, datetime(2026, 7, 6, 11, tzinfo=UTC),
                 datetime(2026, 7, 6, 12, tzinfo=UTC), False, False, "")


def _unrendered(text: str) -> str:
    """Discord's rendering of the escapes: a backslash before punctuation shows the character."""
    return re.sub(r"\\([^0-9A-Za-z\s])", r"\1", text)


def _has_no_live_markdown(text: str) -> None:
    """Each markdown character of the title is escaped where the title appears."""
    assert TITLE not in text, text
    assert SHOWN in text, text
    assert TITLE in _unrendered(text)


def test_the_escaper_leaves_nothing_live() -> None:
    assert SHOWN == (r"my\_talk \*bold\* \`code\` \|\|spoiler\|\| \[link\](http://x) "
                     r"\<t:0:R>")
    assert _unrendered(SHOWN) == TITLE


def _tt(title: str = TITLE, slot: SlotView = SLOT1, room: str = "Main hall",
        version: int = 1) -> PublishedTimetable:
    entry = Entry(7, title, 42, 1 if room == "Main hall" else 3, room, 9)
    other = Entry(8, "Other", 43, 2, "Garden", 1)
    slots = tuple(PublishedSlot(s, (entry, other) if s == slot else ()) for s in (SLOT1, SLOT2))
    return PublishedTimetable(version, "UTC", (PublishedDay(date(2026, 7, 6), "Monday", slots),))


def test_reminder() -> None:
    settings = EventSettings(1, "Camp", "UTC", False, True, True, True, None, None, None, None,
                             None, 1)
    r = Reminder(1, 5, SLOT1, Entry(7, TITLE, 42, 1, "Main hall", 9), 30)
    _has_no_live_markdown(reminder_text(r, settings))


@pytest.mark.parametrize("after", [SLOT2, SLOT1])
def test_change_notice(after) -> None:
    found = [m for m in changes.moves(_tt(), _tt(slot=after, room="Hall B", version=2))
             if m.session_id == 7]
    told = changes.notices(found, {7: {5: 100}})
    assert [n.user_id for n in told] == [5, 42]
    for notice in told:
        _has_no_live_markdown(changes.notice_text(notice, str, "Camp", embeds.literal))


def test_clash_text_and_my_schedule() -> None:
    (clash,) = explain.clashes(_tt(), {7: 100, 8: 75}, str, esc=embeds.literal)
    _has_no_live_markdown(clash.text)
    entry = Entry(7, TITLE, 42, 1, "Main hall", 9)
    (shown,) = embeds.itinerary_embeds([
        ItineraryItem(SLOT1, entry, 100),
        ItineraryItem(SLOT2, Entry(8, "Other", 43, 2, "Garden", 1), 75, ((entry, 25),))])
    _has_no_live_markdown(shown.description)


def test_preview_moves_unplaced_and_over_capacity() -> None:
    v = ScheduleVersion(2, "", "feasible", 10, 20, 5, 1.0, 1, 1,
                        (Unscheduled(9, TITLE, "more sessions than places"),), False)
    p = preview(v, _tt(slot=SLOT2, version=2), _tt(), None,
                [RoomView(1, "Main hall", 3, None, None)], str, embeds.literal)
    shown, _ = preview_message(p)
    fields = {f.name: f.value for f in shown[0].fields}
    _has_no_live_markdown(fields["Unplaced"])
    _has_no_live_markdown(fields["Rooms over capacity"])
    _has_no_live_markdown(shown[1].description)


def test_sessions_and_their_embed() -> None:
    s = SessionView(7, TITLE, "desc", 42, "ann", "public", 0, 3, None)
    assert embeds.session_embed(s).title == SHOWN
    page, _, _ = embeds.sessions_page([s], 1)
    _has_no_live_markdown(page.fields[0].name)
