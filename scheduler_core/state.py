"""A timetable under construction, with exact incremental utility deltas.

For every attendee and slot we keep the levels of the rated sessions placed there; an attendee's
utility in a slot is the largest of them. Changing one session touches only its raters, so a
move is priced in time proportional to how many people rated the sessions involved.
"""

from __future__ import annotations

from scheduler_core.problem import UNPLACED, Problem


class Timetable:
    def __init__(self, problem: Problem):
        self.p = problem
        n_t = problem.n_slots
        self.n_t = n_t
        self.slot_of = [UNPLACED] * problem.n_sessions
        self.members: list[list[int]] = [[] for _ in range(n_t)]
        self.free = list(problem.capacity)
        # levels[a * n_t + t]: levels attendee a gave to sessions placed in slot t
        self.levels: list[list[int]] = [[] for _ in range(problem.n_attendees * n_t)]
        self.utility = 0
        for s in range(problem.n_sessions):
            t = problem.fixed_slot[s]
            if t != UNPLACED:
                self.members[t].append(s)
                self._enter(s, t)

    # -- pricing -------------------------------------------------------------------------------
    def gain_if_added(self, s: int, t: int) -> int:
        levels, n_t, gain = self.levels, self.n_t, 0
        for a, lv in self.p.raters[s]:
            cell = levels[a * n_t + t]
            best = max(cell) if cell else 0
            if lv > best:
                gain += lv - best
        return gain

    def loss_if_removed(self, s: int) -> int:
        t = self.slot_of[s]
        if t == UNPLACED:
            return 0
        levels, n_t, loss = self.levels, self.n_t, 0
        for a, lv in self.p.raters[s]:
            cell = levels[a * n_t + t]
            if lv == max(cell) and cell.count(lv) == 1:
                rest = [x for x in cell if x != lv]
                loss += lv - (max(rest) if rest else 0)
        return loss

    def exchange_delta(self, out: int, into: int, t: int) -> int:
        """Utility change in slot t when session `out` leaves it and `into` enters it."""
        levels, n_t = self.levels, self.n_t
        after: dict[int, int] = {}
        delta = 0
        if out != UNPLACED:
            for a, lv in self.p.raters[out]:
                cell = levels[a * n_t + t]
                best = max(cell)
                if lv == best and cell.count(lv) == 1:
                    rest = [x for x in cell if x != lv]
                    nb = max(rest) if rest else 0
                    delta -= lv - nb
                    after[a] = nb
        if into != UNPLACED:
            for a, lv in self.p.raters[into]:
                nb = after.get(a)
                if nb is None:
                    cell = levels[a * n_t + t]
                    nb = max(cell) if cell else 0
                if lv > nb:
                    delta += lv - nb
        return delta

    def proposer_free(self, s: int, t: int, ignoring: int = UNPLACED) -> bool:
        slot_of = self.slot_of
        return all(slot_of[c] != t or c == ignoring for c in self.p.conflicts[s])

    # -- changes -------------------------------------------------------------------------------
    def place(self, s: int, t: int) -> None:
        self.members[t].append(s)
        self.free[t] -= 1
        self._enter(s, t)

    def remove(self, s: int) -> None:
        t = self.slot_of[s]
        self.utility -= self.loss_if_removed(s)
        levels, n_t = self.levels, self.n_t
        for a, lv in self.p.raters[s]:
            levels[a * n_t + t].remove(lv)
        self.members[t].remove(s)
        self.free[t] += 1
        self.slot_of[s] = UNPLACED

    def _enter(self, s: int, t: int) -> None:
        self.utility += self.gain_if_added(s, t)
        levels, n_t = self.levels, self.n_t
        for a, lv in self.p.raters[s]:
            levels[a * n_t + t].append(lv)
        self.slot_of[s] = t

    def move(self, s: int, t: int) -> None:
        if self.slot_of[s] != UNPLACED:
            self.remove(s)
        if t != UNPLACED:
            self.place(s, t)

    def placement(self) -> list[int]:
        return list(self.slot_of)

    @classmethod
    def from_placement(cls, problem: Problem, slot_of: list[int]) -> Timetable:
        tt = cls(problem)
        for s, t in enumerate(slot_of):
            if t != UNPLACED and problem.fixed_slot[s] == UNPLACED:
                tt.place(s, t)
        return tt
