"""The seed heuristic of the system we replace, implemented exactly.

It is both the engine's warm start and the baseline every benchmark compares against:
sessions by total interest (high to low); each goes to the allowed slot with a free room where it
raises the attendees' utility most, plus a tie-breaker of (rooms - sessions already in the slot);
the first best slot wins; a session with no such slot stays unplaced.
"""

from __future__ import annotations

from scheduler_core.problem import UNPLACED, Problem
from scheduler_core.state import Timetable


def seed_order(problem: Problem) -> list[int]:
    return sorted(range(problem.n_sessions), key=lambda s: -problem.total_interest[s])


def seed_heuristic(problem: Problem) -> Timetable:
    tt = Timetable(problem)
    n_rooms = problem.n_rooms
    for s in seed_order(problem):
        if not problem.movable(s):
            continue
        best_slot, best_score = UNPLACED, None
        for t in problem.allowed[s]:
            if not tt.fits(s, t) or not tt.proposer_free(s, t):
                continue
            score = tt.gain_if_added(s, t) + (n_rooms - len(tt.members[t]))
            if best_score is None or score > best_score:
                best_slot, best_score = t, score
        if best_slot != UNPLACED:
            tt.place(s, best_slot)
    return tt
