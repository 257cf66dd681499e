"""Random small instances for property tests, and an independent brute-force optimum."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hypothesis import strategies as st

from scheduler_core.evaluate import utility_of
from scheduler_core.models import Instance

LEVELS = [0, 25, 75, 100]


@st.composite
def small_instances(draw, max_sessions: int = 6, max_slots: int = 3, with_fixed: bool = True,
                    constraints: bool = False, multi_slot: bool = True):
    """With `constraints`: tracks, not_in_parallel pairs, availability and (if `multi_slot`)
    sessions of two slots, over slots spread on two days."""
    n_slots = draw(st.integers(1, max_slots))
    breaks = draw(st.integers(0, 1))
    n_rooms = draw(st.integers(1, 3))
    n_sessions = draw(st.integers(0, max_sessions))
    n_attendees = draw(st.integers(1, 6))
    slots = [{"id": f"t{i}", "locked": draw(st.integers(0, 4)) == 0} for i in range(n_slots)]
    slots += [{"id": f"b{i}", "is_break": True} for i in range(breaks)]
    slot_ids = [f"t{i}" for i in range(n_slots)]
    rooms = [{"id": f"r{i}", "name": f"Room {i}", "capacity": draw(st.integers(1, 5))}
             for i in range(n_rooms)]
    people = [f"u{i}" for i in range(n_attendees)]
    sessions = []
    for i in range(n_sessions):
        proposers = draw(st.lists(st.sampled_from(people), max_size=2, unique=True))
        allowed = draw(st.one_of(st.none(), st.lists(st.sampled_from(slot_ids), min_size=1,
                                                     unique=True)))
        sessions.append({"id": f"s{i}", "title": f"Session {i}", "proposers": proposers,
                         "allowed_slots": allowed})
    interest = []
    for person in people:
        for sess in sessions:
            level = draw(st.sampled_from(LEVELS))
            if level:
                interest.append({"attendee": person, "session": sess["id"], "level": level})
    extra: dict = {}
    if constraints:
        day = datetime(2026, 7, 6, 9)
        split = draw(st.integers(1, n_slots))  # slots from `split` on are on the next day
        for i, slot in enumerate(slots[:n_slots]):
            slot["start"] = day + timedelta(days=i >= split, hours=i)
        for sess in sessions:
            sess["track"] = draw(st.sampled_from([None, None, "A", "B"]))
            if multi_slot and draw(st.integers(0, 3)) == 0:
                sess["length"] = 2
        ids = [x["id"] for x in sessions]
        if len(ids) >= 2:
            pairs = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)),
                                  max_size=2))
            extra["not_in_parallel"] = [[a, b] for a, b in pairs if a != b]
        extra["availability"] = [
            {"attendee": p, "slots": draw(st.lists(st.sampled_from(slot_ids), unique=True))}
            for p in people if draw(st.integers(0, 2)) == 0]
        # A session of two slots that fits nowhere is refused by the contract: shorten it.
        for sess in sessions:
            if sess.get("length", 1) > 1 and not _runs(slots, sess, 2):
                sess["length"] = 1
    fixed = []
    if with_fixed and sessions and draw(st.booleans()):
        sess = sessions[0]
        starts = [r[0] for r in _runs(slots, sess, sess.get("length", 1))]
        if starts:
            slot = draw(st.sampled_from(starts))
            fixed.append({"session": sess["id"], "slot": slot, "room": rooms[0]["id"]})
    # Up to two more fixed sessions, in any room: fixed sessions that hold different rooms in
    # different slots are what makes one room over several slots hard to find.
    for sess in sessions[1:3] if fixed else []:
        starts = [r[0] for r in _runs(slots, sess, sess.get("length", 1))]
        if not starts or not draw(st.booleans()):
            continue
        pin = {"session": sess["id"], "slot": draw(st.sampled_from(starts)),
               "room": draw(st.sampled_from(rooms))["id"]}
        try:
            Instance.model_validate({"slots": slots, "rooms": rooms, "sessions": sessions,
                                     "interest": interest, "fixed": [*fixed, pin], **extra})
        except ValueError:
            continue  # it would meet another fixed session in a room, a host, a track...
        fixed.append(pin)
    return Instance.model_validate({"slots": slots, "rooms": rooms, "sessions": sessions,
                                    "interest": interest, "fixed": fixed, **extra})


@st.composite
def pinned_instances(draw):
    """One day of 2-4 slots, 2-3 rooms, fixed sessions in scattered rooms and slots, and a few
    movable sessions, most of several slots: a free room in each slot is often not one room
    free throughout."""
    n_slots = draw(st.integers(2, 4))
    n_rooms = draw(st.integers(2, 3))
    slot_ids = [f"t{i}" for i in range(n_slots)]
    rooms = [{"id": f"r{i}"} for i in range(n_rooms)]
    fixed = [{"session": f"f{t}{r}", "slot": slot_ids[t], "room": f"r{r}"}
             for t in range(n_slots) for r in range(n_rooms) if draw(st.integers(0, 2)) == 0]
    people = [f"u{i}" for i in range(draw(st.integers(1, 4)))]
    sessions = []
    for i in range(draw(st.integers(1, 4))):
        length = draw(st.integers(1, min(3, n_slots)))
        allowed = draw(st.one_of(st.none(), st.lists(st.sampled_from(slot_ids), min_size=length,
                                                     unique=True)))
        sess = {"id": f"s{i}", "length": length, "allowed_slots": allowed}
        if not _runs([{"id": t} for t in slot_ids], sess, length):
            sess["allowed_slots"] = None
        sessions.append(sess)
    interest = [{"attendee": p, "session": s["id"], "level": level}
                for p in people for s in sessions if (level := draw(st.sampled_from(LEVELS)))]
    return Instance.model_validate({
        "slots": [{"id": t} for t in slot_ids], "rooms": rooms,
        "sessions": sessions + [{"id": p["session"]} for p in fixed],
        "interest": interest, "fixed": fixed})


def _runs(slots: list[dict], sess: dict, length: int) -> list[list[str]]:
    """Consecutive slots of one day, no break, all allowed (independent of the engine's)."""
    out = []
    for i in range(len(slots) - length + 1):
        run = slots[i:i + length]
        if any(x.get("is_break") for x in run):
            continue
        if len({x["start"].date() for x in run if x.get("start")}) > 1:
            continue
        ids = [x["id"] for x in run]
        if sess.get("allowed_slots") is not None and not set(ids) <= set(sess["allowed_slots"]):
            continue
        out.append(ids)
    return out


def _slot_dicts(inst: Instance) -> list[dict]:
    return [{"id": s.id, "is_break": s.is_break, "start": s.start} for s in inst.slots]


def occupancy(inst: Instance, seating: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(session, slot) for every slot a seated session occupies."""
    order = [s.id for s in inst.slots]
    length = {s.id: s.length for s in inst.sessions}
    out = []
    for session, slot in seating:
        i = order.index(slot)
        out += [(session, u) for u in order[i:i + length[session]]]
    return out


def brute_force_optimum(inst: Instance) -> int:
    """Best utility over every seating, by enumeration (tiny instances only)."""
    slots = [s.id for s in inst.slots if not s.is_break]
    locked = {s.id for s in inst.slots if s.locked}
    fixed = {p.session: p.slot for p in inst.fixed}
    choices = []
    for sess in inst.sessions:
        if sess.id in fixed:
            choices.append([fixed[sess.id]])
        else:
            runs = _runs(_slot_dicts(inst), sess.model_dump(), sess.length)
            ok = [r[0] for r in runs if not set(r) & locked and r[0] in slots]
            choices.append([None, *ok])
    best = 0
    for combo in itertools.product(*choices):
        seating = [(s.id, t) for s, t in zip(inst.sessions, combo, strict=True) if t is not None]
        if feasibility_errors(inst, seating):
            continue
        best = max(best, utility_of(inst, seating))
    return best


def feasibility_errors(inst: Instance, seating: list[tuple[str, str]]) -> list[str]:
    """Every hard constraint the seating (session, first slot) breaks. Rooms are counted per
    slot, and the sessions of several slots must find one room each, free throughout (what
    they and the fixed sessions leave then seats the sessions of one slot)."""
    errors = []
    breaks = {s.id for s in inst.slots if s.is_break}
    by_id = {s.id: s for s in inst.sessions}
    slot_dicts = _slot_dicts(inst)
    for session, slot in seating:
        sess = by_id[session]
        starts = [r[0] for r in _runs(slot_dicts, sess.model_dump(), sess.length)]
        if slot not in starts:
            errors.append(f"{session} of {sess.length} slots cannot start in {slot}")
    per_slot: dict[str, list[str]] = {}
    for session, slot in occupancy(inst, seating):
        per_slot.setdefault(slot, []).append(session)
    apart = {frozenset(p) for p in inst.not_in_parallel}
    for slot, sessions in per_slot.items():
        if slot in breaks:
            errors.append(f"{sessions} in break {slot}")
        if len(sessions) > len(inst.rooms):
            errors.append(f"{len(sessions)} sessions in {slot} with {len(inst.rooms)} rooms")
        owners = [p for s in sessions for p in by_id[s].proposers]
        if len(owners) != len(set(owners)):
            errors.append(f"a proposer twice in {slot}")
        tracks = [by_id[s].track for s in sessions if by_id[s].track is not None]
        if len(tracks) != len(set(tracks)):
            errors.append(f"a track twice in {slot}")
        for a, b in itertools.combinations(sessions, 2):
            if frozenset((a, b)) in apart:
                errors.append(f"{a} and {b} in parallel in {slot}")
        for s in sessions:
            allowed = by_id[s].allowed_slots
            if allowed is not None and slot not in allowed:
                errors.append(f"{s} outside its allowed slots")
    locked = {s.id for s in inst.slots if s.locked}
    fixed = {p.session for p in inst.fixed}
    for session, slot in occupancy(inst, seating):
        if slot in locked and session not in fixed:
            errors.append(f"{session} added to locked slot {slot}")
    placed = dict(seating)
    for p in inst.fixed:
        if placed.get(p.session) != p.slot:
            errors.append(f"fixed {p.session} moved")
    if not errors and not long_rooms_exist(inst, seating):
        errors.append("no one room for each session of several slots")
    return errors


def long_rooms_exist(inst: Instance, seating: list[tuple[str, str]]) -> bool:
    """Some choice of rooms, by enumeration, gives every movable session of several slots one
    room over all its slots that no fixed session and no other such session holds there."""
    fixed = {p.session: p.room for p in inst.fixed}
    length = {s.id: s.length for s in inst.sessions}
    held = {(slot, fixed[s]) for s, slot in occupancy(inst, [(s, t) for s, t in seating
                                                              if s in fixed])}
    long = [(s, t) for s, t in seating if length[s] > 1 and s not in fixed]
    rooms = [r.id for r in inst.rooms]
    for choice in itertools.product(rooms, repeat=len(long)):
        used = [(slot, room) for (s, t), room in zip(long, choice, strict=True)
                for _, slot in occupancy(inst, [(s, t)])]
        if len(used) == len(set(used)) and not set(used) & held:
            return True
    return False


def brute_force_seated_optimum(inst: Instance) -> int:
    """Best utility when seats count, over every seating and every choice of rooms."""
    from scheduler_core.evaluate import seated_utility

    slots = [s.id for s in inst.slots if not s.is_break]
    locked = {s.id for s in inst.slots if s.locked}
    fixed = {p.session: (p.slot, p.room) for p in inst.fixed}
    rooms = [r.id for r in inst.rooms]
    choices = []
    for sess in inst.sessions:
        if sess.id in fixed:
            choices.append([fixed[sess.id]])
        else:
            runs = _runs(_slot_dicts(inst), sess.model_dump(), sess.length)
            ok = [r[0] for r in runs if not set(r) & locked and r[0] in slots]
            choices.append([None, *((t, r) for t in ok for r in rooms)])
    best = 0
    for combo in itertools.product(*choices):
        placed = [(s.id, c[0], c[1]) for s, c in zip(inst.sessions, combo, strict=True) if c]
        seating = [(s, t) for s, t, _ in placed]
        room = {s: r for s, _, r in placed}
        used = [(t, room[s]) for s, t in occupancy(inst, seating)]
        if len(used) != len(set(used)) or feasibility_errors(inst, seating):
            continue
        best = max(best, seated_utility(inst, placed))
    return best


@st.composite
def full_instances(draw, max_places: int = 6):
    """Instances where some optimum fills every room: each session has a host of its own and
    no other constraint keeps sessions apart, with at least as many sessions as places (the
    case in which set partitioning lists only full columns and demands every room filled)."""
    n_slots = draw(st.integers(1, 3))
    n_rooms = draw(st.integers(1, max(1, min(3, max_places // n_slots))))
    places = n_slots * n_rooms
    n_sessions = draw(st.integers(places, places + 1))
    people = [f"u{i}" for i in range(draw(st.integers(1, 5)))]
    slots = [{"id": f"t{i}"} for i in range(n_slots)]
    sessions = [{"id": f"s{i}", "proposers": [f"host{i}"]} for i in range(n_sessions)]
    interest = [{"attendee": p, "session": s["id"], "level": level}
                for p in people for s in sessions
                if (level := draw(st.sampled_from(LEVELS)))]
    availability = [{"attendee": p, "slots": draw(st.lists(st.sampled_from(
                        [s["id"] for s in slots]), unique=True))}
                    for p in people if draw(st.integers(0, 3)) == 0]
    return Instance.model_validate({
        "slots": slots, "rooms": [{"id": f"r{i}"} for i in range(n_rooms)],
        "sessions": sessions, "interest": interest, "availability": availability})


def hard_for_the_whole_model(seed: int = 1) -> Instance:
    """Small enough for the whole-instance CP-SAT model, which does not prove it for a long
    while (18 sessions, 6 slots of 3 rooms, 30 attendees rating 7 sessions each)."""
    import random

    rng = random.Random(seed)
    interest = [{"attendee": f"u{a}", "session": f"s{s}", "level": rng.choice([25, 75, 100])}
                for a in range(30) for s in rng.sample(range(18), 7)]
    return Instance.model_validate({
        "slots": [{"id": f"t{i}"} for i in range(6)],
        "rooms": [{"id": f"r{i}"} for i in range(3)],
        "sessions": [{"id": f"s{i}", "proposers": [f"h{i}"]} for i in range(18)],
        "interest": interest})
