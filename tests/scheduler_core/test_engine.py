"""Property tests of solve(): constraints, figures, optimality on tiny instances, stability."""

from __future__ import annotations

import json
import random
import re
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler_core import engine, exact
from scheduler_core.bounds import matching_bound, topk_bound
from scheduler_core.engine import SolveOptions, solve
from scheduler_core.evaluate import assign_rooms, seated_utility, utility_of
from scheduler_core.heuristic import seed_heuristic
from scheduler_core.models import Instance, Placement
from scheduler_core.problem import UNPLACED, compile_problem
from scheduler_core.search import Annealer, Budget
from scheduler_core.state import Timetable
from tests.scheduler_core.instances import (
    brute_force_optimum,
    brute_force_seated_optimum,
    feasibility_errors,
    hard_for_the_whole_model,
    occupancy,
    pinned_instances,
    small_instances,
)

QUICK = SolveOptions(time_limit=5, iterations=3000, seed=1)
ORBEL = Path(__file__).resolve().parents[2] / "benchmarks" / "orbel"
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def seating(result):
    return [(a.session, a.slot) for a in result.assignments]


@PROPERTY
@given(small_instances())
def test_every_hard_constraint_holds(inst):
    result = solve(inst, QUICK)
    assert feasibility_errors(inst, seating(result)) == []
    rooms = occupied_rooms(inst, result)  # every slot of every session, fixed ones too
    assert len(rooms) == len(set(rooms)), "two sessions share a room in some slot"
    fixed = {p.session: (p.slot, p.room) for p in inst.fixed}
    for a in result.assignments:
        if a.session in fixed:
            assert (a.slot, a.room) == fixed[a.session]
    placed = {a.session for a in result.assignments} | {u.session for u in result.unplaced}
    assert placed == {s.id for s in inst.sessions}


@PROPERTY
@given(small_instances())
def test_utility_matches_recomputation_and_beats_heuristic(inst):
    result = solve(inst, QUICK)
    assert result.utility == utility_of(inst, result.assignments)
    heuristic = seed_heuristic(compile_problem(inst)).utility
    assert result.seed_heuristic_utility == heuristic
    assert result.utility >= heuristic
    assert result.utility <= result.upper_bound


@PROPERTY
@given(small_instances(max_sessions=6, max_slots=3))
def test_tiny_instances_reach_the_brute_force_optimum(inst):
    result = solve(inst, QUICK)
    assert result.utility == brute_force_optimum(inst)
    assert result.status == "optimal"


@PROPERTY
@given(small_instances())
def test_unchanged_interest_means_no_moves(inst):
    first = solve(inst, QUICK)
    previous = [Placement(session=a.session, slot=a.slot, room=a.room)
                for a in first.assignments]
    again = solve(inst.model_copy(update={"previous": previous}), QUICK)
    assert again.moved == 0
    assert again.moves == []
    assert again.utility == first.utility


def test_expected_attendance_counts_each_attendee_once_per_slot():
    inst = Instance.model_validate({
        "slots": [{"id": "t1"}], "rooms": [{"id": "big", "capacity": 1},
                                           {"id": "small", "capacity": 50}],
        "sessions": [{"id": "a"}, {"id": "b"}],
        "interest": [{"attendee": f"u{i}", "session": "a", "level": 100} for i in range(3)]
        + [{"attendee": "u0", "session": "b", "level": 75},
           {"attendee": "u9", "session": "b", "level": 25}],
    })
    result = solve(inst, QUICK)
    by_session = {a.session: a for a in result.assignments}
    assert by_session["a"].expected_attendance == 3
    assert by_session["b"].expected_attendance == 1
    # Largest attendance goes to the largest room; overflow is reported, not hidden.
    assert by_session["a"].room == "small"
    assert by_session["b"].overflow == 0
    assert sum(a.expected_attendance for a in result.assignments) == 4


