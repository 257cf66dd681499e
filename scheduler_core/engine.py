"""solve(): the one entry point that turns an Instance into a Result.

Pipeline: compile → seed heuristic (warm start and baseline) → on instances small enough, a full
CP-SAT model warm-started by the heuristic, which usually proves optimality → otherwise a
portfolio on the two cores: simulated annealing with exact incremental pricing, beside, in a
process of its own, set partitioning (column generation, then CP-SAT over the columns left; it
bounds and often proves) where a slot's contents can be listed, or else a second annealing
chain from another seed → rooms and figures. The
result is never worse than the seed heuristic: the heuristic's timetable is the search's
starting point and the best is kept; it names the method that produced it.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from scheduler_core import exact
from scheduler_core.bounds import upper_bound
from scheduler_core.evaluate import assign_rooms, expected_attendance, seated_utility
from scheduler_core.heuristic import seed_heuristic
from scheduler_core.models import Assignment, Instance, Method, Move, Result, Unplaced
from scheduler_core.partition import SetPartitioning
from scheduler_core.portfolio import Portfolio
from scheduler_core.problem import UNPLACED, Problem, compile_problem
from scheduler_core.search import Annealer, Budget, objective
from scheduler_core.state import Timetable

# A second annealing chain pays only when it has time to anneal after its interpreter starts.
SECOND_CHAIN_MIN = 2.0
SECOND_CHAIN_SEED = 7919  # the second chain's seed, offset from the caller's
# It ends this much earlier than the caller's chain, for its timetable to arrive in time on a
# busy machine.
SECOND_CHAIN_HANDOVER = 0.2


class SolveOptions(BaseModel):
    time_limit: float = Field(default=10.0, gt=0)
    seed: int = 0
    move_weight: int = Field(default=100, ge=0)
    iterations: int | None = Field(default=None, ge=0)


@dataclass(frozen=True)
class Progress:
    utility: int
    upper_bound: int
    elapsed: float


ProgressCallback = Callable[[Progress], None]


class _Reporter:
    """Forwards improvements to the caller's callback, at most a few times a second."""

    def __init__(self, callback: ProgressCallback | None, bound: int, started: float):
        self.callback, self.bound, self.started = callback, bound, started
        self.last_sent = -1.0

    def __call__(self, utility: int, force: bool = False) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if force or now - self.last_sent >= 0.2:
            self.last_sent = now
            self.callback(Progress(utility, self.bound, round(now - self.started, 3)))


