"""The Timetable's incremental prices must equal the utility change they predict."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_core import engine, state
from scheduler_core.evaluate import utility_of
from scheduler_core.models import Instance
from scheduler_core.problem import UNPLACED, compile_problem
from scheduler_core.state import Seating, Timetable
from tests.scheduler_core.instances import feasibility_errors, pinned_instances, small_instances


def recomputed(problem, tt):
    seating = [(problem.session_ids[s], problem.slot_ids[t])
               for s, t in enumerate(tt.slot_of) if t != UNPLACED]
    return utility_of(problem.instance, seating)


@settings(max_examples=80, deadline=None)
@given(small_instances(max_sessions=8, max_slots=3, with_fixed=False), st.integers(0, 10**6))
def test_prices_match_recomputation_through_random_moves(inst, seed):
    problem = compile_problem(inst)
    tt = Timetable(problem)
    rng = random.Random(seed)
    sessions = list(range(problem.n_sessions))
    for _ in range(40):
        if not sessions:
            break
        s = rng.choice(sessions)
        t = rng.randrange(problem.n_slots)
        before = tt.utility
        if tt.slot_of[s] == t:
            continue
        if tt.free[t] > 0:
            predicted = tt.gain_if_added(s, t) - tt.loss_if_removed(s)
            tt.move(s, t)
        elif tt.members[t]:
            other = rng.choice(tt.members[t])
            home = tt.slot_of[s]
            predicted = tt.exchange_delta(other, s, t)
            if home != UNPLACED:
                predicted += tt.exchange_delta(s, other, home)
            tt.remove(other)
            tt.move(s, t)
            if home != UNPLACED:
                tt.place(other, home)
        else:
            continue
        assert tt.utility - before == predicted
        assert tt.utility == recomputed(problem, tt)
    for s in sessions:
        if tt.slot_of[s] != UNPLACED:
            loss = tt.loss_if_removed(s)
            before = tt.utility
            tt.remove(s)
            assert before - tt.utility == loss
    assert tt.utility == 0


@settings(max_examples=200, deadline=None)
@given(pinned_instances(), st.integers(0, 10**6))
def test_a_session_fits_exactly_when_every_session_of_several_slots_can_keep_one_room(inst,
                                                                                     seed):
    """fits() against enumeration: one room per session of several slots, free throughout of
    fixed sessions and of each other, re-seating the others if need be; the rooms held always
    say so."""
    problem = compile_problem(inst)
    tt = Timetable(problem)
    rng = random.Random(seed)
    movable = problem.placeable
    ids, slots = problem.session_ids, problem.slot_ids
    for _ in range(30):
        if not movable:
            break
        s = rng.choice(movable)
        t = rng.choice(problem.allowed[s])
        if tt.slot_of[s] == t:
            continue
        seating = [(ids[x], slots[u]) for x, u in enumerate(tt.slot_of)
                   if u != UNPLACED and x != s] + [(ids[s], slots[t])]
        possible = feasibility_errors(inst, seating) == []
        assert tt.fits(s, t) == possible
        if possible:
            tt.move(s, t)
        elif tt.slot_of[s] != UNPLACED and rng.random() < 0.3:
            tt.remove(s)
        assert tt.roomless == set()
        held = {(u, r) for u in range(problem.n_slots) for r in problem.fixed_rooms[u]}
        for x, r in tt.room_of.items():
            for u in problem.covers(x, tt.slot_of[x]):
                assert (u, r) not in held and tt.long_in[u][r] == x
                held.add((u, r))
        assert sum(map(len, tt.long_in)) == sum(problem.length[x] for x in tt.room_of)


@settings(max_examples=120, deadline=None)
@given(pinned_instances(), st.lists(st.sampled_from([5, 20, 40, 100]), min_size=3, max_size=3),
       st.integers(0, 3), st.integers(0, 10**6))
def test_when_seats_count_the_figure_is_that_of_the_rooms_the_result_shows(inst, caps, penalty,
                                                                          seed):
    """Through random moves (a session of several slots also to its own start, where it may
    change rooms), each priced beforehand without changing anything, the timetable's utility
    is the seated utility of the rooms the result would show: a session of several slots
    keeps the room it holds, the others share what is left."""
    data = inst.model_dump()
    for room, cap in zip(data["rooms"], caps, strict=False):
        room["capacity"] = cap
    inst = Instance.model_validate({**data, "capacity_mode": "seats",
                                    "overflow_penalty": penalty})
    problem = compile_problem(inst)
    tt = Timetable(problem)
    rng = random.Random(seed)
    movable = problem.placeable
    for _ in range(25):
        if not movable:
            break
        s = rng.choice(movable)
        t = rng.choice(problem.allowed[s])
        if not (tt.counts_fit(s, t) and tt.proposer_free(s, t)):
            continue
        before = (tt.utility, dict(tt.room_of), [dict(x) for x in tt.long_in])
        if problem.length[s] > 1:
            predicted = tt.relocation_delta(s, t)
            assert (tt.utility, tt.room_of, tt.long_in) == before
            if predicted is None:
                assert not tt.fits(s, t)
                continue
        elif tt.slot_of[s] == t or not tt.fits(s, t):
            continue
        else:
            predicted = tt.gain_if_added(s, t) - tt.loss_if_removed(s)
        tt.move(s, t)
        assert tt.roomless == set()
        assert tt.utility - before[0] == predicted
        assert tt.utility == engine._shown(problem, tt).utility


def _reviewers_instance() -> Instance:
    """L (two slots) draws 30 people at level 1, 20 of whom prefer A (t1 only) at 2, which 30
    more want; 5 want B (t2 only). In the big room L leaves A a 20-seat room for 50 people."""
    interest = ([{"attendee": f"p{i}", "session": "L", "level": 1} for i in range(30)]
                + [{"attendee": f"p{i}", "session": "A", "level": 2} for i in range(20)]
                + [{"attendee": f"q{i}", "session": "A", "level": 2} for i in range(30)]
                + [{"attendee": f"b{i}", "session": "B", "level": 2} for i in range(5)])
    return Instance.model_validate({
        "slots": [{"id": "t1"}, {"id": "t2"}],
        "rooms": [{"id": "big", "capacity": 100}, {"id": "small", "capacity": 20}],
        "sessions": [{"id": "L", "length": 2}, {"id": "A", "allowed_slots": ["t1"]},
                     {"id": "B", "allowed_slots": ["t2"]}],
        "interest": interest, "capacity_mode": "seats", "overflow_penalty": 1})


def test_a_session_of_several_slots_is_valued_in_the_one_room_it_keeps():
    """Seating each slot apart valued this at 150 with L in big in t2 and in small in t1; L
    keeps one room: in small the timetable is worth 130, in big 60."""
    problem = compile_problem(_reviewers_instance())
    L, A, B = 0, 1, 2
    tt = Timetable(problem)
    tt.place(L, 0)  # alone, L takes the big room
    assert tt.room_of == {L: 0} and tt.utility == 60
    tt.place(A, 0)
    tt.place(B, 1)
    assert tt.utility == 60 == engine._shown(problem, tt).utility
    assert tt.relocation_delta(L, 0) == 70  # to the small room, at its own start
    tt.move(L, 0)
    assert tt.room_of == {L: 1} and tt.utility == 130 == engine._shown(problem, tt).utility
    again = Timetable(problem)  # A first: L takes the small room at once
    again.place(A, 0)
    again.place(L, 0)
    again.place(B, 1)
    assert again.room_of == {L: 1} and again.utility == 130


def test_the_engine_returns_the_figure_of_the_rooms_it_shows_and_never_less_than_the_start():
    inst = _reviewers_instance()
    result = engine.solve(inst, engine.SolveOptions(time_limit=5, iterations=2000, seed=1))
    rooms = {a.session: a.room for a in result.assignments}
    assert rooms == {"L": "small", "A": "big", "B": "big"}
    assert result.utility == 130 >= result.seed_heuristic_utility


def _chain() -> tuple:
    """a (t0-t1) and d (t2-t3) of two rooms, f fixed in r1 at t3, s (t1-t2) fits only once a
    moves from r1 to r2."""
    inst = Instance.model_validate({
        "slots": [{"id": f"t{i}"} for i in range(4)],
        "rooms": [{"id": "r1"}, {"id": "r2"}],
        "sessions": [{"id": "a", "length": 2, "allowed_slots": ["t0", "t1"]},
                     {"id": "d", "length": 2, "allowed_slots": ["t2", "t3"]},
                     {"id": "s", "length": 2, "allowed_slots": ["t1", "t2"]}, {"id": "f"}],
        "interest": [{"attendee": f"u{i}", "session": x, "level": 100}
                     for i, x in enumerate("ads")],
        "fixed": [{"session": "f", "slot": "t3", "room": "r1"}]})
    return inst, compile_problem(inst)


def test_pricing_a_relocation_changes_no_room():
    """Moving s in and out again to price it re-seated a for good (and could leave s
    roomless); the price is now taken without touching the rooms."""
    _, problem = _chain()
    tt = Timetable(problem)
    tt.place(0, 0)
    tt.place(1, 2)
    before = (tt.utility, dict(tt.room_of), [dict(x) for x in tt.long_in], list(tt.slot_of))
    delta = tt.relocation_delta(2, 1)
    assert (tt.utility, tt.room_of, tt.long_in, tt.slot_of) == before
    tt.move(2, 1)
    assert tt.utility - before[0] == delta == 200
    assert tt.room_of == {0: 1, 1: 1, 2: 0}


def test_a_placement_rebuilt_with_its_rooms_keeps_them(monkeypatch):
    """Seated one by one, s needs a search that re-seats a; with no search allowed, a
    placement given with its rooms is still rebuilt whole."""
    _, problem = _chain()
    placement = [0, 2, 1, 3]
    tt = Timetable.from_placement(problem, Seating(placement, {0: 0, 1: 1, 2: 0}))  # not apart
    assert tt.roomless == set() and tt.room_of == {0: 1, 1: 1, 2: 0}  # seated all at once
    monkeypatch.setattr(state, "SEAT_TRIES", 0)
    tt = Timetable.from_placement(problem, Seating(placement, {0: 1, 1: 1, 2: 0}))
    assert tt.roomless == set() and tt.room_of == {0: 1, 1: 1, 2: 0} and tt.utility == 600
    again = Timetable.from_placement(problem, tt.placement())  # the placement brings them
    assert again.roomless == set() and again.room_of == tt.room_of


@pytest.mark.parametrize(("slots", "allowed"), [(2, []), (3, [1])])
def test_starts_without_one_room_free_of_fixed_sessions_are_never_tried(slots, allowed):
    """f1 holds r1 in t1, f2 r2 in t0: from t0 no room is free throughout."""
    inst = Instance.model_validate({
        "slots": [{"id": f"t{i}"} for i in range(slots)],
        "rooms": [{"id": "r1"}, {"id": "r2"}],
        "sessions": [{"id": "long", "length": 2}, {"id": "f1"}, {"id": "f2"}],
        "interest": [{"attendee": "u", "session": "long", "level": 100}],
        "fixed": [{"session": "f1", "slot": "t1", "room": "r1"},
                  {"session": "f2", "slot": "t0", "room": "r2"}]})
    problem = compile_problem(inst)
    assert problem.allowed[0] == allowed
    assert problem.no_one_room == (frozenset() if allowed else {0})
    if not allowed:
        reason = engine.unplaced_reason(problem, Timetable(problem), 0)
        assert reason.startswith("no one room is free through all the slots")
