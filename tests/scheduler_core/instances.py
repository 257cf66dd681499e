"""Random small instances for property tests, and an independent brute-force optimum."""

from __future__ import annotations

import itertools

from hypothesis import strategies as st

from scheduler_core.evaluate import utility_of
from scheduler_core.models import Instance

LEVELS = [0, 25, 75, 100]


@st.composite
def small_instances(draw, max_sessions: int = 6, max_slots: int = 3, with_fixed: bool = True):
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
    fixed = []
    if with_fixed and sessions and draw(st.booleans()):
        sess = sessions[0]
        slot = draw(st.sampled_from(sess["allowed_slots"] or slot_ids))
        fixed.append({"session": sess["id"], "slot": slot, "room": rooms[0]["id"]})
    return Instance.model_validate({"slots": slots, "rooms": rooms, "sessions": sessions,
                                    "interest": interest, "fixed": fixed})


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
            ok = [t for t in slots if (sess.allowed_slots is None or t in sess.allowed_slots)
                  and t not in locked]
            choices.append([None, *ok])
    best = 0
    for combo in itertools.product(*choices):
        seating = [(s.id, t) for s, t in zip(inst.sessions, combo, strict=True) if t is not None]
        if feasibility_errors(inst, seating):
            continue
        best = max(best, utility_of(inst, seating))
    return best


def feasibility_errors(inst: Instance, seating: list[tuple[str, str]]) -> list[str]:
    """Every hard constraint the seating breaks (rooms ignored: counted per slot)."""
    errors = []
    breaks = {s.id for s in inst.slots if s.is_break}
    per_slot: dict[str, list[str]] = {}
    for session, slot in seating:
        per_slot.setdefault(slot, []).append(session)
    by_id = {s.id: s for s in inst.sessions}
    for slot, sessions in per_slot.items():
        if slot in breaks:
            errors.append(f"{sessions} in break {slot}")
        if len(sessions) > len(inst.rooms):
            errors.append(f"{len(sessions)} sessions in {slot} with {len(inst.rooms)} rooms")
        owners = [p for s in sessions for p in by_id[s].proposers]
        if len(owners) != len(set(owners)):
            errors.append(f"a proposer twice in {slot}")
        for s in sessions:
            allowed = by_id[s].allowed_slots
            if allowed is not None and slot not in allowed:
                errors.append(f"{s} outside its allowed slots")
    locked = {s.id for s in inst.slots if s.locked}
    fixed = {p.session for p in inst.fixed}
    for session, slot in seating:
        if slot in locked and session not in fixed:
            errors.append(f"{session} added to locked slot {slot}")
    placed = dict(seating)
    for p in inst.fixed:
        if placed.get(p.session) != p.slot:
            errors.append(f"fixed {p.session} moved")
    return errors
