"""The Timetable's incremental prices must equal the utility change they predict."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler_core.evaluate import utility_of
from scheduler_core.problem import UNPLACED, compile_problem
from scheduler_core.state import Timetable
from tests.scheduler_core.instances import small_instances


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
