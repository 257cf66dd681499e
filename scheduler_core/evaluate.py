"""Figures computed straight from the definitions, independent of the search's bookkeeping.

`utility_of` is how tests and the CLI check a timetable; `expected_attendance` and `assign_rooms`
turn slot contents into rooms (largest attendance to largest room).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from scheduler_core.models import Instance
from scheduler_core.seats import slot_worth


def _placed_by_slot(placements: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    by_slot: dict[str, list[str]] = defaultdict(list)
    for session, slot in placements:
        by_slot[slot].append(session)
    return by_slot


def _occupied(instance: Instance, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(session, slot) for every slot each placed session occupies."""
    length = {s.id: s.length for s in instance.sessions}
    order = [s.id for s in instance.slots]
    out = []
    for session, slot in pairs:
        n = length.get(session, 1)
        if n == 1:
            out.append((session, slot))
        else:
            i = order.index(slot)
            out.extend((session, u) for u in order[i:i + n])
    return out


def utility_of(instance: Instance, placements: Iterable) -> int:
    """Σ over attendees and slots of the attendee's highest level among the slot's sessions,
    where the attendee is present; a session of several slots counts in each.

    `placements` holds objects with `.session` and `.slot` (Assignment, Placement) or pairs.
    """
    pairs = [(p.session, p.slot) if hasattr(p, "session") else tuple(p) for p in placements]
    slots_of: dict[str, list[str]] = defaultdict(list)
    for s, t in _occupied(instance, pairs):
        slots_of[s].append(t)
    present = {av.attendee: set(av.slots) for av in instance.availability}
    best: dict[tuple[str, str], int] = {}
    for it in instance.interest:
        for slot in slots_of.get(it.session, []):
            if it.attendee in present and slot not in present[it.attendee]:
                continue
            key = (it.attendee, slot)
            if it.level > best.get(key, 0):
                best[key] = it.level
    return sum(best.values())


def seated_utility(instance: Instance, placements: Iterable[tuple[str, str, str]]) -> int:
    """Utility when seats count: (session, first slot, room) triples; in every slot, each
    present attendee goes to their best session there, its room seats the ones who want it
    most, and each attendee beyond its capacity gains nothing and costs `overflow_penalty`."""
    triples = list(placements)
    room_of = {s: r for s, _, r in triples}
    capacity = {r.id: r.capacity for r in instance.rooms}
    by_slot: dict[str, list[str]] = defaultdict(list)
    for s, t in _occupied(instance, [(s, t) for s, t, _ in triples]):
        by_slot[t].append(s)
    present = {av.attendee: set(av.slots) for av in instance.availability}
    popularity: dict[str, int] = defaultdict(int)
    for it in instance.interest:
        popularity[it.session] += it.level
    rank = {s: i for i, s in enumerate(sorted((x.id for x in instance.sessions),
                                               key=lambda s: (popularity[s], s)))}
    raters: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for it in instance.interest:
        if it.level > 0:
            raters[it.session].append((it.attendee, it.level))
    people = {a: i for i, a in enumerate(sorted({a for r in raters.values() for a, _ in r}))}
    total = 0
    for slot, sessions in by_slot.items():
        offers = []
        for s in sessions:
            here = [(people[a], lv) for a, lv in raters[s]
                    if a not in present or slot in present[a]]
            offers.append((np.array([a for a, _ in here], dtype=np.intp),
                           np.array([lv for _, lv in here], dtype=np.int32)))
        total += slot_worth(offers, [rank[s] for s in sessions],
                            [capacity[room_of[s]] for s in sessions], [],
                            instance.overflow_penalty)
    return total


