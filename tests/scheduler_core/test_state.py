"""The Timetable's incremental prices must equal the utility change they predict."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_core.evaluate import utility_of
from scheduler_core.problem import UNPLACED, compile_problem
from scheduler_core.state import Timetable
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
