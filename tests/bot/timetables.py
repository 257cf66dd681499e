"""Builders of published timetables in memory, for tests that need no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.event.models import Entry, PublishedDay, PublishedSlot, PublishedTimetable, SlotView

ROOMS = ("Main hall", "Workshop room", "Garden", "Library", "Attic")


def slot(slot_id: int, start: datetime, minutes: int = 45, *, is_break: bool = False,
         label: str = "", locked: bool = False, day_id: int = 1) -> SlotView:
    return SlotView(id=slot_id, day_id=day_id, start=start, end=start + timedelta(minutes=minutes),
                    is_break=is_break, locked=locked, label=label)


def entry(session_id: int, title: str, room: int = 0, *, owner: int | None = None,
          attendance: int = 10) -> Entry:
    return Entry(session_id=session_id, title=title, owner_id=owner or 1000 + session_id,
                 room_id=room + 1, room_name=ROOMS[room], expected_attendance=attendance)


def build(days: int = 2, slots_per_day: int = 4, rooms: int = 3, *, version_id: int = 1,
          title=lambda sid: f"Session {sid}", break_after: int | None = 2,
          first_day: date = date(2026, 7, 6)) -> PublishedTimetable:
    """Days of back-to-back 45-minute slots from 07:30 UTC (09:30 Brussels), every room full,
    with a 30-minute coffee break after `break_after` slots each day."""
    out, sid, slot_id = [], 0, 0
    for d in range(days):
        day = first_day + timedelta(days=d)
        at = datetime(day.year, day.month, day.day, 7, 30, tzinfo=UTC)
        pslots = []
        for i in range(slots_per_day):
            if i == break_after:
                slot_id += 1
                pslots.append(PublishedSlot(slot(slot_id, at, 30, is_break=True, label="Coffee",
                                                 day_id=d + 1), ()))
                at += timedelta(minutes=30)
            slot_id += 1
            entries = []
            for r in range(rooms):
                sid += 1
                entries.append(entry(sid, title(sid), r, attendance=(sid * 7) % 60))
            pslots.append(PublishedSlot(slot(slot_id, at, day_id=d + 1), tuple(entries)))
            at += timedelta(minutes=60)
        out.append(PublishedDay(day, day.strftime("%A"), tuple(pslots)))
    return PublishedTimetable(version_id, "Europe/Brussels", tuple(out))


def lengthen(tt: PublishedTimetable, session_id: int, length: int) -> PublishedTimetable:
    """The timetable with one session taking `length` consecutive slots from its own, in its
    room, as the rules lay it out (`bot.event.spans`): the sessions it displaces in that room
    are left out, and it goes on in the slots after its first (none may be a break)."""
    days = []
    for d in tt.days:
        slots = list(d.slots)
        at = next((i for i, ps in enumerate(slots)
                   if any(e.session_id == session_id for e in ps.entries)), None)
        if at is not None:
            first = next(e for e in slots[at].entries if e.session_id == session_id)
            later = slots[at + 1:at + length]
            assert len(later) == length - 1 and not any(ps.slot.is_break for ps in later)
            e = replace(first, length=length, ends=later[-1].slot.end)
            slots[at] = replace(slots[at], entries=tuple(
                e if x.session_id == session_id else x for x in slots[at].entries))
            for i in range(at + 1, at + length):
                slots[i] = replace(slots[i], entries=tuple(
                    x for x in slots[i].entries if x.room_id != e.room_id),
                    continuing=(*slots[i].continuing, e))
        days.append(replace(d, slots=tuple(slots)))
    return replace(tt, days=tuple(days))
