"""Plain-sentence explanations: an attendee's clashes, rooms over capacity, unplaced sessions.

Only reasons the data shows are given (the attendee proposes one, the slot is locked, a
session may only go in a few slots, more wanted sessions than slots); otherwise the sentence
says what the scheduler optimises and how many people each session draws.
"""

from __future__ import annotations

import re
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
from bot.i18n import ENGLISH, N_, Language, Message

#: The interest levels in words, in the reader's language (the same words as the choices of
#: /interest level, so one translation serves both).
LEVEL_WORDS: dict[int, Message] = {Level.NONE: N_("none"), Level.A_LITTLE: N_("a little"),
                                   Level.YES: N_("yes"), Level.VERY: N_("very")}


def level_word(level: int, t: Language = ENGLISH) -> str:
    """"very", "sehr"; a level that is none of the four, as its number."""
    word = LEVEL_WORDS.get(level)
    return level_name(level) if word is None else t.text(word)


@dataclass(frozen=True, slots=True)
class Clash:
    """Two or more sessions the attendee wants, in one slot; `sessions` best first."""

    slot: SlotView
    sessions: tuple[tuple[Entry, int], ...]   # (entry, the attendee's level)
    text: str


def _list(titles: Sequence[str], t: Language = ENGLISH) -> str:
    """“A”, “B” and “C” (titles already shown with `esc`)."""
    quoted = [t.gettext("“{title}”", title=x) for x in titles]
    if len(quoted) == 1:
        return quoted[0]
    # TRANSLATORS: the end of a list: "“A”, “B” and “C”"
    return t.gettext("{first} and {last}", first=", ".join(quoted[:-1]), last=quoted[-1])


def clashes(timetable: PublishedTimetable, levels: Mapping[int, int], fmt: TimeFormat, *,
            user_id: int | None = None, min_level: int = Level.YES,
            allowed_slots: Mapping[int, tuple[int, ...] | None] | None = None,
            esc: TextFormat = plain, t: Language = ENGLISH) -> list[Clash]:
    """Slots holding two or more sessions the attendee rated `min_level` or more (or hosts),
    each with a sentence saying which, which one they will probably attend, and why (in `t`).
    A session of several slots clashes with what runs beside it in any of them; a clash is
    told once, in the slot where the last of its sessions starts."""
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
        when = fmt(ps.slot.start)
        parts = [t.gettext("{titles} are all at {when}.", when=when,
                           titles=_list([title[e.session_id] for e in wanted], t))
                 if len(wanted) > 2 else
                 t.gettext("“{first}” and “{second}” are both at {when}.", when=when,
                           first=title[first.session_id], second=title[others[0].session_id])]
        if first.hosted_by(user_id):
            parts.append(t.gettext("You present “{title}”, so that is where you will be.",
                                   title=title[first.session_id]))
        else:
            rest = "; ".join(t.gettext("“{title}” is {level}", title=title[e.session_id],
                                       level=level_word(levels.get(e.session_id, 0), t))
                             for e in others)
            parts.append(t.gettext("You rated “{title}” {level}, so your timetable sends you "
                                   "there; {others}.", title=title[first.session_id],
                                   level=level_word(levels.get(first.session_id, 0), t),
                                   others=rest))
        reasons = []
        if ps.slot.locked:
            reasons.append(t.gettext("the organisers locked this slot, so its sessions no "
                                     "longer move"))
        for e in wanted:
            allowed = allowed_slots.get(e.session_id)
            if allowed is not None and len(allowed) <= 3:
                reasons.append(t.ngettext("“{title}” may only take place in {n} slot",
                                          "“{title}” may only take place in {n} slots",
                                          len(allowed), title=title[e.session_id]))
        if wanted_total > len(slots):
            reasons.append(t.ngettext(
                "you want {wanted} sessions and there is only {n} slot, so some clashes cannot "
                "be avoided",
                "you want {wanted} sessions and there are only {n} slots, so some clashes "
                "cannot be avoided", len(slots), wanted=wanted_total))
        if reasons:
            parts.append(t.gettext("Why: {reasons}.", reasons="; ".join(reasons)))
        else:
            draws = ", ".join(t.gettext("“{title}” draws about {people} people",
                                        title=title[e.session_id],
                                        people=e.expected_attendance) for e in wanted)
            parts.append(t.gettext("Why: the scheduler places sessions so that, over all "
                                   "attendees, as many wishes as possible are met, and it found "
                                   "no better place for these: {draws}.", draws=draws))
        out.append(Clash(ps.slot, tuple((e, levels.get(e.session_id, 0)) for e in wanted),
                         " ".join(parts)))
    return out


