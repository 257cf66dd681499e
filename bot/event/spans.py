"""Sessions of several slots: which slots a placement takes.

A placement names the slot a session starts in and how many consecutive slots it takes (its
length in that version); everything that shows, checks or counts a timetable finds the rest
here, so a session of two slots is one session in one room over both.
"""

from __future__ import annotations

from dataclasses import replace

from bot.event.models import Entry
from bot.event.times import from_utc_text
from bot.storage import Row


def covered(slot_rows: list[Row], slot_id: int, length: int) -> list[Row]:
    """The slots a session of `length` slots placed in `slot_id` takes: that slot and the ones
    after it on its day, up to `length`, stopping at a break (fewer than `length` when the
    timetable changed since; none when the slot is gone)."""
    first = next((r for r in slot_rows if r["id"] == slot_id), None)
    if first is None:
        return []
    out = [first]
    for r in slot_rows[slot_rows.index(first) + 1:]:
        if len(out) >= length or r["day_id"] != first["day_id"] or r["is_break"]:
            break
        out.append(r)
    return out


def spans(slot_rows: list[Row], by_slot: dict[int, list[Entry]]
          ) -> tuple[dict[int, list[Entry]], dict[int, list[Entry]]]:
    """A version's sessions by the slot they start in, those of several slots with the time
    they end (`Entry.ends`), and by the later slots they still hold their room in."""
    starting: dict[int, list[Entry]] = {}
    continuing: dict[int, list[Entry]] = {}
    for slot_id, entries in by_slot.items():
        for e in entries:
            more = covered(slot_rows, slot_id, e.length)[1:] if e.length > 1 else []
            if more:
                e = replace(e, ends=from_utc_text(more[-1]["end_utc"]))
                for r in more:
                    continuing.setdefault(r["id"], []).append(e)
            starting.setdefault(slot_id, []).append(e)
    return starting, continuing