def test_move_weight_trades_utility_for_stability():
    people = [f"u{i}" for i in range(4)]
    base = {
        "slots": [{"id": "t1"}, {"id": "t2"}], "rooms": [{"id": "r1"}],
        "sessions": [{"id": "a"}, {"id": "b"}],
        "interest": [{"attendee": p, "session": "a", "level": 100} for p in people[:2]]
        + [{"attendee": p, "session": "b", "level": 100} for p in people[2:]],
        # Both sessions were in t1 and t2 before; a fixed session now takes a's old place.
    }
    inst = Instance.model_validate({
        **base,
        "sessions": [*base["sessions"], {"id": "c"}],
        "interest": base["interest"] + [{"attendee": p, "session": "c", "level": 100}
                                        for p in people],
        "fixed": [],
        "previous": [{"session": "a", "slot": "t1", "room": "r1"},
                     {"session": "b", "slot": "t2", "room": "r1"}],
    })
    # Three sessions, two places: keeping a and b costs the 4 people who want c. With a
    # small weight the engine moves (unplaces) one of them; with a huge one it keeps both.
    cheap = solve(inst, SolveOptions(time_limit=5, iterations=2000, move_weight=1))
    dear = solve(inst, SolveOptions(time_limit=5, iterations=2000, move_weight=10_000))
    assert cheap.moved == 1 and cheap.utility == 600
    assert dear.moved == 0 and dear.utility == 400
    assert {m.session for m in cheap.moves} <= {"a", "b"}


def test_progress_is_reported_and_cancel_stops_early():
    inst = _orbel(2017)
    cancel = threading.Event()
    seen = []

    def on_progress(p):
        seen.append(p)
        if len(seen) >= 2:
            cancel.set()

    result = solve(inst, SolveOptions(time_limit=60), progress=on_progress, cancel=cancel)
    assert result.solve_seconds < 30
    assert seen and all(p.upper_bound >= p.utility for p in seen)
    assert result.utility >= result.seed_heuristic_utility


def test_a_cancel_stops_the_whole_instance_model_at_once():
    """The whole-instance CP-SAT model runs first and would take half of the 120 s given;
    cancelled soon after the first progress report, the solve returns its best at once."""
    inst = hard_for_the_whole_model()
    assert exact.small_enough(compile_problem(inst))
    cancel = threading.Event()

    def on_progress(_p):
        if not cancel.is_set():
            threading.Timer(0.5, cancel.set).start()

    result = solve(inst, SolveOptions(time_limit=120), progress=on_progress, cancel=cancel)
    assert cancel.is_set()
    assert result.solve_seconds < 30, "the exact phase ran on after the cancel"
    assert result.status in ("feasible", "optimal")
    assert result.seed_heuristic_utility <= result.utility <= result.upper_bound


def test_same_seed_and_iteration_budget_give_the_same_timetable():
    inst = _orbel(2017)
    opts = SolveOptions(time_limit=60, iterations=20_000, seed=7)
    first, second = solve(inst, opts), solve(inst, opts)
    assert seating(first) == seating(second)


def _orbel(year: int) -> Instance:
    return Instance.model_validate(json.loads((ORBEL / f"orbel{year}.json").read_text()))


@pytest.mark.parametrize("year,heuristic", [(2017, 107_200), (2026, 124_500)])
def test_heuristic_reproduces_the_reference_figures_on_real_data(year, heuristic):
    assert seed_heuristic(compile_problem(_orbel(year))).utility == heuristic


# -- the constraints organisers ask for (issue 13) ------------------------------------------


def occupied_rooms(inst, result):
    """(slot, room) for every slot each assignment occupies."""
    room = {a.session: a.room for a in result.assignments}
    return [(slot, room[s]) for s, slot in occupancy(inst, seating(result))]


@PROPERTY
@given(small_instances(constraints=True))
def test_every_constraint_holds_and_the_bound_holds_the_optimum(inst):
    result = solve(inst, QUICK)
    assert feasibility_errors(inst, seating(result)) == []
    rooms = occupied_rooms(inst, result)
    assert len(rooms) == len(set(rooms)), "two sessions share a room in some slot"
    assert result.utility == utility_of(inst, result.assignments)
    optimum = brute_force_optimum(inst)
    assert result.utility <= optimum <= result.upper_bound
    if result.status == "optimal":
        assert result.utility == optimum


@PROPERTY
@given(small_instances(max_sessions=8, constraints=True), st.integers(0, 10**6))
def test_annealing_keeps_every_constraint(inst, seed):
    problem = compile_problem(inst)
    start = seed_heuristic(problem)
    annealer = Annealer(problem, start, random.Random(seed), 0)
    annealer.run(Budget(iterations=500))
    for tt in (start, Timetable.from_placement(problem, annealer.best_placement)):
        placed = [(problem.session_ids[s], problem.slot_ids[t])
                  for s, t in enumerate(tt.slot_of) if t != UNPLACED]
        assert feasibility_errors(inst, placed) == []
        assert tt.utility == utility_of(inst, placed)
    assert annealer.best <= matching_bound(problem)
    assert matching_bound(problem) <= topk_bound(problem)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(constraints=True, multi_slot=False), st.booleans())
