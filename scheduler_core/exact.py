"""A whole-instance CP-SAT model, to prove small instances optimal.

x[s, t]: movable session s starts in slot t (at most one start each; it then occupies
`Problem.covers(s, t)`; no more sessions than open rooms in a slot, sessions kept apart never
share one); a session of several slots also picks one room for all of them. z: per attendee
and slot at most one session is attended, one that runs there, and nothing where the attendee
is absent. The objective is the levels of attended sessions above what the fixed sessions of
that slot already give the attendee, so the total utility is that objective plus the fixed
sessions' own utility.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler_core.cpsat import configure, solve
from scheduler_core.problem import UNPLACED, Problem
from scheduler_core.state import Seating, Timetable

MAX_ATTENDANCE_VARIABLES = 4000


def small_enough(problem: Problem) -> bool:
    size = sum(len(r) * len(a) * n for r, a, n
               in zip(problem.raters, problem.allowed, problem.length, strict=True))
    return size <= MAX_ATTENDANCE_VARIABLES


def solve_exact(problem: Problem, tt: Timetable, time_limit: float,
                cancelled: Callable[[], bool] | None = None
                ) -> tuple[Timetable, int, bool] | None:
    """(timetable, proven bound, optimal?) from the model hinted with `tt`, or None.

    `cancelled()` turning true stops the search at once; what it found so far is returned.
    """
    sessions = problem.placeable
    if not sessions:
        return tt, tt.utility, True
    fixed_only = Timetable(problem)
    model = cp_model.CpModel()
    x = {(s, t): model.new_bool_var(f"x{s}_{t}") for s in sessions for t in problem.allowed[s]}
    for s in sessions:
        model.add_at_most_one(x[s, t] for t in problem.allowed[s])
    # occupies[s][u]: the starts of s that put it in slot u.
    occupies: dict[int, dict[int, list]] = {}
    for (s, t), var in x.items():
        for u in problem.covers(s, t):
            occupies.setdefault(s, {}).setdefault(u, []).append(var)
    for t in range(problem.n_slots):
        col = [v for s in sessions for v in occupies.get(s, {}).get(t, [])]
        if col:
            model.add(sum(col) <= problem.capacity[t])
    # A session of several slots needs one room free throughout: it picks one among those no
    # fixed session holds in its slots, and two such sessions never hold one room in one slot.
    # Whatever rooms they and the fixed sessions leave seat the sessions of one slot, so the
    # counts above then say all that is left to say.
    holders: dict[tuple[int, int], list] = {}  # (slot, room) -> the choices that hold it
    picks: dict[tuple[int, int], dict] = {}  # (s, t) -> {room: its choice}
    for (s, t), var in x.items():
        if problem.length[s] == 1:
            continue
        span = problem.covers(s, t)
        rooms = [r for r in range(problem.n_rooms)
                 if not any(r in problem.fixed_rooms[u] for u in span)]
        choice = picks[s, t] = {r: model.new_bool_var(f"y{s}_{t}_{r}") for r in rooms}
        model.add(sum(choice.values()) == var)
        for r, y in choice.items():
            model.add_hint(y, tt.slot_of[s] == t and tt.room_of.get(s) == r)
            for u in span:
                holders.setdefault((u, r), []).append(y)
    for held in holders.values():
        if len(held) > 1:
            model.add_at_most_one(held)
    for s in sessions:
        for c in problem.conflicts[s]:
            if problem.movable(c):
                if c < s:
                    continue
                for u, here in occupies.get(s, {}).items():
                    there = occupies.get(c, {}).get(u, [])
                    if there:
                        model.add_at_most_one(here + there)
            else:
                taken = set(problem.covers(c, problem.fixed_slot[c]))
                for u, here in occupies.get(s, {}).items():
                    if u in taken:
                        for v in here:
                            model.add(v == 0)

    floor = fixed_only.best1  # per slot and attendee: the level fixed sessions give
    present = problem.present
    terms: list[tuple[cp_model.IntVar, int]] = []
    by_cell: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    attended: dict[tuple[int, int], tuple[int, cp_model.IntVar]] = {}  # for the hint
    hinted = {s: set(problem.covers(s, tt.slot_of[s])) if tt.slot_of[s] != UNPLACED else set()
              for s in sessions}
    for s in sessions:
        for u, here in occupies.get(s, {}).items():
            for a, lv in problem.raters[s]:
                gain = lv - int(floor[u, a])
                if gain <= 0 or (present is not None and not present[u, a]):
                    continue
                z = model.new_bool_var("")
                model.add(z <= sum(here))
                by_cell.setdefault((a, u), []).append(z)
                terms.append((z, gain))
                if u in hinted[s] and gain > attended.get((a, u), (0, None))[0]:
                    attended[a, u] = (gain, z)
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
    status = solve(solver, model, cancelled)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    better = tt
    if round(solver.objective_value) > tt.utility - fixed_only.utility:
        seat = {s: next((t for t in problem.allowed[s] if solver.value(x[s, t])), UNPLACED)
                for s in sessions}
        rooms = {s: r for (s, t), choice in picks.items() if seat[s] == t
                 for r, y in choice.items() if solver.value(y)}
        better = Timetable.from_placement(problem, Seating(
            [seat.get(s, problem.fixed_slot[s]) for s in range(problem.n_sessions)], rooms))
    bound = fixed_only.utility + int(solver.best_objective_bound + 1e-6)
    return better, bound, status == cp_model.OPTIMAL
