"""Set partitioning against brute force on tiny instances: the bound holds, `optimal` is true."""

from __future__ import annotations

import threading
import time

from hypothesis import HealthCheck, given, settings

from scheduler_core.generate import generate
from scheduler_core.heuristic import seed_heuristic
from scheduler_core.models import Instance
from scheduler_core.partition import SetPartitioning
from scheduler_core.portfolio import Portfolio
from scheduler_core.problem import compile_problem
from scheduler_core.state import Timetable
from tests.scheduler_core.instances import (
    brute_force_optimum,
    feasibility_errors,
    full_instances,
    small_instances,
)

PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(small_instances(max_sessions=6, max_slots=3, constraints=True, multi_slot=False))
def test_bound_and_proof_match_brute_force(inst):
    _check_against_brute_force(inst)


@PROPERTY
@given(full_instances())
def test_when_every_room_can_be_filled_only_full_columns_are_needed(inst):
    partition = _check_against_brute_force(inst)
    assert partition is not None and partition.fill


def _check_against_brute_force(inst: Instance) -> SetPartitioning | None:
    problem = compile_problem(inst)
    partition = SetPartitioning(problem)
    if not partition.applicable():
        return None
    start = seed_heuristic(problem)
    bounds: list[int] = []
    outcome = partition.run(start, time.monotonic() + 30, bounds.append)
    optimum = brute_force_optimum(inst)
    assert outcome.bound >= optimum
    assert all(b >= optimum for b in bounds)
    assert bounds == sorted(bounds, reverse=True)
    if outcome.placement is not None:
        tt = Timetable.from_placement(problem, outcome.placement)
        assert tt.utility == outcome.utility > start.utility
        seating = [(problem.session_ids[s], problem.slot_ids[t])
                   for s, t in enumerate(outcome.placement) if t >= 0]
        assert feasibility_errors(inst, seating) == []
    best = outcome.utility if outcome.placement is not None else start.utility
    # Tiny instances are proven within the time given; a proof is only claimed when true.
    assert outcome.optimal
    assert best == optimum
    return partition


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(max_sessions=5, max_slots=3, constraints=True, multi_slot=False))
def test_the_portfolio_child_process_reports_the_same_proof(inst):
    problem = compile_problem(inst)
    if not SetPartitioning(problem).applicable():
        return
    start = seed_heuristic(problem)
    portfolio = Portfolio()
    far = time.monotonic() + 120
    portfolio.partition(inst, start.placement(), far, far, prove=True)
    outcome = portfolio.finish(far)
    assert outcome is not None and outcome.optimal
    assert portfolio.bound == outcome.bound >= brute_force_optimum(inst)
    best = outcome.utility if outcome.placement is not None else start.utility
    assert best == brute_force_optimum(inst)


def test_a_stopped_portfolio_leaves_no_process():
    inst = Instance.model_validate({"slots": [{"id": "t"}], "rooms": [{"id": "r"}],
                                    "sessions": [{"id": "s"}]})
    portfolio = Portfolio()
    portfolio.partition(inst, [-1], time.monotonic() + 60, time.monotonic() + 60, prove=True)
    proc = portfolio._proc
    portfolio.stop()
    assert proc.poll() is not None


def test_a_cancelled_proof_stops_at_once():
    """xen-like seed 1: the relaxation converges within seconds; its integer phase then runs
    far longer than it is given here before it is cancelled."""
    problem = compile_problem(generate("xen-like", 1))
    partition = SetPartitioning(problem)
    start = seed_heuristic(problem)
    assert partition.bound(start, time.monotonic() + 600)
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    began = time.monotonic()
    outcome = partition.prove(began + 120, cancel.is_set)
    assert cancel.is_set() and not outcome.optimal
    assert time.monotonic() - began < 60, "the integer phase ran on after the cancel"
    assert outcome.bound >= start.utility
