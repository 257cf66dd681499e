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
    PublishedSlot,
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
    each with a sentence saying which, which one they will probably attend, and why. A session
    of several slots clashes with what runs beside it in any of them; a clash is told once, in
    the slot where the last of its sessions starts."""
    allowed_slots = allowed_slots or {}
    slots = [ps for d in timetable.days for ps in d.slots if not ps.slot.is_break]
    wanted_total = sum(e.length for ps in slots for e in ps.entries
                       if levels.get(e.session_id, 0) >= min_level or e.hosted_by(user_id))
    out = []
    for ps in slots:
        wanted = [e for e in ps.held
                  if levels.get(e.session_id, 0) >= min_level or e.hosted_by(user_id)]
        if len(wanted) < 2 or not any(e in ps.entries for e in wanted):
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
    """One sentence per session expected to draw more people than its room holds, with what
    the organiser can do about it: only what the rooms and that slot allow (a session already
    in the largest room is never told to take a larger one)."""
    capacity = {r.id: r.capacity for r in rooms}
    out = []
    for d in timetable.days:
        for ps in d.slots:
            for e in ps.entries:
                cap = capacity.get(e.room_id)
                if cap is not None and e.expected_attendance > cap:
                    span = [x for x in d.slots if x is ps or e in x.continuing]
                    out.append(f"“{esc(e.title)}” at {fmt(ps.slot.start)} expects about "
                               f"{e.expected_attendance} people, but {esc(e.room_name)} holds "
                               f"{cap}. " + _room_advice(span, e, cap, rooms, esc))
    return out


def _room_advice(span: Sequence[PublishedSlot], e: Entry, cap: int,
                 rooms: Sequence[RoomView], esc: TextFormat) -> str:
    """What would seat `e`: a larger room free in its slot (in every slot it takes, for a
    session of several), or a room that does not exist yet. The scheduler gives a slot's
    larger rooms to its sessions that draw more, and a locked slot keeps its sessions in their
    rooms."""
    ps = span[0]
    need = e.expected_attendance
    add = f"add a room for at least {need} people (/admin room add), then run the scheduler again"
    locked = [x.slot.id for x in span if x.slot.locked]
    unlock = (f"unlock its slot (/admin slot unlock slot:{locked[0]}) and "
              if len(locked) == 1 else
              "unlock its slots (/admin slot unlock) and " if locked else "")
    larger = sorted((r for r in rooms if r.capacity > cap), key=lambda r: -r.capacity)
    if not larger:
        return f"No room holds more: {unlock}{add}."
    busy = {x.room_id for later in span[1:] for x in later.held if x.session_id != e.session_id}
    holding = {x.room_id: x for x in ps.held}
    free = [r for r in larger if r.id not in holding and r.id not in busy]
    if free:
        return (f"{esc(free[0].name)} (holds {free[0].capacity}) is free at that time: "
                f"{unlock}run the scheduler again to seat it there.")
    smaller_draw = [holding[r.id] for r in larger
                    if r.id in holding and holding[r.id].expected_attendance < need]
    if smaller_draw:  # only a locked slot, or a version older than the rooms, leaves this
        other = smaller_draw[0]
        return (f"“{esc(other.title)}” in the larger {esc(other.room_name)} draws fewer "
                f"(about {other.expected_attendance}): {unlock}run the scheduler again to "
                "swap them.")
    taken = ", ".join(f"{esc(holding[r.id].room_name)} (“{esc(holding[r.id].title)}”, about "
                      f"{holding[r.id].expected_attendance})" for r in larger[:3]
                      if r.id in holding)
    if not taken:
        return (f"The larger rooms are taken in the later slots it runs in. To seat it, "
                f"{unlock}{add}.")
    more = f" and {len(larger) - 3} more" if len(larger) > 3 else ""
    return (f"The larger rooms then hold sessions that draw more people: {taken}{more}. To "
            f"seat it, {unlock}{add}.")


def unplaced_advice(timetable: PublishedTimetable, rooms: Sequence[RoomView]) -> str | None:
    """What would place the sessions a run left out when no room is free in any slot the
    scheduler may use: more rooms or more slots (None when some place is free: then the
    sessions' own limits kept them out, and their reasons say which)."""
    open_slots = [ps for d in timetable.days for ps in d.slots
                  if not ps.slot.is_break and not ps.slot.locked]
    if not open_slots:
        return ("Every slot is a break or locked: unlock a slot (/admin slot unlock) or add "
                "one (/admin slot add), then run the scheduler again.")
    if not rooms or any(len(ps.held) < len(rooms) for ps in open_slots):
        return None
    return ("Every room is taken in every slot the scheduler may use: add a room (/admin room "
            "add) or a slot (/admin slot add), then run the scheduler again.")


def unplaced(version: ScheduleVersion, esc: TextFormat = plain) -> list[str]:
    """One sentence per session the run left out, with the engine's reason."""
    return [f"“{esc(u.title) if u.title else f'Session {u.session_id}'}” is not in the "
            f"timetable: {u.reason}."
            for u in version.unplaced]
