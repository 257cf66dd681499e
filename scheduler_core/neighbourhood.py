"""Many moves of one session, priced together with numpy.

Pricing moves one at a time costs a dozen numpy calls on arrays of a dozen raters each: the
calls' own overhead, not the arithmetic, is the time. Here the moves of one session s1 (into
every free room it may take, and a swap with each of a sample of the sessions seated elsewhere)
are priced with one set of calls over all of them, against the same timetable, exactly as the
Timetable would price each alone. For that it keeps, for every seated session, what each
attendee would have in its slot without it (`without`) and what its leaving would cost
(`loss`), brought up to date for the slots a move touches.

The places s1 may go are the sessions (a swap) and, after them, one per slot standing for a
free room there (`n_sessions + slot`, seated in its slot while the slot has a free room): an
empty room takes nothing from anyone where it is and brings nothing where it goes, so a move
into a free room is priced as a swap with it, in the same calls as the swaps.

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
        self.n_sessions = n_s
        n = n_s + n_t
        self.places = np.arange(n)
        self.rooms = self.places[n_s:]
        # Every place's ratings, at least one each (`np.add.reduceat` sums no empty run):
        # a place rated by no one gets a level 0 from attendee n_a, who is nobody.
        nobody = [(n_a, 0)]
        ratings = [r or nobody for r in p.raters] + [nobody] * n_t
        counts = np.fromiter(map(len, ratings), dtype=np.intp, count=n)
        self.count = counts
        self.first = np.cumsum(counts) - counts  # per place: where its ratings start
        self.rater = np.fromiter((a for r in ratings for a, _ in r), dtype=np.intp)
        self.level = np.fromiter((lv for r in ratings for _, lv in r), dtype=np.int32)
        self.levels = p.levels
        # enter[s, t]: s may move into slot t; leave_to[t, x]: place x may take slot t of the
        # session swapping with it, the last row standing for UNPLACED (index -1): a session
        # swapped with an unplaced one is left unplaced, a free room goes anywhere. Fixed
        # sessions do neither.
        self.enter = np.zeros((n_s, n_t + 1), dtype=bool)
        for s in p.placeable:
            self.enter[s, p.allowed[s]] = True
        leave = np.zeros((n, n_t + 1), dtype=bool)
        leave[:n_s] = self.enter
        leave[p.placeable, n_t] = True
        leave[n_s:] = True
        self.leave_to = np.ascontiguousarray(leave.T)
        self.conflicts = [np.asarray(c, dtype=np.intp) for c in p.conflicts]
        self.apart = None  # never in parallel, between places
        if any(p.conflicts):
            self.apart = np.zeros((n, n), dtype=bool)
            for s, others in enumerate(p.conflicts):
                self.apart[s, others] = True
        self.present = None  # slots × attendees and nobody
        if p.present is not None:
            self.present = np.zeros((n_t, n_a + 1), dtype=p.present.dtype)
            self.present[:, :n_a] = p.present
        self.in_previous = np.zeros(n, dtype=bool)
        self.in_previous[:n_s] = p.in_previous
        self.previous_slot = np.full(n, UNPLACED, dtype=np.intp)
        self.previous_slot[:n_s] = p.previous_slot
        self.slot = np.full(n, UNPLACED, dtype=np.intp)  # per place: its slot
        self.slot[:n_s] = tt.slot_of
        # places × attendees (and nobody): what each would have in the place's slot without it
        self.without = np.zeros((n, n_a + 1), dtype=np.int32)
        self.loss = np.zeros(n, dtype=np.int64)
        self.update(range(n_t))

    @staticmethod
    def applies(problem: Problem) -> bool:
        return not (problem.seats or problem.multi_slot)

    def session(self, place: int) -> int:
        """The session at a place `moves` returned; UNPLACED for a free room."""
        return place if place < self.n_sessions else UNPLACED

    def update(self, slots, sessions=()) -> None:
        """Bring the figures up to date in these slots, after a change there that moved these
        sessions."""
        tt, slot = self.tt, self.slot
        for s in sessions:
            if s != UNPLACED:
                slot[s] = tt.slot_of[s]
                if slot[s] == UNPLACED:
                    self.loss[s] = 0  # costs nothing to leave
        for t in slots:
            if t == UNPLACED:
                continue
            b1 = tt.best1[t]
            room = self.n_sessions + t
            self.without[room, :-1] = b1
            slot[room] = t if tt.free[t] > 0 else UNPLACED
            if not tt.members[t]:
                continue
            m = np.array(tt.members[t])
            b2 = tt.best2[t]
            top = self.levels[m] == b1  # where each member gives the slot's best
            self.without[m, :-1] = np.where(top, b2, b1)
            gap = b1 - b2
            if self.present is not None:
                gap *= self.present[t, :-1]
            self.loss[m] = top @ gap

    def _penalty(self, s, t, weight: int):
        return weight * (self.in_previous[s] & (self.previous_slot[s] != t))

    def moves(self, s1: int, weight: int, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(delta, place, t2) for moves of s1 that keep every constraint: a swap with the
        session at `place`, seated in t2 (it takes s1's slot, or is left unplaced when s1
        was), or into a free room of t2 (`session(place)` is UNPLACED). Swap partners: every
        session when there are at most `SAMPLE`, else `SAMPLE` drawn at random with repeats
        (a session drawn twice is offered twice, as two draws would). delta is the
        change of utility less `weight` per session moved away from its previous slot."""
        tt, present, n_s = self.tt, self.present, self.n_sessions
        t1 = tt.slot_of[s1]
        who1 = tt.who[s1]
        into = self.enter[s1].copy()
        if t1 != UNPLACED:
            into[t1] = False
        if n_s <= SAMPLE:
            cand = slice(None)
            first, rater, level = self.first, self.rater, self.level
            taken = self.without[:, who1]
            leave = self.leave_to[t1]
        else:
            cand = np.concatenate([rng.integers(n_s, size=SAMPLE), self.rooms])
            counts = self.count[cand]
            first = np.cumsum(counts) - counts
            at = np.arange(counts.sum()) + np.repeat(self.first[cand] - first, counts)
            rater, level = self.rater[at], self.level[at]
            taken = self.without[np.ix_(cand, who1)]
            leave = self.leave_to[t1, cand]
        t2 = self.slot[cand]
        ok = into[t2] & leave  # into[-1] is False: the place is seated
        if self.apart is not None:
            conf1 = self.conflicts[s1]
            if len(conf1):  # only the place itself may be kept apart from s1 in t2
                apart1 = np.bincount(self.slot[conf1] + 1, minlength=self.p.n_slots + 1)[1:]
                ok &= apart1[t2] == self.apart[s1, cand]
            if t1 != UNPLACED:
                others = [m for m in tt.members[t1] if m != s1 and len(self.conflicts[m])]
                if others:
                    ok &= ~self.apart[others][:, cand].any(axis=0)

        # s1 enters t2 in place of the place's session; that one leaves t2 and enters t1
        # without s1
        gain = np.subtract(tt.lv[s1], taken, out=taken)  # place × rater of s1
        np.maximum(gain, 0, out=gain)
        if present is not None:
            gain *= present[t2[:, None], who1]
        delta = gain.sum(axis=1, dtype=np.int64)
        delta -= self.loss[cand]
        delta -= self.loss[s1]
        if t1 != UNPLACED:
            back = self.without[s1].take(rater)
            np.subtract(level, back, out=back)
            np.maximum(back, 0, out=back)
            if present is not None:
                back *= present[t1, rater]
            delta += np.add.reduceat(back, first)
        if weight:
            places = self.places if n_s <= SAMPLE else cand
            delta += (self._penalty(s1, t1, weight) - self._penalty(s1, t2, weight)
                      + self._penalty(places, t2, weight) - self._penalty(places, t1, weight))
        ok = ok.nonzero()[0]
        return delta[ok], (ok if n_s <= SAMPLE else cand[ok]), t2[ok]