def over_capacity(timetable: PublishedTimetable, rooms: Sequence[RoomView],
                  fmt: TimeFormat, esc: TextFormat = plain, t: Language = ENGLISH) -> list[str]:
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
                    out.append(t.gettext(
                        "“{title}” at {when} expects about {people} people, but {room} holds "
                        "{capacity}.", title=esc(e.title), when=fmt(ps.slot.start),
                        people=e.expected_attendance, room=esc(e.room_name), capacity=cap)
                        + " " + _room_advice(span, e, cap, rooms, esc, t))
    return out


def _room_advice(span: Sequence[PublishedSlot], e: Entry, cap: int, rooms: Sequence[RoomView],
                 esc: TextFormat, t: Language = ENGLISH) -> str:
    """What would seat `e`: a larger room free in its slot (in every slot it takes, for a
    session of several), or a room that does not exist yet. The scheduler gives a slot's
    larger rooms to its sessions that draw more, and a locked slot keeps its sessions in their
    rooms (then the advice starts by unlocking it)."""
    ps = span[0]
    locks = [x.slot.id for x in span if x.slot.locked]
    need, slot, locked = e.expected_attendance, (locks or [ps.slot.id])[0], bool(locks)
    larger = sorted((r for r in rooms if r.capacity > cap), key=lambda r: -r.capacity)
    if not larger:
        if locked:
            return t.gettext("No room holds more: unlock its slot (/admin slot unlock "
                             "slot:{slot}) and add a room for at least {people} people (/admin "
                             "room add), then run the scheduler again.", slot=slot, people=need)
        return t.gettext("No room holds more: add a room for at least {people} people (/admin "
                         "room add), then run the scheduler again.", people=need)
    busy = {x.room_id for later in span[1:] for x in later.held if x.session_id != e.session_id}
    holding = {x.room_id: x for x in ps.held}
    free = [r for r in larger if r.id not in holding and r.id not in busy]
    if free:
        room, holds = esc(free[0].name), free[0].capacity
        if locked:
            return t.gettext("{room} (holds {capacity}) is free at that time: unlock its slot "
                             "(/admin slot unlock slot:{slot}) and run the scheduler again to "
                             "seat it there.", room=room, capacity=holds, slot=slot)
        return t.gettext("{room} (holds {capacity}) is free at that time: run the scheduler "
                         "again to seat it there.", room=room, capacity=holds)
    smaller_draw = [holding[r.id] for r in larger
                    if r.id in holding and holding[r.id].expected_attendance < need]
    if smaller_draw:  # only a locked slot, or a version older than the rooms, leaves this
        other = smaller_draw[0]
        found = {"title": esc(other.title), "room": esc(other.room_name),
                 "people": other.expected_attendance}
        if locked:
            return t.gettext("“{title}” in the larger {room} draws fewer (about {people}): "
                             "unlock its slot (/admin slot unlock slot:{slot}) and run the "
                             "scheduler again to swap them.", slot=slot, **found)
        return t.gettext("“{title}” in the larger {room} draws fewer (about {people}): run the "
                         "scheduler again to swap them.", **found)
    taken = [t.gettext("{room} (“{title}”, about {people})", room=esc(holding[r.id].room_name),
                       title=esc(holding[r.id].title),
                       people=holding[r.id].expected_attendance) for r in larger[:3]
             if r.id in holding]
    if not taken:  # free where it starts, held in a later slot it takes
        if locked:
            return t.gettext("The larger rooms are taken in the later slots it runs in. To seat "
                             "it, unlock its slot (/admin slot unlock slot:{slot}) and add a "
                             "room for at least {people} people (/admin room add), then run "
                             "the scheduler again.", slot=slot, people=need)
        return t.gettext("The larger rooms are taken in the later slots it runs in. To seat it, "
                         "add a room for at least {people} people (/admin room add), then run "
                         "the scheduler again.", people=need)
    listed = ", ".join(taken)
    if len(larger) > 3:
        listed = t.ngettext("{listed} and {n} more", "{listed} and {n} more", len(larger) - 3,
                            listed=listed)
    if locked:
        return t.gettext("The larger rooms then hold sessions that draw more people: {taken}. "
                         "To seat it, unlock its slot (/admin slot unlock slot:{slot}) and add "
                         "a room for at least {people} people (/admin room add), then run the "
                         "scheduler again.", taken=listed, slot=slot, people=need)
    return t.gettext("The larger rooms then hold sessions that draw more people: {taken}. To "
                     "seat it, add a room for at least {people} people (/admin room add), then "
                     "run the scheduler again.", taken=listed, people=need)


