"""Many moves of one session, priced together with numpy.

Pricing moves one at a time costs a dozen numpy calls on arrays of a dozen raters each: the
calls' own overhead, not the arithmetic, is the time. Here the moves of one session s1 (into
every free room it may take, and a swap with each of a sample of the sessions seated elsewhere)
are priced with one set of calls over all of them, against the same timetable, exactly as the
Timetable would price each alone. For that it keeps, for every seated session, what each
attendee would have in its slot without it (`without`) and what its leaving would cost
(`loss`), brought up to date for the slots a move touches.

It serves the objective that is a sum over slots and attendees (each attendee's highest level
in a slot, where present): sessions of one slot each and capacities ignored. When seats count
or a session spans several slots, a slot's worth is not that sum, and moves are priced one at
a time (`search.Annealer.propose`).
"""

from __future__ import annotations

import numpy as np

from scheduler_core.problem import UNPLACED, Problem
from scheduler_core.state import Timetable

SAMPLE = 128  # swap partners priced per call, at most: bounds a call's cost on big instances


class Neighbourhood:
    def __init__(self, tt: Timetable):
        p = self.p = tt.p
        self.tt = tt
        n_s, n_t, n_a = p.n_sessions, p.n_slots, p.n_attendees
        counts = np.fromiter((len(r) for r in p.raters), dtype=np.intp, count=n_s)
        self.count = counts
        self.first = np.cumsum(counts) - counts  # per session: where its ratings start
        self.rated = np.repeat(np.arange(n_s), counts)  # per rating: its session
        self.rater = np.fromiter((a for r in p.raters for a, _ in r), dtype=np.intp)
        self.level = np.fromiter((lv for r in p.raters for _, lv in r), dtype=np.int32)
        self.levels = np.zeros((n_s, n_a), dtype=np.int32)
        self.levels[self.rated, self.rater] = self.level
        # enter[s, t]: s may move into slot t; leave[s, t]: s may take slot t of a session it
        # swaps with, the last column standing for UNPLACED (index -1): a session swapped
        # with an unplaced one is left unplaced. Fixed sessions do neither.
        self.enter = np.zeros((n_s, n_t + 1), dtype=bool)
        for s in p.placeable:
            self.enter[s, p.allowed[s]] = True
        self.leave = self.enter.copy()
        self.leave[p.placeable, n_t] = True
        self.apart = np.zeros((n_s, n_s), dtype=bool)  # never in parallel
        for s, others in enumerate(p.conflicts):
            self.apart[s, others] = True
        self.conflicts = [np.asarray(c, dtype=np.intp) for c in p.conflicts]
        self.present = p.present
        self.in_previous = np.asarray(p.in_previous, dtype=bool)
        self.previous_slot = np.asarray(p.previous_slot, dtype=np.intp)
        self.without = np.zeros((n_s, n_a), dtype=np.int32)
        self.loss = np.zeros(n_s, dtype=np.int64)
        self.update(range(n_t))

    @staticmethod
    def applies(problem: Problem) -> bool:
        return not (problem.seats or problem.multi_slot)

    def update(self, slots, sessions=()) -> None:
        """Bring `without` and `loss` up to date in these slots, after a change there that
        moved these sessions."""
        tt = self.tt
        for s in sessions:
            if s != UNPLACED and tt.slot_of[s] == UNPLACED:
                self.loss[s] = 0  # costs nothing to leave
        for t in slots:
            if t == UNPLACED or not tt.members[t]:
                continue
            m = np.asarray(tt.members[t])
            b1 = tt.best1[t]
            w = np.where(self.levels[m] == b1, tt.best2[t], b1)
            self.without[m] = w
            lost = b1 - w
            if self.present is not None:
                lost *= self.present[t]
            self.loss[m] = lost.sum(axis=1)

    def _penalty(self, s, t, weight: int):
        return weight * (self.in_previous[s] & (self.previous_slot[s] != t))

    def moves(self, s1: int, weight: int, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(delta, s2, t2) for moves of s1 that keep every constraint: into a free room of
        slot t2 (s2 = UNPLACED), or a swap with s2, seated in t2 (s2 takes s1's slot, or is
        left unplaced when s1 was). Swap partners: every session when there are at most
        `SAMPLE`, else `SAMPLE` drawn at random. delta is the change of utility less
        `weight` per session moved away from its previous slot."""
        tt, present = self.tt, self.present
        slot = tt.slot_array
        t1 = tt.slot_of[s1]
        who1, lv1 = tt.who[s1], tt.lv[s1]
        n_s = self.p.n_sessions
        into = self.enter[s1].copy()
        if t1 != UNPLACED:
            into[t1] = False
        conf1 = self.conflicts[s1]
        apart1 = None
        if len(conf1):  # per slot: the sessions kept apart from s1 there
            apart1 = np.bincount(slot[conf1] + 1, minlength=self.p.n_slots + 1)[1:]
        if n_s <= SAMPLE:
            cand, without = slice(None), self.without
            rated, rater, level = self.rated, self.rater, self.level
        else:
            cand = rng.integers(n_s, size=SAMPLE)
            without = self.without[cand]
            counts = self.count[cand]
            rated = np.repeat(np.arange(SAMPLE), counts)
            at = np.arange(rated.size) + np.repeat(self.first[cand] - (np.cumsum(counts)
                                                                          - counts), counts)
            rater, level = self.rater[at], self.level[at]
        t2 = slot[cand]
        ok = into[t2] & self.leave[cand, t1]  # into[-1] is False: s2 is seated
        if apart1 is not None:  # only s2 itself may be kept apart from s1 in t2
            ok &= apart1[t2] == self.apart[s1, cand]
        if t1 != UNPLACED:
            others = [m for m in tt.members[t1] if m != s1 and len(self.conflicts[m])]
            if others:
                ok &= ~self.apart[others][:, cand].any(axis=0)

        # s1 enters t2 in place of s2; s2 leaves t2 and enters t1, without s1
        gain = np.maximum(lv1 - without[:, who1], 0)
        if present is not None:
            gain *= present[t2[:, None], who1]
        delta = gain.sum(axis=1) - self.loss[cand]
        if t1 != UNPLACED:
            back = np.maximum(level - self.without[s1][rater], 0)
            if present is not None:
                back *= present[t1, rater]
            delta += np.bincount(rated, weights=back, minlength=len(t2)).astype(np.int64)
        ok = np.flatnonzero(ok)
        delta, partner, target = delta[ok], (ok if n_s <= SAMPLE else cand[ok]), t2[ok]

        if any(tt.free):  # s1 into a free room
            free = np.asarray(tt.free) > 0
            free &= into[:-1]
            if apart1 is not None:
                free &= apart1 == 0
            free = np.flatnonzero(free)
            if len(free):
                gain = np.maximum(lv1 - tt.best1[free[:, None], who1], 0)
                if present is not None:
                    gain *= present[free[:, None], who1]
                delta = np.concatenate([delta, gain.sum(axis=1)])
                partner = np.concatenate([partner, np.full(len(free), UNPLACED)])
                target = np.concatenate([target, free])
        delta -= self.loss[s1]
        if weight:
            delta += (self._penalty(s1, t1, weight) - self._penalty(s1, target, weight)
                      + np.where(partner != UNPLACED, self._penalty(partner, target, weight)
                                 - self._penalty(partner, t1, weight), 0))
        return delta, partner, target
