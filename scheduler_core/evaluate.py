"""Figures computed straight from the definitions, independent of the search's bookkeeping.

`utility_of` is how tests and the CLI check a timetable; `expected_attendance` and `assign_rooms`
turn slot contents into rooms (largest attendance to largest room).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from scheduler_core.models import Instance


def _placed_by_slot(placements: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    by_slot: dict[str, list[str]] = defaultdict(list)
    for session, slot in placements:
        by_slot[slot].append(session)
    return by_slot


def utility_of(instance: Instance, placements: Iterable) -> int:
    """Σ over attendees and slots of the attendee's highest level among the slot's sessions.

    `placements` holds objects with `.session` and `.slot` (Assignment, Placement) or pairs.
    """
    pairs = [(p.session, p.slot) if hasattr(p, "session") else tuple(p) for p in placements]
    slot_of = {s: t for s, t in pairs}
    best: dict[tuple[str, str], int] = {}
    for it in instance.interest:
        slot = slot_of.get(it.session)
        if slot is None:
            continue
        key = (it.attendee, slot)
        if it.level > best.get(key, 0):
            best[key] = it.level
    return sum(best.values())


def expected_attendance(instance: Instance,
                        placements: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Attendees each session can expect: everyone whose highest level in the slot is for it.

    An attendee torn between equal levels goes to the session more people want overall, so the
    figure is a whole number of people and the choice is the same on every run.
    """
    slot_of = dict(placements)
    popularity: dict[str, int] = defaultdict(int)
    for it in instance.interest:
        popularity[it.session] += it.level
    choice: dict[tuple[str, str], tuple[int, int, str]] = {}
    for it in instance.interest:
        slot = slot_of.get(it.session)
        if slot is None or it.level <= 0:
            continue
        key = (it.attendee, slot)
        cand = (it.level, popularity[it.session], it.session)
        if key not in choice or cand > choice[key]:
            choice[key] = cand
    counts = {s: 0 for s in slot_of}
    for _, _, session in choice.values():
        counts[session] += 1
    return counts


def assign_rooms(instance: Instance, placements: list[tuple[str, str]],
                 attendance: dict[str, int]) -> dict[str, str]:
    """Room per session: fixed ones keep theirs; the rest, by attendance, largest to largest.

    Ties in attendance keep a session's previous room where that room is still free, so a
    re-run does not shuffle rooms for nothing.
    """
    fixed = {p.session: p.room for p in instance.fixed}
    previous = {p.session: p.room for p in instance.previous or []}
    order = {r.id: i for i, r in enumerate(instance.rooms)}
    rooms_by_size = sorted(instance.rooms, key=lambda r: (-r.capacity, order[r.id]))
    room_of: dict[str, str] = {}
    for sessions in _placed_by_slot(placements).values():
        taken = {fixed[s] for s in sessions if s in fixed}
        room_of.update({s: fixed[s] for s in sessions if s in fixed})
        free = [r.id for r in rooms_by_size if r.id not in taken]
        rest = sorted((s for s in sessions if s not in fixed), key=lambda s: -attendance[s])
        # Group sessions of equal attendance; within a group, previous rooms are honoured.
        i = 0
        while i < len(rest):
            j = i
            while j < len(rest) and attendance[rest[j]] == attendance[rest[i]]:
                j += 1
            group, block = rest[i:j], free[i:j]
            keep = {s: previous[s] for s in group if previous.get(s) in block}
            used = set(keep.values())
            if len(used) != len(keep):
                keep = {}
                used = set()
            others = iter(r for r in block if r not in used)
            for s in group:
                room_of[s] = keep.get(s) or next(others)
            i = j
    return room_of
