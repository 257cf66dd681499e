"""Plain-sentence explanations: an attendee's clashes, rooms over capacity, unplaced sessions.

Only reasons the data shows are given (the attendee proposes one, the slot is locked, a
session may only go in a few slots, more wanted sessions than slots); otherwise the sentence
says what the scheduler optimises and how many people each session draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.event.changes import TextFormat, TimeFormat, plain
from bot.event.models import (
    Entry,
    Level,
    PublishedTimetable,
    RoomView,
    ScheduleVersion,
    SlotView,
    level_name,
)


@dataclass(frozen=True, slots=True)
class Clash:
    """Two or more sessions the attendee wants, in one slot; `sessions` best first."""

    slot: SlotView
    sessions: tuple[tuple[Entry, int], ...]   # (entry, the attendee's level)
    text: str


def _list(titles: Sequence[str]) -> str:
    quoted = [f"“{t}”" for t in titles]  # titles already shown with `esc`
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def clashes(timetable: PublishedTimetable, levels: Mapping[int, int], fmt: TimeFormat, *,
            user_id: int | None = None, min_level: int = Level.YES,
            allowed_slots: Mapping[int, tuple[int, ...] | None] | None = None,
            esc: TextFormat = plain) -> list[Clash]:
    """Slots holding two or more sessions the attendee rated `min_level` or more (or hosts),
    each with a sentence saying which, which one they will probably attend, and why."""
    allowed_slots = allowed_slots or {}
    slots = [ps for d in timetable.days for ps in d.slots if not ps.slot.is_break]
    wanted_total = sum(1 for ps in slots for e in ps.entries
                       if levels.get(e.session_id, 0) >= min_level or e.hosted_by(user_id))
    out = []
    for ps in slots:
        wanted = [e for e in ps.entries
                  if levels.get(e.session_id, 0) >= min_level or e.hosted_by(user_id)]
        if len(wanted) < 2:
            continue
        wanted.sort(key=lambda e: (not e.hosted_by(user_id), -levels.get(e.session_id, 0),
                                   -e.expected_attendance, e.session_id))
        first, others = wanted[0], wanted[1:]
        title = {e.session_id: esc(e.title) for e in wanted}
        parts = [f"{_list([title[e.session_id] for e in wanted])} are all at "
                 f"{fmt(ps.slot.start)}." if len(wanted) > 2 else
                 f"“{title[first.session_id]}” and “{title[others[0].session_id]}” are both at "
                 f"{fmt(ps.slot.start)}."]
        if first.hosted_by(user_id):
            parts.append(f"You present “{title[first.session_id]}”, so that is where you "
                         "will be.")
        else:
            parts.append(f"You rated “{title[first.session_id]}” "
                         f"{level_name(levels.get(first.session_id, 0))}"
                         f", so your timetable sends you there; "
                         + "; ".join(f"“{title[e.session_id]}” is "
                                     f"{level_name(levels.get(e.session_id, 0))}"
                                     for e in others) + ".")
        reasons = []
        if ps.slot.locked:
            reasons.append("the organisers locked this slot, so its sessions no longer move")
        for e in wanted:
            allowed = allowed_slots.get(e.session_id)
            if allowed is not None and len(allowed) <= 3:
                n = len(allowed)
                reasons.append(f"“{title[e.session_id]}” may only take place in {n} "
                               f"slot{'s' if n != 1 else ''}")
        if wanted_total > len(slots):
            reasons.append(f"you want {wanted_total} sessions and there are only {len(slots)} "
                           "slots, so some clashes cannot be avoided")
        if reasons:
            parts.append("Why: " + "; ".join(reasons) + ".")
        else:
            parts.append("Why: the scheduler places sessions so that, over all attendees, as "
                         "many wishes as possible are met, and it found no better place for "
                         "these: " + ", ".join(f"“{title[e.session_id]}” draws about "
                                               f"{e.expected_attendance} people"
                                               for e in wanted) + ".")
        out.append(Clash(ps.slot, tuple((e, levels.get(e.session_id, 0)) for e in wanted),
                         " ".join(parts)))
    return out


def over_capacity(timetable: PublishedTimetable, rooms: Sequence[RoomView],
                  fmt: TimeFormat, esc: TextFormat = plain) -> list[str]:
    """One sentence per session expected to draw more people than its room holds."""
    capacity = {r.id: r.capacity for r in rooms}
    out = []
    for d in timetable.days:
        for ps in d.slots:
            for e in ps.entries:
                cap = capacity.get(e.room_id)
                if cap is not None and e.expected_attendance > cap:
                    out.append(f"“{esc(e.title)}” at {fmt(ps.slot.start)} expects about "
                               f"{e.expected_attendance} people, but {esc(e.room_name)} holds "
                               f"{cap}. "
                               "Consider a larger room for it.")
    return out


def unplaced(version: ScheduleVersion, esc: TextFormat = plain) -> list[str]:
    """One sentence per session the run left out, with the engine's reason."""
    return [f"“{esc(u.title) if u.title else f'Session {u.session_id}'}” is not in the "
            f"timetable: {u.reason}."
            for u in version.unplaced]
