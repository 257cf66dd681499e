"""An exact CP-SAT model of re-seating some sessions within some slots, the rest held still.

The exact solve of small instances uses it with all slots and all sessions; it is written for
any subset so that a neighbourhood search can reuse it. Per attendee and slot at most one session is
"attended" (z); a z may only be set where its session is seated (x); the objective sums the
levels of attended sessions above what the slot already gives the attendee through sessions
that stay put.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler_core.problem import UNPLACED, Problem
from scheduler_core.state import Timetable


@dataclass
class SubResult:
    slot_of: dict[int, int]   # session -> new slot (UNPLACED allowed for optional sessions)
    objective: int            # value of the sub-objective for that seating
    current: int              # value of the sub-objective for the seating before
    bound: float
    optimal: bool


def reseat(problem: Problem, tt: Timetable, slots: list[int], sessions: list[int],
           optional: set[int], weight: int, time_limit: float,
           workers: int = 1) -> SubResult | None:
    """Best seating of `sessions` in `slots`; sessions in `optional` may stay out.

    Every other session keeps its slot; sessions of `slots` not listed are held there.
    """
    model = cp_model.CpModel()
    in_set = set(sessions)
    slot_set = set(slots)
    held = {t: [s for s in tt.members[t] if s not in in_set] for t in slots}

    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for s in sessions:
        for t in problem.allowed[s]:
            if t not in slot_set:
                continue
            if any(tt.slot_of[c] == t and c not in in_set for c in problem.conflicts[s]):
                continue
            x[s, t] = model.new_bool_var(f"x{s}_{t}")
    for s in sessions:
        row = [x[s, t] for t in slots if (s, t) in x]
        if s in optional:
            model.add(sum(row) <= 1)
        elif not row:
            return None
        else:
            model.add_exactly_one(row)
    for t in slots:
        col = [x[s, t] for s in sessions if (s, t) in x]
        room = problem.capacity[t] - sum(1 for s in held[t] if problem.movable(s))
        if col:
            model.add(sum(col) <= room)
    for s in sessions:
        for c in problem.conflicts[s]:
            if c in in_set and c > s:
                for t in slots:
                    if (s, t) in x and (c, t) in x:
                        model.add_at_most_one([x[s, t], x[c, t]])

    # Level each attendee already gets in each slot from sessions that are held there.
    floor: dict[tuple[int, int], int] = {}
    for t in slots:
        for s in held[t]:
            for a, lv in problem.raters[s]:
                if lv > floor.get((a, t), 0):
                    floor[a, t] = lv

    terms: list[tuple[cp_model.IntVar, int]] = []
    by_cell: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    attended: dict[tuple[int, int], tuple[int, cp_model.IntVar]] = {}  # for the hint
    for s in sessions:
        for a, lv in problem.raters[s]:
            for t in slots:
                if (s, t) not in x:
                    continue
                gain = lv - floor.get((a, t), 0)
                if gain <= 0:
                    continue
                z = model.new_bool_var("")
                model.add_implication(z, x[s, t])
                by_cell.setdefault((a, t), []).append(z)
                terms.append((z, gain))
                if tt.slot_of[s] == t and gain > attended.get((a, t), (0, None))[0]:
                    attended[a, t] = (gain, z)
    for cell in by_cell.values():
        if len(cell) > 1:
            model.add_at_most_one(cell)
    if weight:
        for s in sessions:
            if problem.in_previous[s]:
                for t in slots:
                    if (s, t) in x and t != problem.previous_slot[s]:
                        terms.append((x[s, t], -weight))
                # Leaving a session out counts as a move too.
                if s in optional and problem.previous_slot[s] != UNPLACED:
                    row = [x[s, t] for t in slots if (s, t) in x]
                    out = model.new_bool_var("")
                    model.add(sum(row) + out == 1)
                    terms.append((out, -weight))
    model.maximize(sum(c * v for v, c in terms))

    current = _current_value(problem, tt, slots, sessions, floor, weight, optional)
    for (s, t), var in x.items():
        model.add_hint(var, tt.slot_of[s] == t)
    chosen = {id(z) for _, z in attended.values()}
    for cell in by_cell.values():
        for z in cell:
            model.add_hint(z, id(z) in chosen)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    solver.parameters.catch_sigint_signal = False  # the caller owns Ctrl-C (cancel event)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    slot_of = {}
    for s in sessions:
        slot_of[s] = next((t for t in slots if (s, t) in x and solver.value(x[s, t])), UNPLACED)
    return SubResult(slot_of, round(solver.objective_value), current,
                     solver.best_objective_bound, status == cp_model.OPTIMAL)


def _current_value(problem: Problem, tt: Timetable, slots: list[int], sessions: list[int],
                   floor: dict[tuple[int, int], int], weight: int, optional: set[int]) -> int:
    best: dict[tuple[int, int], int] = {}
    value = 0
    for s in sessions:
        t = tt.slot_of[s]
        if t == UNPLACED:
            if weight and s in optional and problem.in_previous[s] \
                    and problem.previous_slot[s] != UNPLACED:
                value -= weight
            continue
        if weight and problem.in_previous[s] and t != problem.previous_slot[s]:
            value -= weight
        for a, lv in problem.raters[s]:
            gain = lv - floor.get((a, t), 0)
            if gain > best.get((a, t), 0):
                best[a, t] = gain
    return value + sum(best.values())
