"""A timetable under construction, with exact incremental utility deltas.

For every slot and attendee we keep the two highest levels (counting repeats) among the
sessions placed there: an attendee's utility in a slot is the highest, and what is left when a
session leaves is the second. A move touches only the raters of the sessions involved, priced
with a few numpy operations on their index arrays, so a popular session costs little more
than an obscure one. When a session really leaves, its raters' two highest levels are
recounted from the sessions that stay (`Problem.levels`), a handful of them per slot; the
annealer's moves (`shift`) then sum the slot's worth anew over all its attendees.

A session spanning several slots is in each of them (`Problem.covers`); `slot_of` holds its
first. An attendee absent from a slot gains nothing there: their levels are still tracked, so
the bookkeeping stays one code, but every price is masked by `Problem.present`. When seats
count, a slot's worth depends on all its sessions together (`seats.slot_worth`): prices are
the worth recomputed for the one or two slots a move touches.

A session of several slots keeps one room throughout, so a free room in each slot it spans is
not enough: fixed sessions may hold different rooms in them. Each such session holds a room
(`room_of`) free over its slots; a session of one slot needs only a free room where it is,
since whatever the long sessions and fixed sessions leave can seat it. When seats count, a
held room seats that session in every slot it spans, like a fixed session's, and the sessions
of one slot share the rooms left: the worth is that of the rooms the result will show
(`evaluate.assign_rooms` keeps the held rooms), and a session of several slots takes the room
worth most where it starts (`_seating`).
"""

from __future__ import annotations

import numpy as np

from scheduler_core.problem import UNPLACED, Problem
from scheduler_core.seats import slot_worth

LEVEL = np.int32

#: How many room choices `seat_long_sessions` may try before it gives up (and a move is
#: refused: refusing a feasible move only narrows the search).
SEAT_TRIES = 5000


def seat_long_sessions(spans: dict[int, range], held: list[frozenset[int]],
                       n_rooms: int, tries: int | None = None) -> dict[int, int] | None:
    """One room per session, free of `held` (rooms fixed sessions hold, per slot) in every
    slot of its span and of the other sessions' rooms where their spans meet; None when
    there is none, or none found within `tries` choices.

    Sessions go by start, so all a choice passes on to the later ones is which rooms are
    held by sessions still running; a dead end is remembered by that and never searched
    twice, which keeps chains of overlapping sessions cheap.
    """
    order = sorted(spans, key=lambda x: (spans[x].start, -len(spans[x])))
    if len(order) > 400:  # deeper would near Python's recursion limit
        return None
    chosen: dict[int, int] = {}
    ends: dict[int, int] = {}  # room -> the slot after its latest holder's span
    dead: set[tuple[int, frozenset]] = set()
    left = [SEAT_TRIES if tries is None else tries]

    def go(i: int) -> bool:
        if i == len(order):
            return True
        x = order[i]
        span = spans[x]
        state = (i, frozenset((r, e) for r, e in ends.items() if e > span.start))
        if state in dead:
            return False
        for r in range(n_rooms):
            if ends.get(r, 0) > span.start or any(r in held[u] for u in span):
                continue
            left[0] -= 1
            if left[0] < 0:
                return False
            before = ends.get(r)
            ends[r], chosen[x] = span.stop, r
            if go(i + 1):
                return True
            if before is None:
                del ends[r]
            else:
                ends[r] = before
            del chosen[x]
            if left[0] < 0:
                return False  # gave up: not a proven dead end
        dead.add(state)
        return False

    return chosen if go(0) else None


class Seating(list):
    """A placement (the start slot per session) with the rooms its sessions of several slots
    held (`rooms`), so that the timetable rebuilt from it keeps them (`from_placement`)."""

    def __init__(self, slots, rooms: dict[int, int]):
        super().__init__(slots)
        self.rooms = rooms


