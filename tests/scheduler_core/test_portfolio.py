"""The second solver's process: a second annealing chain where set partitioning cannot run,
and no process left behind whatever happens to the caller."""

from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from scheduler_core import engine
from scheduler_core.bounds import upper_bound
from scheduler_core.engine import SolveOptions, solve
from scheduler_core.evaluate import utility_of
from scheduler_core.generate import generate
from scheduler_core.heuristic import seed_heuristic
from scheduler_core.models import Instance
from scheduler_core.partition import SetPartitioning
from scheduler_core.portfolio import Portfolio
from scheduler_core.problem import UNPLACED, compile_problem
from scheduler_core.search import Annealer
from scheduler_core.state import Timetable
from tests.scheduler_core.instances import feasibility_errors


def children() -> list[int]:
    """This process's child processes running the second solver."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"scheduler_core.portfolio" in cmdline:
            found.append(int(pid))
    return found


def test_the_second_chain_returns_a_better_timetable_with_honest_figures():
    inst = generate("medium", 1)
    problem = compile_problem(inst)
    assert not SetPartitioning(problem).applicable()  # so the engine would run this chain
    start = seed_heuristic(problem)
    bound = upper_bound(problem)
    portfolio = Portfolio()
    portfolio.anneal(inst, start.placement(), time.monotonic() + 4, seed=3, weight=0,
                     bound=bound)
    outcome = portfolio.finish(time.monotonic() + 60)
    assert portfolio.method == "annealing"
    assert outcome is not None and outcome.bound == bound and outcome.placement is not None
    found = Timetable.from_placement(problem, outcome.placement)
    assert outcome.utility == found.utility > start.utility
    assert portfolio.found == (found.utility, found.utility)  # its last figures: the outcome's
    seating = [(problem.session_ids[s], problem.slot_ids[t])
               for s, t in enumerate(outcome.placement) if t != UNPLACED]
    assert feasibility_errors(inst, seating) == []
    assert utility_of(inst, seating) == outcome.utility
    assert children() == []


def test_the_engine_shows_and_takes_the_better_chain(monkeypatch):
    """The caller's own chain only waits: what improves is the second one's, shown in the
    progress reports while the caller's chain runs, and taken."""
    def idle(self, budget):
        while not budget.cancelled() and time.monotonic() < budget.deadline:
            time.sleep(0.05)
        return 0

    monkeypatch.setattr(Annealer, "run", idle)
    inst = generate("medium", 1)
    reports = []
    result = solve(inst, SolveOptions(time_limit=5, seed=2), progress=reports.append)
    assert result.method == "annealing"
    assert result.utility > result.seed_heuristic_utility
    shown = [r.utility for r in reports[:-1]]  # before the final report
    assert max(shown) > result.seed_heuristic_utility
    assert result.utility == utility_of(inst, [(a.session, a.slot)
                                               for a in result.assignments])
    assert children() == []


def test_an_error_while_annealing_leaves_no_second_solver_running(monkeypatch):
    def fail(self, budget):
        assert children(), "the second solver should be running by now"
        raise RuntimeError("annealing failed")

    monkeypatch.setattr(Annealer, "run", fail)
    monkeypatch.setattr(engine, "SECOND_CHAIN_MIN", 0.0)
    with pytest.raises(RuntimeError, match="annealing failed"):
        solve(generate("medium", 1), SolveOptions(time_limit=30))
    assert children() == []


def test_with_a_move_weight_the_second_chain_weighs_moves_too(monkeypatch):
    """A previous timetable kept at a price per session moved: the second chain's timetable
    is taken by that objective, and the result's figures say what it costs."""
    def idle(self, budget):
        while not budget.cancelled() and time.monotonic() < budget.deadline:
            time.sleep(0.05)
        return 0

    inst = generate("medium", 1)
    rng = random.Random(5)
    slots = [s.id for s in inst.slots if not s.is_break]
    previous = [{"session": s.id, "slot": rng.choice(slots), "room": inst.rooms[0].id}
                for s in inst.sessions]
    inst = Instance.model_validate({**inst.model_dump(mode="json"), "previous": previous})
    kept = solve(inst, SolveOptions(time_limit=60, iterations=0, move_weight=40))
    monkeypatch.setattr(Annealer, "run", idle)
    result = solve(inst, SolveOptions(time_limit=5, seed=1, move_weight=40))
    assert result.method == "annealing" and result.move_weight == 40
    assert result.utility == utility_of(inst, [(a.session, a.slot)
                                               for a in result.assignments])
    assert result.utility - 40 * result.moved > kept.utility - 40 * kept.moved
    assert children() == []


def test_without_a_second_process_the_engine_anneals_alone(monkeypatch):
    def no_process(*args, **kwargs):
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    inst = generate("medium", 1)
    result = solve(inst, SolveOptions(time_limit=3, seed=1))
    assert result.method == "annealing"
    assert result.utility > result.seed_heuristic_utility