def unplaced_advice(timetable: PublishedTimetable, rooms: Sequence[RoomView],
                    t: Language = ENGLISH) -> str | None:
    """What would place the sessions a run left out when no room is free in any slot the
    scheduler may use: more rooms or more slots (None when some place is free: then the
    sessions' own limits kept them out, and their reasons say which)."""
    open_slots = [ps for d in timetable.days for ps in d.slots
                  if not ps.slot.is_break and not ps.slot.locked]
    if not open_slots:
        return t.gettext("Every slot is a break or locked: unlock a slot (/admin slot unlock) "
                         "or add one (/admin slot add), then run the scheduler again.")
    if not rooms or any(len(ps.held) < len(rooms) for ps in open_slots):
        return None
    return t.gettext("Every room is taken in every slot the scheduler may use: add a room "
                     "(/admin room add) or a slot (/admin slot add), then run the scheduler "
                     "again.")


#: Why the engine left a session out (`scheduler_core.engine.unplaced_reason`), and why a
#: result's placement no longer fit when it was stored (`scheduling._still_fitting`): the
#: English is stored with the version; it is translated when shown.
REASONS = (
    N_("none of the slots it allows is open: they are breaks, locked, or full with fixed "
       "sessions"),
    N_("there is no slot open for sessions: every slot is a break, locked, or full"),
    N_("every slot it allows is full"),
    N_("no one room is free through all the slots it would span, wherever it may start: "
       "fixed sessions hold different rooms in them"),
    N_("no one room is free through all the slots it would span, wherever it may start: "
       "fixed sessions or other sessions of several slots hold different rooms in them"),
    N_("its proposer already has a session in every slot it allows that has a free room"),
)
_PLACES = re.compile(r"more sessions than slot×room places \((\d+) sessions, (\d+) places\); "
                     r"the placed ones drew more interest")


def reason_text(reason: str, t: Language = ENGLISH) -> str:
    """A stored reason in the reader's language (as stored when it is not a known one)."""
    m = _PLACES.fullmatch(reason)
    if m:
        return t.gettext("more sessions than slot×room places ({sessions} sessions, {places} "
                         "places); the placed ones drew more interest",
                         sessions=int(m[1]), places=int(m[2]))
    return t.text(Message(reason))  # the known ones are marked (N_) where they are made


def unplaced(version: ScheduleVersion, esc: TextFormat = plain,
             t: Language = ENGLISH) -> list[str]:
    """One sentence per session the run left out, with the engine's reason."""
    return [t.gettext("“{title}” is not in the timetable: {reason}.",
                      title=esc(u.title) if u.title else t.gettext(
                          "Session {id}", id=u.session_id),
                      reason=reason_text(u.reason, t))
            for u in version.unplaced]