def test_the_portfolio_keeps_every_constraint_and_an_honest_bound(inst, seats):
    """The time-limited path: set partitioning in its process beside annealing (the whole-
    instance model, which would prove these at once, is kept out by its size limit; where
    the matching bound already equals the heuristic's timetable, nothing more runs)."""
    if seats:
        inst = inst.model_copy(update={"capacity_mode": "seats"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(exact, "MAX_ATTENDANCE_VARIABLES", 0)
        result = solve(inst, SolveOptions(time_limit=5))
    assert feasibility_errors(inst, seating(result)) == []
    rooms = occupied_rooms(inst, result)
    assert len(rooms) == len(set(rooms))
    if seats:
        triples = [(a.session, a.slot, a.room) for a in result.assignments]
        assert result.utility == seated_utility(inst, triples)
        optimum = brute_force_seated_optimum(inst)
    else:
        assert result.utility == utility_of(inst, result.assignments)
        optimum = brute_force_optimum(inst)
    assert result.utility <= optimum <= result.upper_bound
    if result.status == "optimal":
        assert result.utility == optimum


def test_the_contract_refuses_bad_constraints_with_clear_messages():
    base = {"slots": [{"id": "t1"}, {"is_break": True, "id": "b"}, {"id": "t2"}],
            "rooms": [{"id": "r1"}], "sessions": [{"id": "a"}, {"id": "b2"}]}
    cases = [
        ({"not_in_parallel": [["a", "zz"]]}, "not_in_parallel[0]: unknown session 'zz'"),
        ({"not_in_parallel": [["a", "a"]]}, "pairs session 'a' with itself"),
        ({"availability": [{"attendee": "u1", "slots": ["nope"]}]}, "unknown slot 'nope'"),
        ({"availability": [{"attendee": "u1", "slots": []},
                           {"attendee": "u1", "slots": ["t1"]}]}, "'u1' is listed twice"),
        ({"sessions": [{"id": "a", "length": 2}]}, "lasts 2 slots but no 2 consecutive"),
        ({"capacity_mode": "maybe"}, "capacity_mode"),
        ({"overflow_penalty": -1}, "overflow_penalty"),
    ]
    for extra, message in cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            Instance.model_validate({**base, **extra})


def test_a_session_of_two_slots_keeps_one_room_and_counts_in_both():
    day = "2026-07-06T"
    inst = Instance.model_validate({
        "slots": [{"id": f"t{i}", "start": f"{day}{9 + i:02d}:00:00"} for i in range(3)],
        "rooms": [{"id": "r1", "capacity": 10}, {"id": "r2", "capacity": 5}],
        "sessions": [{"id": "long", "length": 2, "track": "x"}, {"id": "b", "track": "x"},
                     {"id": "c"}],
        "interest": [{"attendee": "u1", "session": "long", "level": 100},
                     {"attendee": "u1", "session": "b", "level": 100},
                     {"attendee": "u2", "session": "c", "level": 25}],
        "fixed": [{"session": "c", "slot": "t1", "room": "r1"}],
    })
    result = solve(inst, QUICK)
    at = {a.session: a for a in result.assignments}
    # u1 sees "long" in two slots and "b" (same track, so not beside it) in the third.
    assert result.utility == 325 and result.status == "optimal"
    assert at["long"].slot in ("t0", "t1") and at["long"].room == "r2"
    assert feasibility_errors(inst, seating(result)) == []


def test_sessions_of_several_slots_get_rooms_that_fixed_sessions_leave_free():
    """Largest room first would put M in A and leave L only B, which the fixed F holds in
    s2: the rooms are chosen so that every session keeps one room free over its slots."""
    day = "2026-07-06T"
    inst = Instance.model_validate({
        "slots": [{"id": f"s{i}", "start": f"{day}{9 + i:02d}:00:00"} for i in range(3)],
        "rooms": [{"id": "A", "capacity": 50}, {"id": "B", "capacity": 40}],
        "sessions": [{"id": "M", "length": 2, "allowed_slots": ["s0", "s1"]},
                     {"id": "L", "length": 2, "allowed_slots": ["s1", "s2"]}, {"id": "F"}],
        "interest": [{"attendee": f"u{i}", "session": s, "level": 100}
                     for i, s in enumerate("MLF")],
        "fixed": [{"session": "F", "slot": "s2", "room": "B"}],
    })
    rooms = assign_rooms(inst, [("M", "s0"), ("L", "s1"), ("F", "s2")],
                         {"M": 10, "L": 5, "F": 1})
    assert rooms == {"M": "B", "L": "A", "F": "B"}
    result = solve(inst, QUICK)
    held = occupied_rooms(inst, result)
    assert len(held) == len(set(held)) and len(result.assignments) == 3


def _two_rooms(slots: int, sessions: list[dict], fixed: list[dict]) -> Instance:
    day = "2026-07-06T"
    return Instance.model_validate({
        "slots": [{"id": f"t{i}", "start": f"{day}{9 + i:02d}:00:00"} for i in range(slots)],
        "rooms": [{"id": "r1"}, {"id": "r2"}],
        "sessions": sessions + [{"id": p["session"]} for p in fixed],
        "interest": [{"attendee": f"u{i}", "session": s["id"], "level": 100}
                     for i, s in enumerate(sessions)],
        "fixed": fixed})


SOLVERS = {"cp-sat": QUICK, "annealing": SolveOptions(time_limit=5, iterations=3000, seed=1),
           "time-limited": SolveOptions(time_limit=2)}


def _solved_by(solver: str, inst: Instance):
    """The result of that solver alone (the whole-instance model kept out but for "cp-sat"),
    checked to hold no room twice at once."""
    with pytest.MonkeyPatch.context() as mp:
        if solver != "cp-sat":
            mp.setattr(exact, "MAX_ATTENDANCE_VARIABLES", 0)
        result = solve(inst, SOLVERS[solver])
    rooms = occupied_rooms(inst, result)
    assert len(rooms) == len(set(rooms))
    return result


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_session_of_two_slots_never_shares_a_room_with_a_fixed_session(solver):
    """Each slot has a free room, but not the same one: the session is left out, saying why
    (it used to get r1, which the fixed f1 holds in t1)."""
    inst = _two_rooms(2, [{"id": "long", "length": 2}],
                      [{"session": "f1", "slot": "t1", "room": "r1"},
                       {"session": "f2", "slot": "t0", "room": "r2"}])
    result = _solved_by(solver, inst)
    assert [u.session for u in result.unplaced] == ["long"]
    assert "no one room is free through all the slots" in result.unplaced[0].reason
    assert result.utility == 0 and result.upper_bound >= 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_free_room_in_each_slot_for_each_long_session_is_not_enough(solver):
    """a (t0-t1) and b (t1-t2) each find r2 free throughout and every slot has room for
    them, yet both need r2 in t1: only one of them can run."""
    inst = _two_rooms(3, [{"id": "a", "length": 2, "allowed_slots": ["t0", "t1"]},
                          {"id": "b", "length": 2, "allowed_slots": ["t1", "t2"]}],
                      [{"session": "f0", "slot": "t0", "room": "r1"},
                       {"session": "f2", "slot": "t2", "room": "r1"}])
    result = _solved_by(solver, inst)
    at = {a.session: a.room for a in result.assignments}
    assert len(result.unplaced) == 1 and {"a", "b"} - set(at) == {result.unplaced[0].session}
    assert at.get("a", at.get("b")) == "r2"
    assert result.utility == 200 and result.upper_bound >= 200
    if solver == "cp-sat":  # the bound of annealing alone counts rooms slot by slot
        assert result.status == "optimal" and result.upper_bound == 200


def test_sessions_of_several_slots_change_rooms_to_make_room_for_another():
    """a holds r1 and d holds r2 (f holds r1 in t3); s (t1-t2) finds no room free throughout
    until a moves to r2, which leaves r1 free for it."""
    inst = _two_rooms(4, [{"id": "a", "length": 2, "allowed_slots": ["t0", "t1"]},
                          {"id": "d", "length": 2, "allowed_slots": ["t2", "t3"]},
                          {"id": "s", "length": 2, "allowed_slots": ["t1", "t2"]}],
                      [{"session": "f", "slot": "t3", "room": "r1"}])
    problem = compile_problem(inst)
    tt = Timetable(problem)
    a, d, s = (problem.session_ids.index(x) for x in "ads")
    tt.place(a, 0)
    tt.place(d, 2)
    assert tt.room_of == {a: 0, d: 1}
    assert tt.counts_fit(s, 1) and tt.fits(s, 1)
    tt.place(s, 1)
    assert tt.roomless == set() and tt.room_of == {a: 1, d: 1, s: 0}
    tt.remove(a)
    assert tt.room_of == {d: 1, s: 0} and all(not tt.long_in[u].get(1) for u in (0, 1))
    result = solve(inst, QUICK)
    assert result.unplaced == [] and result.status == "optimal"
    rooms = occupied_rooms(inst, result)
    assert len(rooms) == len(set(rooms))


def test_a_timetable_given_without_rooms_is_repaired_before_the_result():
    """A placement from elsewhere that seats a session of two slots where no room is free
    throughout: the session moves to a start that has one, or leaves."""
    inst = _two_rooms(3, [{"id": "long", "length": 2}],
                      [{"session": "f1", "slot": "t1", "room": "r1"},
                       {"session": "f2", "slot": "t0", "room": "r2"}])
    problem = compile_problem(inst)
    slots = [UNPLACED] * problem.n_sessions
    slots[0] = 0
    for p in inst.fixed:
        slots[problem.session_ids.index(p.session)] = problem.slot_ids.index(p.slot)
    tt = Timetable.from_placement(problem, slots)
    assert tt.roomless == {0}
    engine._give_rooms(problem, tt)
    assert tt.roomless == set() and tt.slot_of[0] == 1 and tt.room_of == {0: 1}


@PROPERTY
@given(pinned_instances(), st.sampled_from(sorted(SOLVERS)))
def test_no_room_ever_holds_two_sessions_at_once(inst, solver):
    with pytest.MonkeyPatch.context() as mp:
        if solver != "cp-sat":
            mp.setattr(exact, "MAX_ATTENDANCE_VARIABLES", 0)
        result = solve(inst, SOLVERS[solver])
    rooms = occupied_rooms(inst, result)
    assert len(rooms) == len(set(rooms)), "two sessions share a room in some slot"
    assert feasibility_errors(inst, seating(result)) == []
    assert result.utility == utility_of(inst, result.assignments)
    optimum = brute_force_optimum(inst)
    assert result.utility <= optimum <= result.upper_bound
    if result.status == "optimal":
        assert result.utility == optimum
    if solver == "cp-sat":
        assert result.utility == optimum
    for u in result.unplaced:
        assert u.reason


def test_a_small_session_of_several_slots_leaves_the_large_room_to_a_crowd():
    day = "2026-07-06T"
    inst = Instance.model_validate({
        "slots": [{"id": f"s{i}", "start": f"{day}{9 + i:02d}:00:00"} for i in range(2)],
        "rooms": [{"id": "hall", "capacity": 300}, {"id": "nook", "capacity": 30}],
        "sessions": [{"id": "workshop", "length": 2}, {"id": "keynote"}],
    })
    rooms = assign_rooms(inst, [("workshop", "s0"), ("keynote", "s1")],
                         {"workshop": 5, "keynote": 200})
    assert rooms == {"workshop": "nook", "keynote": "hall"}


# -- seats count (issue 13) ------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(max_sessions=4, max_slots=2, constraints=True), st.integers(0, 30))
def test_when_seats_count_the_figure_is_honest_and_the_bound_holds(inst, penalty):
    inst = inst.model_copy(update={"capacity_mode": "seats", "overflow_penalty": penalty})
    result = solve(inst, QUICK)
    assert feasibility_errors(inst, seating(result)) == []
    rooms = occupied_rooms(inst, result)
    assert len(rooms) == len(set(rooms))
    triples = [(a.session, a.slot, a.room) for a in result.assignments]
    assert result.utility == seated_utility(inst, triples)
    optimum = brute_force_seated_optimum(inst)
    assert result.utility <= optimum <= result.upper_bound
    if result.status == "optimal":
        assert result.utility == optimum
    assert result.overflow == sum(a.overflow for a in result.assignments)


def test_seats_count_moves_a_crowd_out_of_a_small_room():
    # Ten people want "big" and "other" equally; two want "small". With capacities ignored,
    # the engine may put "big" in the 3-seat room; when seats count it must not.
    people = [f"u{i}" for i in range(10)]
    base = {
        "slots": [{"id": "t1"}, {"id": "t2"}],
        "rooms": [{"id": "hall", "capacity": 10}, {"id": "closet", "capacity": 3}],
        "sessions": [{"id": "big"}, {"id": "other"}, {"id": "small"}, {"id": "tiny"}],
        "interest": [{"attendee": p, "session": "big", "level": 100} for p in people]
        + [{"attendee": p, "session": "other", "level": 100} for p in people]
        + [{"attendee": p, "session": "small", "level": 25} for p in people[:2]]
        + [{"attendee": p, "session": "tiny", "level": 25} for p in people[2:4]],
    }
    seats = solve(Instance.model_validate({**base, "capacity_mode": "seats"}), QUICK)
    assert seats.overflow == 0
    assert seats.utility == 2000 + 0  # both crowds seated in the hall, one per slot
    assert {a.session: a.room for a in seats.assignments}["big"] == "hall"
    penalised = solve(Instance.model_validate({**base, "capacity_mode": "seats",
                                               "overflow_penalty": 5}), QUICK)
    assert penalised.overflow == 0 and penalised.utility == seats.utility