def solve(instance: Instance, options: SolveOptions | None = None, *,
          progress: ProgressCallback | None = None,
          cancel: threading.Event | None = None) -> Result:
    options = options or SolveOptions()
    started = time.monotonic()
    deadline = started + options.time_limit
    problem = compile_problem(instance)
    weight = options.move_weight if instance.previous is not None else 0
    rng = random.Random(options.seed)
    cancelled = cancel.is_set if cancel is not None else (lambda: False)

    seed = seed_heuristic(problem)
    seed_utility = seed.utility
    # Rebuilding the best timetable and its figures afterwards costs about what the heuristic
    # did; the search stops early enough for the whole call to end within the time limit.
    finish_by = deadline - 1.5 * (time.monotonic() - started) - 0.02
    bound = upper_bound(problem)
    report = _Reporter(progress, bound, started)
    start = _best_start(problem, seed, weight)
    start_objective = objective(problem, start, weight)
    start_placement = start.placement()  # with its rooms (`state.Seating`)
    report(start.utility, force=True)

    proven_optimal = False
    best = start
    method: Method = "seed heuristic" if start is seed else "previous timetable"
    # When seats count, the exact models solve the same instance with capacities ignored: a
    # room's limit only lowers a timetable's worth, so their bounds hold; their timetables are
    # candidates, valued with seats, and never a proof.
    relaxed = problem
    if problem.seats:
        relaxed = compile_problem(instance.model_copy(update={"capacity_mode": "ignore"}))
    if weight == 0 and exact.small_enough(problem):
        # Small enough to prove: CP-SAT on the whole instance, warm-started by the heuristic.
        limit = options.time_limit if options.iterations is not None else 0.5 * options.time_limit
        outcome = exact.solve_exact(relaxed, Timetable.from_placement(relaxed, start_placement),
                                    limit, cancelled)
        if outcome is not None:
            found, exact_bound, proven_optimal = outcome
            proven_optimal = proven_optimal and not problem.seats
            improved = Timetable.from_placement(problem, found.placement())
            if improved.utility > best.utility:
                best, method = improved, "cp-sat"
            bound = min(bound, exact_bound)
            report.bound = bound
            report(best.utility, force=True)
    if not proven_optimal and best.utility < bound:
        portfolio = Portfolio()
        try:
            best, method, bound, proven_optimal = _portfolio(
                problem, relaxed, options, portfolio, best, method, bound, weight, rng, report,
                cancelled, finish_by, deadline)
        except BaseException:
            portfolio.stop()  # the second solver must not work on
            raise
    if best.roomless:
        proven_optimal = False  # that proof was for a timetable that could not be seated
    _give_rooms(problem, best)
    _fill_free_places(problem, best)
    shown = _shown(problem, best)
    # Never worse than the start, in the figures the result shows: those are the search's own
    # unless seats count, where the start is rebuilt to be valued with its rooms.
    again = _rebuilt(problem, start_placement) if problem.seats else None
    start_worth = _worth(problem, *again, weight) if again else start_objective
    if _worth(problem, best, shown, weight) < start_worth:
        best, shown = again or _rebuilt(problem, start_placement)
        method = "seed heuristic" if start is seed else "previous timetable"
    report.bound = bound
    report(shown.utility, force=True)
    return _result(problem, best, shown, seed_utility, bound, proven_optimal, weight,
                   time.monotonic() - started, method)


def _portfolio(problem: Problem, relaxed: Problem, options: SolveOptions, portfolio: Portfolio,
               best: Timetable, method: Method, bound: int, weight: int, rng: random.Random,
               report: _Reporter, cancelled: Callable[[], bool], finish_by: float,
               deadline: float) -> tuple[Timetable, Method, int, bool]:
    """Annealing here, the second solver beside it; (best, method, bound, proven optimal)."""
    # An iteration budget promises the same timetable on every run: only annealing,
    # whose work does not depend on the clock, keeps that promise.
    if options.iterations is None and not cancelled():
        if weight == 0 and SetPartitioning(relaxed).applicable():
            portfolio.partition(relaxed.instance, best.placement(), finish_by, finish_by,
                                prove=not problem.seats)
        elif finish_by - time.monotonic() >= SECOND_CHAIN_MIN:
            portfolio.anneal(problem.instance, best.placement(),
                             finish_by - SECOND_CHAIN_HANDOVER,
                             seed=options.seed + SECOND_CHAIN_SEED, weight=weight, bound=bound)
    before = objective(problem, best, weight)
    own = [best.utility]  # the utility of this process's best timetable

    def leading() -> int:
        """The utility of the best timetable either chain has found."""
        found = portfolio.found
        return found[1] if found is not None and found[0] > annealer.best else own[0]

    def improved(_objective: int, _placement: list[int]) -> None:
        own[0] = annealer.tt.utility
        report(leading())

    annealer = Annealer(problem, best, rng, weight, on_improve=improved,
                        target=bound if weight == 0 else None)

    def stop_annealing() -> bool:
        if portfolio.poll():  # a better bound: shown at once, and the annealer's target
            report.bound = bound_now = min(report.bound, portfolio.bound)
            if annealer.target is not None:
                annealer.target = min(annealer.target, bound_now)
            report(leading(), force=True)
        elif portfolio.found is not None:
            report(leading())
        return cancelled() or portfolio.finished_optimal()

    if options.iterations is not None:
        budget = Budget(iterations=options.iterations, cancelled=stop_annealing)
    else:
        budget = Budget(deadline=finish_by, cancelled=stop_annealing)
    annealer.run(budget)
    proven = min(bound, report.bound, portfolio.bound or bound)
    # Nothing left to find (with a move weight, a timetable of equal utility may still be
    # worth more) or to prove.
    enough = cancelled() or (weight == 0 and annealer.best >= proven)
    proven_optimal = False
    if portfolio.method == "annealing":
        # The second chain has ended by now; only the better timetable of the two is rebuilt.
        outcome = portfolio.finish(time.monotonic() if enough else finish_by)
        found = portfolio.found
        if (outcome is not None and outcome.placement is not None and found is not None
                and found[0] > annealer.best):
            return Timetable.from_placement(problem, outcome.placement), "annealing", bound, False
        return (Timetable.from_placement(problem, annealer.best_placement),
                "annealing" if annealer.best > before else method, bound, False)
    best = Timetable.from_placement(problem, annealer.best_placement)
    if annealer.best > before:
        method = "annealing"
    outcome = portfolio.finish(time.monotonic() if enough else deadline - 0.05)
    if outcome is not None:
        bound = min(bound, outcome.bound)
        if not problem.seats:
            proven_optimal = outcome.optimal and outcome.bound <= max(best.utility,
                                                                       outcome.utility)
            if outcome.placement is not None and outcome.utility > best.utility:
                best, method = (Timetable.from_placement(problem, outcome.placement),
                                "set partitioning")
    elif portfolio.bound is not None:
        bound = min(bound, portfolio.bound)
    return best, method, bound, proven_optimal


