"""The moves annealing prices together must be exactly the moves that keep every constraint,
each priced as recomputing the timetable from scratch would, in every state a run reaches."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler_core import neighbourhood
from scheduler_core.evaluate import utility_of
from scheduler_core.heuristic import seed_heuristic
from scheduler_core.models import Instance
from scheduler_core.problem import UNPLACED, compile_problem
from scheduler_core.search import Annealer
from tests.scheduler_core.instances import feasibility_errors, small_instances


def with_previous(inst: Instance, rng: random.Random) -> Instance:
    """A previous timetable at random, so moving away from it costs something."""
    slots, room = [s.id for s in inst.slots if not s.is_break], inst.rooms[0].id
    previous = [{"session": s.id, "slot": rng.choice(slots), "room": room}
                for s in inst.sessions if rng.random() < 0.6]
    return Instance.model_validate({**inst.model_dump(mode="json"), "previous": previous})


def worth(inst: Instance, problem, placement: list[int], weight: int) -> int:
    """Utility less `weight` per session away from its previous slot, recomputed."""
    seating = [(problem.session_ids[s], problem.slot_ids[t])
               for s, t in enumerate(placement) if t != UNPLACED]
    before = {p.session: p.slot for p in inst.previous or []}
    now = dict(seating)
    moved = sum(1 for s, slot in before.items() if now.get(s) != slot)
    return utility_of(inst, seating) - weight * moved


def feasible_moves(inst: Instance, problem, tt, s1: int, weight: int) -> dict:
    """(s2, t2) -> price for every move of s1 that keeps every constraint, by enumeration."""
    now = tt.placement()
    here = worth(inst, problem, now, weight)
    t1 = now[s1]
    out = {}
    for t2 in range(problem.n_slots):
        if t2 == t1:
            continue
        tries = [UNPLACED] if tt.free[t2] > 0 else []
        tries += [s2 for s2 in tt.members[t2] if problem.movable(s2)]
        for s2 in tries:
            after = list(now)
            after[s1] = t2
            if s2 != UNPLACED:
                after[s2] = t1
            seating = [(problem.session_ids[s], problem.slot_ids[t])
                       for s, t in enumerate(after) if t != UNPLACED]
            if not feasibility_errors(inst, seating):
                out[s2, t2] = worth(inst, problem, after, weight) - here
    return out


def assert_two_highest(problem, tt) -> None:
    """Each slot's two highest levels per attendee, as its sessions give them."""
    for t in range(problem.n_slots):
        levels = np.sort(problem.levels[tt.members[t]], axis=0)
        top = np.zeros((2, problem.n_attendees), dtype=levels.dtype)
        top[2 - min(2, len(levels)):] = levels[-2:]
        assert (tt.best2[t] == top[0]).all() and (tt.best1[t] == top[1]).all()


@pytest.mark.parametrize("sample", [None, 2])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(max_sessions=8, max_slots=4, constraints=True, multi_slot=False),
       st.integers(0, 10**6), st.sampled_from([0, 30]))
def test_the_moves_priced_together_are_every_feasible_move_at_its_price(sample, inst, seed,
                                                                        weight):
    rng = random.Random(seed)
    inst = with_previous(inst, rng)
    problem = compile_problem(inst)
    annealer = Annealer(problem, seed_heuristic(problem), rng, weight)
    moves, tt = annealer.neighbourhood, annealer.tt
    np_rng = np.random.default_rng(seed)
    with pytest.MonkeyPatch.context() as mp:
        if sample is not None:  # swap partners drawn at random, as on big instances
            mp.setattr(neighbourhood, "SAMPLE", sample)
        for _ in range(8):
            made = []
            for s1 in problem.placeable:
                delta, place, target = moves.moves(s1, weight, np_rng)
                got = {(moves.session(int(x)), int(t2)): int(d)
                       for d, x, t2 in zip(delta, place, target, strict=True)}
                expected = feasible_moves(inst, problem, tt, s1, weight)
                if sample is None:
                    assert len(got) == len(delta)
                    assert got == expected
                else:
                    relocations = {k: v for k, v in expected.items() if k[0] == UNPLACED}
                    assert relocations.items() <= got.items()
                    assert got.items() <= expected.items()
                made += [(s1, *move) for move in got.items()]
            if not made:
                break
            s1, (s2, t2), d = rng.choice(made)
            annealer.apply(s1, t2, s2, d)  # and the kept figures follow the change
            assert tt.utility == worth(inst, problem, tt.placement(), 0)
            for _ in range(3):  # hot: most steps make a move of their own choosing
                annealer.step_many(temp=1000.0)
            assert annealer.current == worth(inst, problem, tt.placement(), weight)
            assert_two_highest(problem, tt)