def expected_attendance(instance: Instance,
                        placements: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Attendees each session can expect: everyone whose highest level in the slot is for it
    (in the slot where most do, for a session of several slots).

    An attendee torn between equal levels goes to the session more people want overall, so the
    figure is a whole number of people and the choice is the same on every run.
    """
    pairs = list(placements)
    slots_of: dict[str, list[str]] = defaultdict(list)
    for s, t in _occupied(instance, pairs):
        slots_of[s].append(t)
    present = {av.attendee: set(av.slots) for av in instance.availability}
    popularity: dict[str, int] = defaultdict(int)
    for it in instance.interest:
        popularity[it.session] += it.level
    choice: dict[tuple[str, str], tuple[int, int, str]] = {}
    for it in instance.interest:
        if it.level <= 0:
            continue
        for slot in slots_of.get(it.session, []):
            if it.attendee in present and slot not in present[it.attendee]:
                continue
            key = (it.attendee, slot)
            cand = (it.level, popularity[it.session], it.session)
            if key not in choice or cand > choice[key]:
                choice[key] = cand
    per_slot: dict[tuple[str, str], int] = defaultdict(int)
    for (_, slot), (_, _, session) in choice.items():
        per_slot[session, slot] += 1
    counts = {s: 0 for s, _ in pairs}
    for (session, _), n in per_slot.items():
        counts[session] = max(counts[session], n)
    return counts


def assign_rooms(instance: Instance, placements: list[tuple[str, str]],
                 attendance: dict[str, int],
                 seated: dict[str, str] | None = None) -> dict[str, str]:
    """Room per session: fixed ones keep theirs; the rest, by attendance, largest to largest.

    A session of several slots keeps one room throughout: it takes its room in its first slot,
    among the rooms free in every slot it spans. Ties in attendance keep a session's previous
    room where that room is still free, so a re-run does not shuffle rooms for nothing.
    `seated`: a room per session of several slots known to be free over its slots (the
    engine's timetable holds one), taken when the search for better ones gives up, and taken
    first when seats count (the engine valued the timetable with those rooms; the sessions of
    one slot then share the rooms left as `seats.slot_worth` shares them); without it, a
    placement that no such rooms exist for is refused (ValueError) rather than given a room
    two sessions hold at once.
    """
    fixed = {p.session: p.room for p in instance.fixed}
    previous = {p.session: p.room for p in instance.previous or []}
    order = {r.id: i for i, r in enumerate(instance.rooms)}
    rooms_by_size = sorted(instance.rooms, key=lambda r: (-r.capacity, order[r.id]))
    slot_order = [s.id for s in instance.slots]
    occupied = _occupied(instance, placements)
    start = dict(placements)
    span: dict[str, list[str]] = defaultdict(list)
    for s, t in occupied:
        span[s].append(t)
    taken: dict[str, set[str]] = defaultdict(set)  # slot -> rooms held
    for s, room in fixed.items():
        for t in span.get(s, []):
            taken[t].add(room)
    room_of: dict[str, str] = {s: fixed[s] for s in start if s in fixed}
    by_slot = _placed_by_slot(placements)
    # first, the sessions of several slots: each needs a room free in every slot it spans
    slot_index = {t: i for i, t in enumerate(slot_order)}
    long = sorted((s for s in start if s not in fixed and len(span[s]) > 1),
                  key=lambda s: (slot_index[start[s]], -attendance[s]))
    room_of.update(_long_rooms(long, span, taken, rooms_by_size, previous, attendance,
                               seated or {}, keep=instance.capacity_mode == "seats"))
    for slot in slot_order:
        sessions = [s for s in by_slot.get(slot, []) if s not in fixed]
        if not sessions:
            continue
        free = [r.id for r in rooms_by_size if r.id not in taken[slot]]
        rest = sorted((s for s in sessions if len(span[s]) == 1), key=lambda s: -attendance[s])
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
                taken[slot].add(room_of[s])
            i = j
    return room_of


#: How many rooms `_long_rooms` may try before it settles for the `seated` rooms.
LONG_ROOM_TRIES = 20_000


def _long_rooms(long: list[str], span: dict[str, list[str]], taken: dict[str, set[str]],
                rooms_by_size: list, previous: dict[str, str],
                attendance: dict[str, int], seated: dict[str, str],
                keep: bool = False) -> dict[str, str]:
    """A room for each session of several slots, free in every slot it spans (`taken` is
    updated). Each tries its previous room first, then the smallest room that holds the people
    expected (the larger ones stay for the sessions of one slot that need them), then the
    larger and the smaller ones; a choice that leaves a later session no room is undone (rooms
    that fixed sessions hold in some slots can make a first choice a dead end where another
    exists). When that finds nothing, the `seated` rooms are taken; with `keep`, they are
    taken first when they are free and apart."""
    if keep and all(s in seated for s in long):
        held: list[tuple[str, str]] = []
        for s in long:
            if any(seated[s] in taken[t] for t in span[s]):
                break
            held.append((s, seated[s]))
            for t in span[s]:
                taken[t].add(seated[s])
        else:
            return dict(held)
        for s, room in held:
            for t in span[s]:
                taken[t].discard(room)
    rooms = [r.id for r in rooms_by_size]
    capacity = {r.id: r.capacity for r in rooms_by_size}
    chosen: dict[str, str] = {}
    tries = 0

    def candidates(s: str) -> list[str]:
        free = [r for r in rooms if all(r not in taken[t] for t in span[s])]
        holds = [r for r in free if capacity[r] >= attendance[s]]
        free = holds[::-1] + [r for r in free if capacity[r] < attendance[s]]
        if previous.get(s) in free:
            free.remove(previous[s])
            free.insert(0, previous[s])
        return free

    def hold(s: str, room: str, on: bool) -> None:
        for t in span[s]:
            (taken[t].add if on else taken[t].discard)(room)

    def place(i: int) -> bool:
        nonlocal tries
        if i == len(long):
            return True
        s = long[i]
        for room in candidates(s):
            tries += 1
            if tries > LONG_ROOM_TRIES:
                return False
            chosen[s] = room
            hold(s, room, True)
            if place(i + 1):
                return True
            hold(s, room, False)
            del chosen[s]
        return False

    if len(long) < 500 and place(0):  # deeper would near Python's recursion limit
        return chosen
    for s, room in chosen.items():  # none found (or too costly): the rooms given
        hold(s, room, False)
    missing = [s for s in long if s not in seated]
    if missing:
        raise ValueError(f"no room is free through all the slots of {missing[0]!r}")
    for s in long:
        if any(seated[s] in taken[t] for t in span[s]):
            raise ValueError(f"room {seated[s]!r} is not free through all the slots of {s!r}")
        hold(s, seated[s], True)
    return {s: seated[s] for s in long}