class Timetable:
    def __init__(self, problem: Problem):
        self.p = problem
        n_t, n_a = problem.n_slots, problem.n_attendees
        self.slot_of = [UNPLACED] * problem.n_sessions
        self.members: list[list[int]] = [[] for _ in range(n_t)]
        self.free = list(problem.capacity)
        self.best1 = np.zeros((n_t, n_a), dtype=LEVEL)
        self.best2 = np.zeros((n_t, n_a), dtype=LEVEL)
        self.levels = problem.levels
        self.who = [np.fromiter((a for a, _ in r), dtype=np.intp, count=len(r))
                    for r in problem.raters]
        self.lv = [np.fromiter((lv for _, lv in r), dtype=LEVEL, count=len(r))
                   for r in problem.raters]
        self.present = problem.present
        self.seats = problem.seats
        self.multi_slot = problem.multi_slot
        # Today's rule on one-slot sessions: the prices below take their shortest path.
        self.plain = not (self.seats or self.multi_slot or self.present is not None)
        # Movable sessions of several slots: the room each holds, and per slot who holds
        # which room; `roomless` are those placed where no seating was found (only a
        # placement given from outside, `from_placement`, can do that: the engine repairs it).
        self.room_of: dict[int, int] = {}
        self.long_in: list[dict[int, int]] = [{} for _ in range(n_t)]
        self.roomless: set[int] = set()
        self.worth = [0] * n_t  # seats mode: each slot's worth (`seats.slot_worth`)
        self.room_capacity = [r.capacity for r in problem.instance.rooms]
        self.utility = 0
        for s in range(problem.n_sessions):
            t = problem.fixed_slot[s]
            if t != UNPLACED:
                self._occupy(s, t)

    # -- pricing -------------------------------------------------------------------------------
    def gain_if_added(self, s: int, t: int) -> int:
        """What placing s (unplaced) in t adds; for a session of several slots when seats
        count, with the room it would take there (`fits` says whether it has one)."""
        if self.plain:
            d = self.lv[s] - self.best1[t][self.who[s]]
            return int(d[d > 0].sum())
        if self.seats and self.multi_slot and self.p.length[s] > 1:
            found = self._seating(s, t)
            return 0 if found is None else found[1]
        return sum(self._gain1(s, u) for u in self.p.covers(s, t))

    def _slot_worth(self, t: int, sessions: list[int],
                    rooms: dict[int, int] | None = None) -> int:
        """Slot t's worth with these sessions, each session of several slots in its room in
        `rooms` (default `room_of`) and the others sharing the rooms left."""
        p = self.p
        sessions = sorted(sessions)  # ties share rooms as `evaluate.assign_rooms` does
        offers = []
        for s in sessions:
            who, lv = self.who[s], self.lv[s]
            if self.present is not None:
                here = self.present[t][who]
                who, lv = who[here], lv[here]
            offers.append((who, lv))
        caps = [p.fixed_room_capacity[s] for s in sessions]
        free = p.free_room_capacities[t]
        if self.multi_slot:
            rooms = self.room_of if rooms is None else rooms
            held = [i for i, s in enumerate(sessions) if s in rooms]
            if held:
                free = list(free)
                for i in held:
                    caps[i] = self.room_capacity[rooms[sessions[i]]]
                    free.remove(caps[i])
        return slot_worth(offers, [p.tie_rank[s] for s in sessions], caps, free,
                          p.overflow_penalty)

    def _gain1(self, s: int, t: int) -> int:
        if self.seats:
            return self._slot_worth(t, [*self.members[t], s]) - self.worth[t]
        d = self.lv[s] - self.best1[t][self.who[s]]
        if self.present is not None:
            d = d * self.present[t][self.who[s]]
        return int(d[d > 0].sum())

    def loss_if_removed(self, s: int) -> int:
        t = self.slot_of[s]
        if t == UNPLACED:
            return 0
        if self.plain:
            who, lv = self.who[s], self.lv[s]
            top = self.best1[t][who]
            return int((top - self.best2[t][who])[lv == top].sum())
        return sum(self._loss1(s, u) for u in self.p.covers(s, t))

    def _loss1(self, s: int, t: int) -> int:
        if self.seats:
            return self.worth[t] - self._slot_worth(t, [m for m in self.members[t] if m != s])
        who, lv = self.who[s], self.lv[s]
        top = self.best1[t][who]
        d = (top - self.best2[t][who]) * (lv == top)
        if self.present is not None:
            d = d * self.present[t][who]
        return int(d.sum())

    def exchange_delta(self, out: int, into: int, t: int) -> int:
        """Utility change in slot t when session `out`, seated there, leaves it and session
        `into` enters it (both are sessions: a move into a free seat is `gain_if_added`)."""
        if self.seats:
            rest = [m for m in self.members[t] if m != out]
            return self._slot_worth(t, [*rest, into]) - self.worth[t]
        row = self.best1[t]
        who, lv = self.who[out], self.lv[out]
        top = row[who]
        after = np.where(lv == top, self.best2[t][who], top)
        lost = top - after
        present = self.present
        if present is not None:
            lost = lost * present[t][who]
        loss = int(lost.sum())
        row[who] = after  # price `into` against the slot without `out`, then restore
        d = self.lv[into] - row[self.who[into]]
        row[who] = top
        if present is not None:
            d = d * present[t][self.who[into]]
        return int(d[d > 0].sum()) - loss

    def fits(self, s: int, t: int) -> bool:
        """s may start in t (s itself not counted where it is): a free room in each slot it
        would occupy, and for a session of several slots one room free throughout."""
        if not self.multi_slot or self.p.length[s] == 1:
            return self.free[t] > 0
        return self.counts_fit(s, t) and self._rooms_for(s, t) is not None

    def counts_fit(self, s: int, t: int) -> bool:
        """Some room is free in every slot s would occupy from t, not necessarily the same."""
        mine = self.p.covers(s, self.slot_of[s]) if self.slot_of[s] != UNPLACED else range(0)
        return all(self.free[u] > 0 or u in mine for u in self.p.covers(s, t))

    def _rooms_for(self, s: int, t: int) -> dict[int, int] | None:
        """Rooms that seat s of several slots from t: {s: room} when one room is free
        throughout, else a new seating of s and of the sessions whose slots chain with its
        own (only they can make room for it); None when there is none."""
        for r in self._free_rooms(s, t):
            return {s: r}
        return self._group_seating(s, t)

    def _free_rooms(self, s: int, t: int):
        """The rooms free from t throughout s's slots (its own room counts as free)."""
        p = self.p
        span = p.covers(s, t)
        held, long_in = p.fixed_rooms, self.long_in
        for r in range(p.n_rooms):
            if all(r not in held[u] and long_in[u].get(r, s) == s for u in span):
                yield r

    def _group_seating(self, s: int, t: int) -> dict[int, int] | None:
        p = self.p
        span = p.covers(s, t)
        held = p.fixed_rooms
        lo, hi = span.start, span.stop
        group = {s: span}
        grew = True
        while grew:
            grew = False
            for x in self.room_of:
                if x in group:
                    continue
                other = p.covers(x, self.slot_of[x])
                if other.start < hi and other.stop > lo:
                    group[x] = other
                    lo, hi = min(lo, other.start), max(hi, other.stop)
                    grew = True
        return seat_long_sessions(group, held, p.n_rooms)

    def _seating(self, s: int, t: int) -> tuple[dict[int, int], int] | None:
        """(rooms, utility change) for moving s of several slots to start t, priced without
        changing anything; None when it cannot keep one room there. When seats count it takes,
        of the rooms free throughout (one per capacity), the one worth most, else re-seats the
        sessions chained with it; `place` makes the same choice."""
        p = self.p
        old = p.covers(s, self.slot_of[s]) if self.slot_of[s] != UNPLACED else range(0)
        new = p.covers(s, t)
        if not self.seats:  # rooms change nothing: the slots s leaves and enters do
            rooms = self._rooms_for(s, t)
            if rooms is None:
                return None
            gain = sum(self._gain1(s, u) for u in new if u not in old)
            return rooms, gain - sum(self._loss1(s, u) for u in old if u not in new)
        best, caps = None, set()
        left = [u for u in old if u not in new]  # worth the same whatever room s takes
        leaving = self._seats_delta(s, left, new, {}) if left else 0
        for r in self._free_rooms(s, t):
            if self.room_capacity[r] not in caps:
                caps.add(self.room_capacity[r])
                delta = leaving + self._seats_delta(s, new, new, {s: r})
                if best is None or delta > best[1]:
                    best = ({s: r}, delta)
        if best is None:
            group = self._group_seating(s, t)
            if group is None:
                return None
            touched = set(old) | set(new)
            for x, r in group.items():
                if x != s and self.room_of.get(x) != r:
                    touched.update(p.covers(x, self.slot_of[x]))
            best = (group, self._seats_delta(s, touched, new, group))
        return best

    def _seats_delta(self, s: int, slots, new: range, seating: dict[int, int]) -> int:
        """The change in these slots' worth when s occupies `new` and `seating` holds."""
        rooms = {x: r for x, r in self.room_of.items() if x != s}
        rooms.update(seating)
        delta = 0
        for u in slots:
            members = [m for m in self.members[u] if m != s] + ([s] if u in new else [])
            delta += self._slot_worth(u, members, rooms) - self.worth[u]
        return delta

    def relocation_delta(self, s: int, t: int) -> int | None:
        """Utility change when s of several slots moves to start t (its own start too: when
        seats count, it may change rooms), or None when it cannot keep one room there."""
        found = self._seating(s, t)
        return None if found is None else found[1]

    def proposer_free(self, s: int, t: int, ignoring: int = UNPLACED) -> bool:
        """No session kept apart from s (a host, a track, a pair) runs beside it from t."""
        slot_of = self.slot_of
        if not self.multi_slot:
            return all(slot_of[c] != t or c == ignoring for c in self.p.conflicts[s])
        length = self.p.length
        end = t + length[s]
        return all(c == ignoring or slot_of[c] == UNPLACED
                   or slot_of[c] >= end or slot_of[c] + length[c] <= t
                   for c in self.p.conflicts[s])

    # -- changes -------------------------------------------------------------------------------
    def place(self, s: int, t: int, seating: dict[int, int] | None = None) -> None:
        """`seating`: the rooms a session of several slots takes (default: found here)."""
        for u in self.p.covers(s, t):
            self.free[u] -= 1
        if self.multi_slot and self.p.length[s] > 1:
            self._hold_room(s, t, seating)
        self._occupy(s, t)

    def _hold_room(self, s: int, t: int, seating: dict[int, int] | None = None) -> None:
        if seating is None:
            if self.seats:
                found = self._seating(s, t)
                seating = None if found is None else found[0]
            else:
                seating = self._rooms_for(s, t)
        if seating is None:
            self.roomless.add(s)
            return
        moved = [x for x, r in seating.items() if x != s and self.room_of.get(x) != r]
        for x in seating:
            if x != s:
                self._release_room(x)
        for x, r in seating.items():
            self.room_of[x] = r
            for u in self.p.covers(x, t if x == s else self.slot_of[x]):
                self.long_in[u][r] = x
        if self.seats:  # the slots of the sessions that changed rooms are worth anew
            for u in {u for x in moved for u in self.p.covers(x, self.slot_of[x])}:
                worth = self._slot_worth(u, self.members[u])
                self.utility += worth - self.worth[u]
                self.worth[u] = worth

    def _release_room(self, s: int) -> None:
        r = self.room_of.pop(s)
        for u in self.p.covers(s, self.slot_of[s]):
            del self.long_in[u][r]

    def _occupy(self, s: int, t: int) -> None:
        for u in self.p.covers(s, t):
            gain = self._gain1(s, u)
            self.members[u].append(s)
            self._enter(s, u)
            self.utility += gain
            self.worth[u] += gain
        self.slot_of[s] = t

    def remove(self, s: int) -> None:
        start = self.slot_of[s]
        if s in self.room_of:
            self._release_room(s)
        self.roomless.discard(s)
        for t in self.p.covers(s, start):
            self._leave(s, t)
        self.slot_of[s] = UNPLACED

    def _leave(self, s: int, t: int) -> None:
        loss = self._loss1(s, t)
        self.utility -= loss
        self.worth[t] -= loss
        self.members[t].remove(s)
        self.free[t] += 1
        self._top_two(t, self.who[s])

    def _top_two(self, t: int, who: np.ndarray) -> None:
        """Recount these attendees' two highest levels in slot t from its sessions."""
        rest, b1, b2 = self.members[t], self.best1[t], self.best2[t]
        if len(rest) < 2:
            b2[who] = 0
            b1[who] = self.levels[rest[0], who] if rest else 0
        else:
            top = np.sort(self.levels[rest][:, who], axis=0)
            b1[who], b2[who] = top[-1], top[-2]

    def _enter(self, s: int, t: int) -> None:
        who, lv = self.who[s], self.lv[s]
        b1, b2 = self.best1[t], self.best2[t]
        top, second = b1[who], b2[who]
        b2[who] = np.where(lv >= top, top, np.maximum(second, lv))
        b1[who] = np.maximum(top, lv)

    def move(self, s: int, t: int) -> None:
        if self.slot_of[s] != UNPLACED:
            self.remove(s)
        if t != UNPLACED:
            self.place(s, t)

    def shift(self, moves: list[tuple[int, int]]) -> None:
        """Several sessions to new slots (UNPLACED: out) at once, where a slot's worth is the
        sum of its attendees' best levels (seats do not count, every session lasts one slot):
        each slot touched is recounted once, over the raters of the sessions that left or
        entered it, and its worth summed anew, instead of a session at a time."""
        if self.seats or self.multi_slot:
            raise ValueError("shift needs sessions of one slot and capacities ignored")
        touched: dict[int, list[np.ndarray]] = {}
        for s, _ in moves:
            t = self.slot_of[s]
            if t != UNPLACED:
                self.members[t].remove(s)
                self.free[t] += 1
                touched.setdefault(t, []).append(self.who[s])
        for s, t in moves:
            if t != UNPLACED:
                self.members[t].append(s)
                self.free[t] -= 1
                touched.setdefault(t, []).append(self.who[s])
            self.slot_of[s] = t
        for t, whos in touched.items():
            self._top_two(t, np.concatenate(whos))
            b1 = self.best1[t]
            worth = int(np.add.reduce(b1) if self.present is None else b1 @ self.present[t])
            self.utility += worth - self.worth[t]
            self.worth[t] = worth

    def placement(self) -> list[int]:
        if not self.multi_slot:
            return list(self.slot_of)
        return Seating(self.slot_of, dict(self.room_of))

    @classmethod
    def from_placement(cls, problem: Problem, slot_of: list[int]) -> Timetable:
        """The timetable of a placement; its sessions of several slots keep the rooms a
        `Seating` brings where those are free over their slots and apart, else are seated all
        together by one `seat_long_sessions` search (seating them one by one could miss a
        seating the placement had). When seats count, each then takes a room worth more if one
        is free."""
        rooms = getattr(slot_of, "rooms", None)
        tt = cls(problem)
        long = {s: t for s, t in enumerate(slot_of) if t != UNPLACED and problem.movable(s)
                and problem.length[s] > 1}
        spans = {s: problem.covers(s, t) for s, t in long.items()}
        seating = rooms if rooms is not None and _seats_apart(problem, spans, rooms) else \
            seat_long_sessions(spans, problem.fixed_rooms, problem.n_rooms) if long else {}
        for s, t in enumerate(slot_of):
            if t == UNPLACED or not problem.movable(s):
                continue
            tt.place(s, t, {s: seating[s]} if s in long and seating is not None else None)
        if problem.seats:
            for s, t in long.items():
                found = tt._seating(s, t)
                if found is not None and found[1] > 0:
                    tt.move(s, t)
        return tt


def _seats_apart(problem: Problem, spans: dict[int, range], rooms: dict[int, int]) -> bool:
    """Every session has a room free of fixed sessions over its span, no two share one."""
    used: set[tuple[int, int]] = set()
    for s, span in spans.items():
        r = rooms.get(s)
        if r is None:
            return False
        for u in span:
            if r in problem.fixed_rooms[u] or (u, r) in used:
                return False
            used.add((u, r))
    return True