def _best_start(problem: Problem, seed: Timetable, weight: int) -> Timetable:
    """The heuristic's timetable, or the previous one when keeping it scores better."""
    if not weight:
        return seed
    prev = Timetable(problem)
    for s in range(problem.n_sessions):
        t = problem.previous_slot[s]
        if (problem.movable(s) and t != UNPLACED and t in problem.allowed[s]
                and prev.fits(s, t) and prev.proposer_free(s, t)):
            prev.place(s, t)
    _fill_free_places(problem, prev)
    if objective(problem, prev, weight) >= objective(problem, seed, weight):
        return prev
    return seed


def _give_rooms(problem: Problem, tt: Timetable) -> None:
    """A session of several slots that holds no room (`Timetable.roomless`: rebuilt from a
    placement whose seating was not found within `SEAT_TRIES` choices) moves to a start
    where one room is free throughout, keeping every other constraint, or is left out. The
    solvers only make moves that seat it; this keeps the result free of double-booked rooms
    whatever produced the placement."""
    for s in sorted(tt.roomless):
        tt.remove(s)
        options = [t for t in problem.allowed[s] if tt.fits(s, t) and tt.proposer_free(s, t)]
        if options:
            tt.place(s, max(options, key=lambda t: tt.gain_if_added(s, t)))


def _fill_free_places(problem: Problem, tt: Timetable) -> None:
    """Seat any unplaced session that still fits: it can only add utility."""
    for s in range(problem.n_sessions):
        if tt.slot_of[s] != UNPLACED or not problem.movable(s):
            continue
        options = [t for t in problem.allowed[s] if tt.fits(s, t) and tt.proposer_free(s, t)]
        if options:
            tt.place(s, max(options, key=lambda t: tt.gain_if_added(s, t)))


