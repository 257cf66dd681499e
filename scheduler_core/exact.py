"""A whole-instance CP-SAT model, to prove small instances optimal.

x[s, t]: movable session s sits in slot t (at most one slot each, no more sessions than open
rooms, proposers never twice in a slot). z: per attendee and slot at most one session is
attended, and only one seated there. The objective is the levels of attended sessions above
what the fixed sessions of that slot already give the attendee, so the total utility is that
objective plus the fixed sessions' own utility.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler_core.cpsat import configure
from scheduler_core.problem import UNPLACED, Problem
from scheduler_core.state import Timetable

MAX_ATTENDANCE_VARIABLES = 4000


def small_enough(problem: Problem) -> bool:
    size = sum(len(r) * len(a) for r, a in zip(problem.raters, problem.allowed, strict=True))
    return size <= MAX_ATTENDANCE_VARIABLES


def solve_exact(problem: Problem, tt: Timetable,
                time_limit: float) -> tuple[Timetable, int, bool] | None:
    """(timetable, proven bound, optimal?) from the model hinted with `tt`, or None."""
    sessions = problem.placeable
    if not sessions:
        return tt, tt.utility, True
    fixed_only = Timetable(problem)
    model = cp_model.CpModel()
    x = {(s, t): model.new_bool_var(f"x{s}_{t}") for s in sessions for t in problem.allowed[s]}
    for s in sessions:
        model.add_at_most_one(x[s, t] for t in problem.allowed[s])
    for t in range(problem.n_slots):
        col = [x[s, t] for s in sessions if (s, t) in x]
        if col:
            model.add(sum(col) <= problem.capacity[t])
    for s in sessions:
        for c in problem.conflicts[s]:
            if c > s and problem.movable(c):
                for t in problem.allowed[s]:
                    if (c, t) in x:
                        model.add_at_most_one([x[s, t], x[c, t]])
            elif not problem.movable(c) and (s, problem.fixed_slot[c]) in x:
                model.add(x[s, problem.fixed_slot[c]] == 0)

    floor = fixed_only.best1  # per slot and attendee: the level fixed sessions give
    terms: list[tuple[cp_model.IntVar, int]] = []
    by_cell: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    attended: dict[tuple[int, int], tuple[int, cp_model.IntVar]] = {}  # for the hint
    for s in sessions:
        for a, lv in problem.raters[s]:
            for t in problem.allowed[s]:
                gain = lv - int(floor[t, a])
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
    model.maximize(sum(c * v for v, c in terms))

    for (s, t), var in x.items():
        model.add_hint(var, tt.slot_of[s] == t)
    chosen = {id(z) for _, z in attended.values()}
    for cell in by_cell.values():
        for z in cell:
            model.add_hint(z, id(z) in chosen)

    solver = cp_model.CpSolver()
    configure(solver, time_limit, workers=2)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    better = tt
    if round(solver.objective_value) > tt.utility - fixed_only.utility:
        seat = {s: next((t for t in problem.allowed[s] if solver.value(x[s, t])), UNPLACED)
                for s in sessions}
        better = Timetable.from_placement(
            problem, [seat.get(s, problem.fixed_slot[s]) for s in range(problem.n_sessions)])
    bound = fixed_only.utility + int(solver.best_objective_bound + 1e-6)
    return better, bound, status == cp_model.OPTIMAL
