"""The instance compiled to integer indices, the form every algorithm here works on.

Ids are strings in the contract; the search loops run on small ints and plain lists, which is
what keeps pure Python fast enough.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from scheduler_core.models import Instance, runs

UNPLACED = -1


@dataclass(frozen=True)
class Problem:
    instance: Instance
    slot_ids: list[str]            # schedulable (non-break) slots only, in input order
    room_ids: list[str]            # all rooms, in input order
    session_ids: list[str]
    attendee_ids: list[str]
    capacity: list[int]            # per slot: rooms open to movable sessions (0 when locked)
    allowed: list[list[int]]       # per session: slots it may start in (one for fixed sessions)
    fixed_slot: list[int]          # per session: its fixed (first) slot, or UNPLACED
    raters: list[list[tuple[int, int]]]   # per session: (attendee, level > 0)
    conflicts: list[list[int]]     # per session: others never in parallel (host, track, pair)
    length: list[int]              # per session: consecutive slots it spans, from its start
    present: np.ndarray | None     # slots × attendees: where each attendee is; None: everywhere
    seats: bool                    # capacity_mode "seats": a room seats only its capacity
    overflow_penalty: int          # seats mode: cost per attendee beyond a room's capacity
    fixed_room_capacity: list[int | None]  # per session: its fixed room's capacity
    free_room_capacities: list[list[int]]  # per slot: rooms fixed sessions leave, largest first
    fixed_rooms: list[frozenset[int]]      # per slot: rooms (indices) fixed sessions hold
    tie_rank: list[int]            # per session: who wins an attendee torn between equal levels
    previous_slot: list[int]       # per session: slot in `previous`, or UNPLACED
    in_previous: list[bool]
    total_interest: list[int]      # per session: sum of levels
    # sessions of several slots whose every open start lacks one room free of fixed sessions
    no_one_room: frozenset[int] = frozenset()

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
    def multi_slot(self) -> bool:
        return any(n > 1 for n in self.length)

    def covers(self, s: int, t: int) -> range:
        """The slots session s occupies when it starts in slot t."""
        return range(t, t + self.length[s])

    @functools.cached_property
    def levels(self) -> np.ndarray:
        """sessions × attendees: each attendee's level for each session (0: not rated)."""
        levels = np.zeros((self.n_sessions, self.n_attendees), dtype=np.int32)
        ratings = [(s, a, lv) for s, rated in enumerate(self.raters) for a, lv in rated]
        if ratings:
            s, a, lv = np.array(ratings, dtype=np.int64).T
            levels[s, a] = lv
        return levels

    @functools.cached_property
    def placeable(self) -> list[int]:
        """The sessions a solver may seat: movable, with some slot allowed."""
        return [s for s in range(self.n_sessions) if self.movable(s) and self.allowed[s]]


def compile_problem(inst: Instance) -> Problem:
    slot_ids = [s.id for s in inst.slots if not s.is_break]
    slot_index = {sid: i for i, sid in enumerate(slot_ids)}
    session_ids = [s.id for s in inst.sessions]
    session_index = {sid: i for i, sid in enumerate(session_ids)}
    length = [s.length for s in inst.sessions]

    fixed_slot = [UNPLACED] * len(session_ids)
    # A locked slot is left alone: it keeps its fixed sessions and takes no others.
    locked = {s.id for s in inst.slots if s.locked}
    capacity = [0 if sid in locked else len(inst.rooms) for sid in slot_ids]
    for p in inst.fixed:
        s, t = session_index[p.session], slot_index[p.slot]
        fixed_slot[s] = t
        for u in range(t, t + length[s]):
            if slot_ids[u] not in locked:
                capacity[u] -= 1

    room_index = {r.id: i for i, r in enumerate(inst.rooms)}
    held: list[set[int]] = [set() for _ in slot_ids]  # per slot: rooms fixed sessions hold
    for p in inst.fixed:
        s = session_index[p.session]
        for u in range(fixed_slot[s], fixed_slot[s] + length[s]):
            held[u].add(room_index[p.room])

    starts: dict[int, list[tuple[int, set[str]]]] = {}  # length -> (first slot, its run)
    for n in set(length):
        starts[n] = [(slot_index[r[0]], set(r)) for r in runs(inst.slots, n)]
    # A session of several slots keeps one room: a start where fixed sessions leave no room
    # free throughout is no start at all (`no_one_room`: those that lose every start so).
    one_room = {(t, n): bool(set(range(len(inst.rooms))).difference(*held[t:t + n]))
                for n in starts if n > 1 for t, _ in starts[n]}
    allowed: list[list[int]] = []
    no_one_room: set[int] = set()
    for i, sess in enumerate(inst.sessions):
        if fixed_slot[i] != UNPLACED:
            allowed.append([fixed_slot[i]])
            continue
        ok = None if sess.allowed_slots is None else set(sess.allowed_slots)
        open_ = [t for t, run in starts[length[i]]
                 if (ok is None or run <= ok)
                 and all(capacity[u] > 0 for u in range(t, t + length[i]))]
        if length[i] > 1:
            kept = [t for t in open_ if one_room[t, length[i]]]
            if open_ and not kept:
                no_one_room.add(i)
            open_ = kept
        allowed.append(open_)

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

    together: list[list[int]] = []  # groups of sessions never in parallel with each other
    by_proposer: dict[str, list[int]] = {}
    by_track: dict[str, list[int]] = {}
    for i, sess in enumerate(inst.sessions):
        for p in sess.proposers:
            by_proposer.setdefault(p, []).append(i)
        if sess.track is not None:
            by_track.setdefault(sess.track, []).append(i)
    together += list(by_proposer.values()) + list(by_track.values())
    together += [[session_index[a], session_index[b]] for a, b in inst.not_in_parallel]
    conflicts: list[set[int]] = [set() for _ in session_ids]
    for group in together:
        for s in group:
            conflicts[s].update(x for x in group if x != s)

    present = None
    if inst.availability:
        present = np.ones((len(slot_ids), len(attendee_ids)), dtype=bool)
        for av in inst.availability:
            a = attendee_index.get(av.attendee)
            if a is None:
                continue  # rates nothing: gains nothing anywhere
            present[:, a] = False
            for sl in av.slots:
                if sl in slot_index:
                    present[slot_index[sl], a] = True

    room_capacity = {r.id: r.capacity for r in inst.rooms}
    fixed_room_capacity: list[int | None] = [None] * len(session_ids)
    for p in inst.fixed:
        fixed_room_capacity[session_index[p.session]] = room_capacity[p.room]
    free_room_capacities = [sorted((r.capacity for i, r in enumerate(inst.rooms)
                                    if i not in held[t]), reverse=True)
                            for t in range(len(slot_ids))]
    fixed_rooms = [frozenset(held[t]) for t in range(len(slot_ids))]
    total_interest = [sum(level for _, level in r) for r in raters]
    by_tie = sorted(range(len(session_ids)), key=lambda s: (total_interest[s], session_ids[s]))
    tie_rank = [0] * len(session_ids)
    for rank, s in enumerate(by_tie):
        tie_rank[s] = rank

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
        length=length,
        present=present,
        seats=inst.capacity_mode == "seats",
        overflow_penalty=inst.overflow_penalty,
        fixed_room_capacity=fixed_room_capacity,
        free_room_capacities=free_room_capacities,
        fixed_rooms=fixed_rooms,
        tie_rank=tie_rank,
        previous_slot=previous_slot,
        in_previous=in_previous,
        total_interest=total_interest,
        no_one_room=frozenset(no_one_room),
    )