def unplaced_reason(problem: Problem, tt: Timetable, s: int) -> str:
    sess = problem.instance.sessions[s]
    if not problem.allowed[s]:
        if s in problem.no_one_room:
            return ("no one room is free through all the slots it would span, wherever it "
                    "may start: fixed sessions hold different rooms in them")
        if sess.allowed_slots is not None:
            return ("none of the slots it allows is open: they are breaks, locked, or full "
                    "with fixed sessions")
        return "there is no slot open for sessions: every slot is a break, locked, or full"
    if not any(tt.fits(s, t) for t in problem.allowed[s]):
        if any(tt.counts_fit(s, t) for t in problem.allowed[s]):
            return ("no one room is free through all the slots it would span, wherever it "
                    "may start: fixed sessions or other sessions of several slots hold "
                    "different rooms in them")
        places = sum(problem.capacity)
        movable = sum(1 for x in range(problem.n_sessions) if problem.movable(x))
        if movable > places:
            return (f"more sessions than slot×room places ({movable} sessions, {places} places); "
                    "the placed ones drew more interest")
        return "every slot it allows is full"
    return ("its proposer already has a session in every slot it allows that has a free room")


@dataclass(frozen=True)
class _Shown:
    """What the result shows of a timetable: its rooms, attendance and utility."""

    pairs: list[tuple[str, str]]
    attendance: dict[str, int]
    room_of: dict[str, str]
    utility: int


def _shown(problem: Problem, tt: Timetable) -> _Shown:
    inst = problem.instance
    pairs = [(problem.session_ids[s], problem.slot_ids[t])
             for s, t in enumerate(tt.slot_of) if t != UNPLACED]
    attendance = expected_attendance(inst, pairs)
    seated = {problem.session_ids[s]: problem.room_ids[r] for s, r in tt.room_of.items()}
    room_of = assign_rooms(inst, pairs, attendance, seated)
    # The figure is recomputed from the rooms given, as anyone checking the result would.
    utility = (seated_utility(inst, [(s, t, room_of[s]) for s, t in pairs]) if problem.seats
               else tt.utility)
    return _Shown(pairs, attendance, room_of, utility)


def _rebuilt(problem: Problem, placement: list[int]) -> tuple[Timetable, _Shown]:
    tt = Timetable.from_placement(problem, placement)
    _give_rooms(problem, tt)
    return tt, _shown(problem, tt)


def _worth(problem: Problem, tt: Timetable, shown: _Shown, weight: int) -> int:
    """The objective (`search.objective`) with the utility the result shows."""
    return shown.utility - (tt.utility - objective(problem, tt, weight))


def _result(problem: Problem, tt: Timetable, shown: _Shown, seed_utility: int, bound: int,
            optimal: bool, weight: int, seconds: float, method: Method) -> Result:
    inst = problem.instance
    pairs, attendance, room_of, utility = (shown.pairs, shown.attendance, shown.room_of,
                                           shown.utility)
    capacity = {r.id: r.capacity for r in inst.rooms}
    slot_order = {sid: i for i, sid in enumerate(problem.slot_ids)}
    room_order = {rid: i for i, rid in enumerate(problem.room_ids)}
    assignments = sorted(
        (Assignment(session=s, slot=t, room=room_of[s], expected_attendance=attendance[s],
                    overflow=max(0, attendance[s] - capacity[room_of[s]]))
         for s, t in pairs),
        key=lambda a: (slot_order[a.slot], room_order[a.room]))
    unplaced = [Unplaced(session=problem.session_ids[s], reason=unplaced_reason(problem, tt, s))
                for s, t in enumerate(tt.slot_of) if t == UNPLACED]
    moves = []
    if inst.previous is not None:
        for s in range(problem.n_sessions):
            before, after = problem.previous_slot[s], tt.slot_of[s]
            if problem.in_previous[s] and before != after:
                moves.append(Move(
                    session=problem.session_ids[s],
                    from_slot=problem.slot_ids[before] if before != UNPLACED else None,
                    to_slot=problem.slot_ids[after] if after != UNPLACED else None))
    overflow = sum(a.overflow for a in assignments)
    return Result(
        status="optimal" if optimal or utility >= bound else "feasible",
        method=method,
        utility=utility,
        upper_bound=bound,
        seed_heuristic_utility=seed_utility,
        solve_seconds=round(seconds, 3),
        assignments=assignments,
        unplaced=unplaced,
        overflow=overflow,
        moved=len(moves),
        moves=moves,
        move_weight=weight,
    )
