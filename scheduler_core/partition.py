"""Set partitioning: a slot's whole content is one column, priced by column generation.

Slots that look the same to a session (open rooms, the levels fixed sessions give, which
sessions may go there, who is present) form a group k of n_k slots. A column is a set C of
movable sessions allowed together in a slot of k: at most as many as its open rooms, no two
sharing a host or otherwise kept apart. Its value is what it adds over the fixed sessions,
Σ over attendees of max(0, best level in C − level the fixed sessions give). Sets smaller than
the open rooms are columns too: a slot may be better left part empty, and leaving them out would
make the bound false.

The linear relaxation (maximise Σ v·λ, Σ_{C in k} λ ≤ n_k, Σ_{C ∋ s} λ ≤ 1) is solved by GLOP
over a growing set of columns, priced by enumerating every column, which is why this applies
only where the columns can be listed, and not when a session spans several slots. Every round
gives a valid bound, Σπ + Σ n_k·max(0, max rc), whether or not the relaxation has converged.
The integer phase then asks CP-SAT for a solution worth at least τ over the columns whose
reduced cost allows it, τ stepping down from the relaxation's value: each infeasible τ proves
the bound τ − step, the first feasible one is the optimum. Stepping down keeps the models
small; going up from a good start keeps many columns.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from scheduler_core.cpsat import configure, solve
from scheduler_core.outcome import Outcome
from scheduler_core.problem import Problem
from scheduler_core.state import Timetable

MAX_COLUMNS = 8_000_000          # listed columns, summed over the groups that may use them
MAX_GROUPS = 64                  # a column's groups are one 64-bit mask
COLUMNS_PER_ROUND = 600          # best positive reduced-cost columns added per round, all groups
FIRST_STAGE_MIN = 1000           # columns kept for a τ from which a first stage pays
FIRST_STAGE_SHARE = 4            # the first stage takes this fraction (1/n) of them, best first
FIRST_STAGE_SLICE = 0.75         # of the time left
EPS = 1e-6


@dataclass(frozen=True)
class _Groups:
    slots: list[list[int]]          # per group: its slots
    capacity: list[int]             # per group: open rooms
    floor: list[np.ndarray]         # per group: per attendee, the level already had there
    members: list[list[int]]        # per group: the sessions allowed there


def _groups(problem: Problem, fixed_only: Timetable, present: np.ndarray | None) -> _Groups:
    by_key: dict[tuple, int] = {}
    g = _Groups([], [], [], [])
    movable = problem.placeable
    for t in range(problem.n_slots):
        if problem.capacity[t] <= 0:
            continue
        allowed = tuple(s for s in movable
                        if t in problem.allowed[s] and fixed_only.proposer_free(s, t))
        floor = fixed_only.best1[t].astype(np.int32)
        if present is not None:
            floor = np.where(present[t], floor, np.int32(1 << 20))
        key = (problem.capacity[t], allowed, floor.tobytes())
        k = by_key.get(key)
        if k is None:
            k = by_key[key] = len(g.slots)
            g.slots.append([])
            g.capacity.append(problem.capacity[t])
            g.floor.append(floor)
            g.members.append(list(allowed))
        g.slots[k].append(t)
    return g


def column_estimate(problem: Problem, groups: _Groups) -> int:
    """An upper limit on the columns listed, counted per group before listing any."""
    return sum(sum(math.comb(len(m), j) for j in range(1, cap + 1))
               for m, cap in zip(groups.members, groups.capacity, strict=True))


class SetPartitioning:
    """Column generation then CP-SAT with reduced-cost fixing, on one thread.

    `applicable()` says whether the columns can be listed; `run()` does the work and reports
    better bounds and timetables through the callbacks as they are found.
    """

    def __init__(self, problem: Problem):
        self.p = problem
        self.fixed_only = Timetable(problem)
        self.groups = _groups(problem, self.fixed_only, problem.present)
        self.sessions = sorted({s for m in self.groups.members for s in m})
        self.places = sum(len(t) * c for t, c in zip(self.groups.slots, self.groups.capacity,
                                                     strict=True))
        self.fill = _fill(problem, self.groups, self.sessions, self.places)
        self._cancelled: Callable[[], bool] = lambda: False

    def applicable(self) -> bool:
        # A session of several slots ties slots together: not a column of one slot.
        return (not self.p.multi_slot and 0 < len(self.groups.slots) <= MAX_GROUPS
                and column_estimate(self.p, self.groups) <= MAX_COLUMNS)

    # -- listing columns -----------------------------------------------------------------------
    def _enumerate(self) -> None:
        p, groups = self.p, self.groups
        sessions = self.sessions
        n = len(sessions)
        index = {s: i for i, s in enumerate(sessions)}
        self.n = n
        smask = np.zeros(n, dtype=np.uint64)
        for k, members in enumerate(groups.members):
            for s in members:
                smask[index[s]] |= np.uint64(1 << k)
        conflict = np.zeros((n, n), dtype=bool)
        for s in sessions:
            for c in p.conflicts[s]:
                if c in index:
                    conflict[index[s], index[c]] = True
        rooms = max(groups.capacity)
        level_cols = [np.arange(n, dtype=np.int16).reshape(-1, 1)]
        level_masks = [smask.copy()]
        for size in range(2, rooms + 1):
            prev, pmask = level_cols[-1], level_masks[-1]
            # Only sets that still fit a group of at least `size` rooms may grow.
            big = np.uint64(sum(1 << k for k, c in enumerate(groups.capacity) if c >= size))
            keep = (pmask & big) != 0
            prev, pmask = prev[keep], pmask[keep]
            order = np.argsort(prev[:, -1], kind="stable")
            prev, pmask = prev[order], pmask[order]
            last = prev[:, -1]
            out, out_mask = [], []
            for i in range(n):
                part, pm = prev[: np.searchsorted(last, i)], pmask[: np.searchsorted(last, i)]
                ok = ~conflict[i][part].any(axis=1)
                gm = pm[ok] & smask[i] & big
                ok2 = gm != 0
                out.append(np.hstack([part[ok][ok2],
                                      np.full((int(ok2.sum()), 1), i, dtype=np.int16)]))
                out_mask.append(gm[ok2])
            level_cols.append(np.vstack(out) if out else np.zeros((0, size), dtype=np.int16))
            level_masks.append(np.concatenate(out_mask) if out_mask
                               else np.zeros(0, dtype=np.uint64))
            if not len(level_cols[-1]):
                break
        total = sum(len(c) for c in level_cols)
        width = len(level_cols)
        cols = np.full((total, width), n, dtype=np.int16)
        pos = 0
        for c in level_cols:
            cols[pos:pos + len(c), :c.shape[1]] = c
            pos += len(c)
        gmask = np.concatenate(level_masks)
        self.cols, self.gmask = cols, gmask
        # A set of sessions may only use groups with enough rooms for it; when some optimum
        # fills every room, only full sets.
        sizes = (cols < n).sum(axis=1)
        self.members_of = []
        for k, cap in enumerate(groups.capacity):
            bit = np.uint64(1 << k)
            fits = sizes == cap if self.fill else sizes <= cap
            self.members_of.append(
                np.flatnonzero(((gmask & bit) != 0) & fits).astype(np.int32))
        base = n + 1
        weights = np.array([base ** q for q in range(width)], dtype=np.int64)
        self.keys = cols.astype(np.int64) @ weights
        self.key_order = np.argsort(self.keys)
        self.weights = weights

    def _values(self) -> None:
        """v per group, aligned with `members_of`, from bitsets of attendees per level."""
        p, n = self.p, self.n
        words = (max(1, p.n_attendees) + 63) // 64
        # Thresholds at every level anyone gave, fixed sessions' too: a gain over a floor is
        # counted step by step between them.
        levels = sorted({lv for r in p.raters for _, lv in r})
        self.step = int(np.gcd.reduce([lv for r in p.raters for _, lv in r] or [1]))
        steps = np.diff([0] + levels)
        self.values = []
        every = np.arange(len(self.cols), dtype=np.int32)
        by_floor: dict[bytes, np.ndarray] = {}
        for k in range(len(self.groups.slots)):
            floor = self.groups.floor[k]
            known = by_floor.get(floor.tobytes())
            if known is not None:
                self.values.append(known[self.members_of[k]])
                continue
            # Groups alike in all but their members share values: price every column once.
            shared = sum(g.tobytes() == floor.tobytes() for g in self.groups.floor) > 1
            idx = every if shared else self.members_of[k]
            bits = np.zeros((len(levels), n + 1, words), dtype=np.uint64)
            for i, s in enumerate(self.sessions):
                for a, lv in p.raters[s]:
                    for j, th in enumerate(levels):
                        if lv >= th > floor[a]:
                            bits[j, i, a // 64] |= np.uint64(1 << (a % 64))
            val = np.zeros(len(idx), dtype=np.int64)
            chunk = 1 << 19
            for start in range(0, len(idx), chunk):
                c = self.cols[idx[start:start + chunk]]
                for j in range(len(levels)):
                    u = bits[j][c[:, 0]]
                    for q in range(1, c.shape[1]):
                        u = u | bits[j][c[:, q]]
                    val[start:start + len(c)] += int(steps[j]) * np.bitwise_count(u).sum(
                        axis=1, dtype=np.int64)
            if shared:
                by_floor[floor.tobytes()] = val
                val = val[self.members_of[k]]
            self.values.append(val)

    def find(self, members: list[int]) -> int | None:
        """The column holding exactly these sessions, or None."""
        index = {s: i for i, s in enumerate(self.sessions)}
        row = sorted(index[s] for s in members)
        row += [self.n] * (self.cols.shape[1] - len(row))
        if len(row) > self.cols.shape[1]:
            return None
        key = int(np.array(row, dtype=np.int64) @ self.weights)
        pos = np.searchsorted(self.keys[self.key_order], key)
        if pos < len(self.keys) and self.keys[self.key_order[pos]] == key:
            return int(self.key_order[pos])
        return None

    # -- solving -------------------------------------------------------------------------------
    def run(self, start: Timetable, deadline: float,
            on_bound: Callable[[int], None] = lambda _b: None,
            cancelled: Callable[[], bool] = lambda: False) -> Outcome:
        """Both phases, one after the other (see `bound` and `prove`)."""
        if self.bound(start, deadline, on_bound) and not cancelled():
            self.prove(deadline, cancelled)
        return self.outcome

    def bound(self, start: Timetable, deadline: float,
              on_bound: Callable[[int], None] = lambda _b: None) -> bool:
        """List and price the columns, solve the relaxation: True when it converged in time.

        `start` is the timetable to beat; every better bound goes to `on_bound` at once.
        """
        self._start_gain = start.utility - self.fixed_only.utility
        self._on_bound = on_bound
        self._enumerate()
        self._values()
        self.state = _ColumnGeneration(self, start)
        self.outcome = Outcome(bound=self.fixed_only.utility + self.state.bound_cap)
        while time.monotonic() < deadline:
            converged = self.state.round()
            self._improve_bound(self.state.gain_bound)
            if converged:
                return True
        return False

    def _improve_bound(self, gain_bound: int) -> None:
        bound = self.fixed_only.utility + gain_bound
        if bound < self.outcome.bound:
            self.outcome.bound = bound
            self._on_bound(bound)
        if self.outcome.bound <= self.fixed_only.utility + self._start_gain:
            self.outcome.optimal = True  # the start itself is best possible

    def prove(self, deadline: float, cancelled: Callable[[], bool] = lambda: False) -> Outcome:
        """After `bound` converged: CP-SAT for τ stepping down from the relaxation's value,
        until a proof, the deadline or `cancelled()` (which stops CP-SAT at once).

        Annealing's timetable is no hint: every timetable known is worth less than τ (else the
        bound would already equal it), and a hint below τ only leads the search astray.
        """
        best, state, const = self.outcome, self.state, self.fixed_only.utility
        self._cancelled = cancelled
        tau = min(state.gain_bound, int(math.floor(state.lp_value / self.step + EPS)) * self.step)
        while not best.optimal and time.monotonic() < deadline and not cancelled():
            found = self._integer(state, tau, best.bound - const, deadline)
            if found is None:
                break
            if found == "infeasible":
                self._improve_bound(tau - self.step)
                tau -= self.step
                continue
            placement, gain, cp_bound, proven = found
            self._improve_bound(max(gain, cp_bound))
            if gain > self._start_gain:
                best.placement, best.utility = placement, const + gain
            best.optimal = proven or best.bound <= const + max(gain, self._start_gain)
            break
        return best

    def _columns_of(self, placement: list[int]) -> set[tuple[int, int]]:
        """(group, position) of each slot's contents in `placement`."""
        by_slot: dict[int, list[int]] = {}
        for s, t in enumerate(placement):
            if t >= 0 and self.p.movable(s):
                by_slot.setdefault(t, []).append(s)
        out = set()
        for k, slots in enumerate(self.groups.slots):
            for t in slots:
                col = self.find(by_slot[t]) if t in by_slot else None
                j = _position(self.members_of[k], col)
                if j is not None:
                    out.add((k, j))
        return out

    def _integer(self, state: _ColumnGeneration, tau: int, ceiling: int, deadline: float):
        """CP-SAT over the columns that a solution worth ≥ τ may use.

        Returns "infeasible", None (no answer in time), or (placement, gain, bound, proven).
        A solution seldom needs the columns whose reduced cost is far below the best: the
        best share of the columns goes first, in a slice of the time; what it finds counts
        only when it reaches the ceiling (nothing better exists), and is otherwise the hint
        of the search over every column, the one whose "infeasible" proves the bound.
        """
        keep: list[tuple[int, int]] = []  # (group, position in members_of)
        costs = []
        for k in range(len(self.groups.slots)):
            rc = state.reduced_costs(k)
            js = np.flatnonzero(rc >= tau - state.dual_value - EPS)
            keep += [(k, int(j)) for j in js]
            costs.append(rc[js])
        rcs = np.concatenate(costs) if costs else np.zeros(0)
        hint = None
        if len(keep) >= FIRST_STAGE_MIN:
            cut = np.partition(rcs, len(rcs) - len(rcs) // FIRST_STAGE_SHARE)[
                len(rcs) - len(rcs) // FIRST_STAGE_SHARE]
            first = [c for c, r in zip(keep, rcs, strict=True) if r >= cut - EPS]
            if len(first) < len(keep):
                now = time.monotonic()
                until = min(deadline, now + FIRST_STAGE_SLICE * (deadline - now))
                found = self._cp_sat(first, tau, ceiling, until, None)
                if isinstance(found, tuple):
                    placement, gain, _bound, _proven = found
                    if gain >= ceiling:
                        return placement, gain, gain, True
                    hint = placement
        return self._cp_sat(keep, tau, ceiling, deadline, hint)

    def _cp_sat(self, keep: list[tuple[int, int]], tau: int, ceiling: int, deadline: float,
                hint: list[int] | None):
        """One boolean per column kept; as `_integer` returns, for these columns only."""
        model = cp_model.CpModel()
        xs = [model.new_bool_var("") for _ in keep]
        by_group: list[list] = [[] for _ in self.groups.slots]
        by_session: dict[int, list] = {}
        coeffs = []
        for x, (k, j) in zip(xs, keep, strict=True):
            by_group[k].append(x)
            for i in self.cols[self.members_of[k][j]]:
                if i < self.n:
                    by_session.setdefault(int(i), []).append(x)
            coeffs.append(int(self.values[k][j]))
        # When rooms are filled, every slot takes a column, and every session a place when
        # there are as many as places: equalities, which CP-SAT propagates much further.
        every_session = self.fill and len(self.sessions) == self.places
        for k, group in enumerate(by_group):
            n_k = len(self.groups.slots[k])
            if self.fill:
                model.add(sum(group) == n_k)
            elif len(group) > n_k:
                model.add(sum(group) <= n_k)
        for i in range(self.n):
            group = by_session.get(i, [])
            if every_session:
                model.add_exactly_one(group)
            elif len(group) > 1:
                model.add_at_most_one(group)
        objective = cp_model.LinearExpr.weighted_sum(xs, coeffs)
        model.add(objective >= tau)
        # No `objective <= ceiling`: at τ = ceiling it would fix the objective, leaving CP-SAT
        # no gradient to search by; what it finds is at most the ceiling anyway.
        model.maximize(objective)
        if hint is not None:
            chosen = self._columns_of(hint)
            for x, c in zip(xs, keep, strict=True):
                model.add_hint(x, c in chosen)
        solver = cp_model.CpSolver()
        configure(solver, deadline - time.monotonic(), workers=1)
        status = solve(solver, model, self._cancelled)
        if status == cp_model.INFEASIBLE:
            return "infeasible"
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        placement = list(self.p.fixed_slot)
        free = [list(slots) for slots in self.groups.slots]
        for x, (k, j) in zip(xs, keep, strict=True):
            if solver.value(x):
                t = free[k].pop()
                for i in self.cols[self.members_of[k][j]]:
                    if i < self.n:
                        placement[self.sessions[i]] = t
        gain = round(solver.objective_value)
        return (placement, gain, int(solver.best_objective_bound + EPS),
                status == cp_model.OPTIMAL)


class _ColumnGeneration:
    """The restricted master LP and its pricing over every listed column."""

    def __init__(self, sp: SetPartitioning, start: Timetable):
        self.sp = sp
        groups = sp.groups
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        inf = self.lp.infinity()
        self.group_rows = [self.lp.Constraint(-inf, len(slots)) for slots in groups.slots]
        self.session_rows = [self.lp.Constraint(-inf, 1) for _ in range(sp.n)]
        self.objective = self.lp.Objective()
        self.objective.SetMaximization()
        self.in_lp: set[tuple[int, int]] = set()
        for k, j in sp._columns_of(start.placement()):
            self._add(k, j)
        # Before any round: every group gains at most its best column, each slot of it.
        self.bound_cap = sum(len(slots) * int(max(0, sp.values[k].max(initial=0)))
                             for k, slots in enumerate(groups.slots))
        self.gain_bound = self.bound_cap
        self.lp_value = 0.0
        self.dual_value = float(self.bound_cap)
        self.pi_sum = np.zeros(len(sp.cols))
        self.rc_max = [0.0] * len(groups.slots)

    def _add(self, k: int, j: int) -> bool:
        if (k, j) in self.in_lp:
            return False
        sp = self.sp
        var = self.lp.NumVar(0, self.lp.infinity(), "")
        self.group_rows[k].SetCoefficient(var, 1)
        for i in sp.cols[sp.members_of[k][j]]:
            if i < sp.n:
                self.session_rows[i].SetCoefficient(var, 1)
        self.objective.SetCoefficient(var, float(sp.values[k][j]))
        self.in_lp.add((k, j))
        return True

    def reduced_costs(self, k: int) -> np.ndarray:
        """v − π(C) − μ'_k per column of group k, with μ'_k = max(0, max v − π(C)): never
        positive, so any timetable worth ≥ τ uses only columns with rc ≥ τ − dual_value."""
        return (self.sp.values[k] - self.pi_sum[self.sp.members_of[k]]) - self.rc_max[k]

    def round(self) -> bool:
        """Solve the master, price every column, add the best; True when none improves."""
        sp = self.sp
        self.lp.Solve()
        self.lp_value = self.objective.Value()
        pi = np.array([max(0.0, r.dual_value()) for r in self.session_rows] + [0.0])
        mu = [r.dual_value() for r in self.group_rows]
        self.pi_sum = pi[sp.cols[:, 0]]
        for q in range(1, sp.cols.shape[1]):
            self.pi_sum += pi[sp.cols[:, q]]
        added = 0
        per_group = max(30, COLUMNS_PER_ROUND // len(sp.groups.slots))
        for k in range(len(sp.groups.slots)):
            rc = sp.values[k] - self.pi_sum[sp.members_of[k]]
            self.rc_max[k] = max(0.0, float(rc.max(initial=0.0)))
            better = np.flatnonzero(rc - mu[k] > EPS)
            if len(better) > per_group:
                better = better[np.argpartition(-rc[better], per_group)[:per_group]]
            for j in better:
                added += self._add(k, int(j))
        self.dual_value = float(pi.sum()) + sum(
            len(slots) * m for slots, m in zip(sp.groups.slots, self.rc_max, strict=True))
        self.gain_bound = int(math.floor(self.dual_value / sp.step + EPS)) * sp.step
        return added == 0


def _fill(problem: Problem, groups: _Groups, sessions: list[int], places: int) -> bool:
    """True when some optimum fills every open room, so that only full columns are needed.

    So it is when no two movable sessions are kept apart and every group allows at least as
    many sessions as there are places in all groups: a room left empty can then always take a
    session left out, and a column's value never drops when a session joins it.
    """
    index = set(sessions)
    if any(c in index for s in sessions for c in problem.conflicts[s]):
        return False
    return all(len(m) >= places for m in groups.members)


def _position(members: np.ndarray, col: int | None) -> int | None:
    if col is None:
        return None
    j = int(np.searchsorted(members, col))
    return j if j < len(members) and members[j] == col else None
