"""Sessions of several slots laid out: where each starts, and where it goes on.

A placement names the slot a session starts in and how many consecutive slots it takes (its
length in that version; `bot.storage.timetable.covered` finds those slots). A laid-out
timetable lists a session once where it starts (`PublishedSlot.entries`, with `Entry.ends`)
and again in each later slot it holds its room in (`PublishedSlot.continuing`), so what
counts sessions counts it once and what shows a slot shows its room taken.
"""

from __future__ import annotations

from dataclasses import replace

from bot.event.models import Entry
from bot.event.times import from_utc_text
from bot.storage import Row
from bot.storage.timetable import covered


def spans(slot_rows: list[Row], by_slot: dict[int, list[Entry]]
          ) -> tuple[dict[int, list[Entry]], dict[int, list[Entry]]]:
    """A version's sessions by the slot they start in, those of several slots with the time
    they end (`Entry.ends`), and by the later slots they still hold their room in (none for
    a session withdrawn since, shown only where it was to start)."""
    starting: dict[int, list[Entry]] = {}
    continuing: dict[int, list[Entry]] = {}
    for slot_id, entries in by_slot.items():
        for e in entries:
            more = covered(slot_rows, slot_id, e.length)[1:] if e.length > 1 else []
            if more:
                e = replace(e, ends=from_utc_text(more[-1]["end_utc"]))
                for r in more if not e.withdrawn else ():  # a withdrawn one holds no room
                    continuing.setdefault(r["id"], []).append(e)
            starting.setdefault(slot_id, []).append(e)
    return starting, continuing
