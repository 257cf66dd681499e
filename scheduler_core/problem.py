"""The instance compiled to integer indices, the form every algorithm here works on.

Ids are strings in the contract; the search loops run on small ints and plain lists, which is
what keeps pure Python fast enough.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from scheduler_core.models import Instance

UNPLACED = -1


@dataclass(frozen=True)
class Problem:
    instance: Instance
    slot_ids: list[str]            # schedulable (non-break) slots only, in input order
    room_ids: list[str]            # all rooms, in input order
    session_ids: list[str]
    attendee_ids: list[str]
    capacity: list[int]            # per slot: rooms open to movable sessions (0 when locked)
    allowed: list[list[int]]       # per session: slots it may go in (one for fixed sessions)
    fixed_slot: list[int]          # per session: its fixed slot, or UNPLACED
    raters: list[list[tuple[int, int]]]   # per session: (attendee, level > 0)
    conflicts: list[list[int]]     # per session: other sessions sharing a proposer
    previous_slot: list[int]       # per session: slot in `previous`, or UNPLACED
    in_previous: list[bool]
    total_interest: list[int]      # per session: sum of levels

    @property
    def n_slots(self) -> int:
        return len(self.slot_ids)

    @property
    def n_sessions(self) -> int:
        return len(self.session_ids)

    @property
    def n_attendees(self) -> int:
        return len(self.attendee_ids)

    @property
    def n_rooms(self) -> int:
        return len(self.room_ids)

    def movable(self, s: int) -> bool:
        return self.fixed_slot[s] == UNPLACED

    @functools.cached_property
    def placeable(self) -> list[int]:
        """The sessions a solver may seat: movable, with some slot allowed."""
        return [s for s in range(self.n_sessions) if self.movable(s) and self.allowed[s]]


def compile_problem(inst: Instance) -> Problem:
    slot_ids = [s.id for s in inst.slots if not s.is_break]
    slot_index = {sid: i for i, sid in enumerate(slot_ids)}
    session_ids = [s.id for s in inst.sessions]
    session_index = {sid: i for i, sid in enumerate(session_ids)}

    fixed_slot = [UNPLACED] * len(session_ids)
    # A locked slot is left alone: it keeps its fixed sessions and takes no others.
    locked = {s.id for s in inst.slots if s.locked}
    capacity = [0 if sid in locked else len(inst.rooms) for sid in slot_ids]
    for p in inst.fixed:
        s, t = session_index[p.session], slot_index[p.slot]
        fixed_slot[s] = t
        if slot_ids[t] not in locked:
            capacity[t] -= 1

    open_slots = [t for t, free in enumerate(capacity) if free > 0]
    allowed: list[list[int]] = []
    for i, sess in enumerate(inst.sessions):
        if fixed_slot[i] != UNPLACED:
            allowed.append([fixed_slot[i]])
        elif sess.allowed_slots is None:
            allowed.append(list(open_slots))
        else:
            ok = {slot_index[x] for x in sess.allowed_slots if x in slot_index}
            allowed.append([t for t in open_slots if t in ok])

    attendee_ids: list[str] = []
    attendee_index: dict[str, int] = {}
    raters: list[list[tuple[int, int]]] = [[] for _ in session_ids]
    for it in inst.interest:
        if it.level <= 0:
            continue
        a = attendee_index.get(it.attendee)
        if a is None:
            a = attendee_index[it.attendee] = len(attendee_ids)
            attendee_ids.append(it.attendee)
        raters[session_index[it.session]].append((a, it.level))

    by_proposer: dict[str, list[int]] = {}
    for i, sess in enumerate(inst.sessions):
        for p in sess.proposers:
            by_proposer.setdefault(p, []).append(i)
    conflicts: list[set[int]] = [set() for _ in session_ids]
    for group in by_proposer.values():
        for s in group:
            conflicts[s].update(x for x in group if x != s)

    previous_slot = [UNPLACED] * len(session_ids)
    in_previous = [False] * len(session_ids)
    for p in inst.previous or []:
        s = session_index.get(p.session)
        if s is not None:
            in_previous[s] = True
            previous_slot[s] = slot_index.get(p.slot, UNPLACED)

    return Problem(
        instance=inst,
        slot_ids=slot_ids,
        room_ids=[r.id for r in inst.rooms],
        session_ids=session_ids,
        attendee_ids=attendee_ids,
        capacity=capacity,
        allowed=allowed,
        fixed_slot=fixed_slot,
        raters=raters,
        conflicts=[sorted(c) for c in conflicts],
        previous_slot=previous_slot,
        in_previous=in_previous,
        total_interest=[sum(level for _, level in r) for r in raters],
    )
