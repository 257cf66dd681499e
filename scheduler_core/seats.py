"""Seats count: what a slot is worth when rooms have capacities ("capacity_mode": "seats").

Each attendee present goes to their best session of the slot (ties: the session more people
want, as `evaluate.expected_attendance` decides). A session seats as many of them as its room
holds, those who want it most first; the others gain nothing from it and each costs
`overflow_penalty`. A session with a room of its own (fixed, or held by a session of several
slots over all its slots) sits there; the other rooms go largest to the session expecting
most, as `evaluate.assign_rooms` gives them, so the search values a slot with the rooms it will
really get.
"""

from __future__ import annotations

import numpy as np


def session_worth(levels: np.ndarray, capacity: int, penalty: int) -> int:
    """The levels of the `capacity` attendees who want it most, less the penalty per extra."""
    n = len(levels)
    if n <= capacity:
        return int(levels.sum())
    top = np.partition(levels, n - capacity)[n - capacity:] if capacity > 0 else levels[:0]
    return int(top.sum()) - penalty * (n - capacity)


def choose(who: np.ndarray, lv: np.ndarray, rank: np.ndarray, owner: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """Per attendee, their best offer: returns (index into the offers kept, owner of each).

    Offers are (attendee `who`, level `lv`, session `owner` with tie rank `rank`); an attendee
    takes the highest level, then the highest rank.
    """
    order = np.lexsort((-rank, -lv, who))
    who_sorted = who[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = who_sorted[1:] != who_sorted[:-1]
    kept = order[first]
    return kept, owner[kept]


def slot_worth(offers: list[tuple[np.ndarray, np.ndarray]], ranks: list[int],
               fixed_caps: list[int | None], free_caps: list[int], penalty: int) -> int:
    """A slot's worth: offers[i] = (attendees, their levels) of the i-th session there, already
    limited to attendees present; fixed_caps[i] its room's capacity when it has one of its own
    (fixed, or held over several slots), else None; free_caps the other rooms' capacities,
    largest first."""
    if not offers:
        return 0
    sizes = [len(w) for w, _ in offers]
    who = np.concatenate([w for w, _ in offers]) if sum(sizes) else np.zeros(0, np.intp)
    if not len(who):
        return 0
    lv = np.concatenate([v for _, v in offers])
    owner = np.repeat(np.arange(len(offers)), sizes)
    rank = np.repeat(np.asarray(ranks), sizes)
    kept, chosen_owner = choose(who, lv, rank, owner)
    chosen_lv = lv[kept]
    per_session = [chosen_lv[chosen_owner == i] for i in range(len(offers))]
    movable = sorted((i for i, c in enumerate(fixed_caps) if c is None),
                     key=lambda i: -len(per_session[i]))
    total = 0
    for i, c in enumerate(fixed_caps):
        if c is not None:
            total += session_worth(per_session[i], c, penalty)
    for i, cap in zip(movable, free_caps, strict=False):
        total += session_worth(per_session[i], cap, penalty)
    return total
