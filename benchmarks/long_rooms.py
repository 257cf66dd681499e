"""Sessions of several slots among fixed sessions in scattered rooms: annealing's speed, and
what solve() returns (utility, bound, sessions left out, rooms holding two sessions at once).

    python benchmarks/long_rooms.py SIZE FIXED [SECONDS]

SIZE is a generated size (`scheduler_core.generate`), FIXED the share of sessions of one slot
pinned to a random slot and room; 15 % of the sessions last two slots. Run it against another
checkout with PYTHONPATH=that/checkout to compare.
"""

from __future__ import annotations

import random
import sys
import time

from scheduler_core.engine import SolveOptions, solve
from scheduler_core.evaluate import _occupied
from scheduler_core.generate import generate
from scheduler_core.heuristic import seed_heuristic
from scheduler_core.models import Instance
from scheduler_core.problem import compile_problem
from scheduler_core.search import Annealer, Budget


def instance(size: str, share: float) -> Instance:
    rng = random.Random(5)
    d = generate(size, 1).model_dump()
    slots = [s["id"] for s in d["slots"] if not s["is_break"]]
    for s in d["sessions"]:
        if rng.random() < 0.15:
            s["length"] = 2
    used: set = set()
    for s in d["sessions"]:
        if s["length"] == 1 and rng.random() < share:
            t, r = rng.choice(slots), rng.choice(d["rooms"])["id"]
            if (t, r) not in used and not any((t, w) in used for w in s["proposers"]):
                used.add((t, r))
                used.update((t, w) for w in s["proposers"])
                s["allowed_slots"] = None
                d["fixed"].append({"session": s["id"], "slot": t, "room": r})
    return Instance.model_validate(d)


def main() -> None:
    size, share = sys.argv[1], float(sys.argv[2])
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    inst = instance(size, share)
    p = compile_problem(inst)
    print(f"{size} {share}: {len(inst.sessions)} sessions, {sum(n > 1 for n in p.length)} of "
          f"two slots, {len(inst.fixed)} fixed, {p.n_rooms} rooms, {p.n_slots} slots")
    annealer = Annealer(p, seed_heuristic(p), random.Random(0), 0)
    started = time.monotonic()
    n = annealer.run(Budget(deadline=started + seconds / 2))
    print(f"annealing {seconds / 2:g} s: {n / (time.monotonic() - started):,.0f} proposals/s")
    r = solve(inst, SolveOptions(time_limit=seconds, seed=0))
    held = [(t, a.room) for a in r.assignments for _, t in _occupied(inst, [(a.session, a.slot)])]
    print(f"solve {seconds:g} s: {r.method}, utility {r.utility:,}, bound {r.upper_bound:,}, "
          f"{len(r.unplaced)} left out, {len(held) - len(set(held))} room-slots held twice")


if __name__ == "__main__":
    main()
