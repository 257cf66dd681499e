"""The engine's contract: instance in, result out (docs/engine.md).

Validation lives here so that every consumer (CLI, bot, tests) refuses bad input with the same
messages, each naming the offending item.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_LEVEL = 100


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Slot(_Model):
    id: str = Field(min_length=1)
    start: datetime | None = None
    end: datetime | None = None
    is_break: bool = False
    locked: bool = False


class Room(_Model):
    id: str = Field(min_length=1)
    name: str = ""
    capacity: int = Field(default=1_000_000, ge=0)


class Session(_Model):
    id: str = Field(min_length=1)
    title: str = ""
    proposers: list[str] = Field(default_factory=list)  # every host: none in two places at once
    allowed_slots: list[str] | None = None
    length: int = Field(default=1, ge=1)  # consecutive slots of one day, in one room
    track: str | None = None              # sessions of one track never run in parallel


class Availability(_Model):
    attendee: str = Field(min_length=1)
    slots: list[str]


class Interest(_Model):
    attendee: str = Field(min_length=1)
    session: str
    level: int


class Placement(_Model):
    session: str
    slot: str
    room: str


class InvalidInstance(ValueError):
    """The instance breaks a rule of the contract; the message names every offending item."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class Instance(_Model):
    slots: list[Slot]
    rooms: list[Room]
    sessions: list[Session]
    interest: list[Interest] = Field(default_factory=list)
    fixed: list[Placement] = Field(default_factory=list)
    previous: list[Placement] | None = None
    not_in_parallel: list[tuple[str, str]] = Field(default_factory=list)
    availability: list[Availability] = Field(default_factory=list)
    capacity_mode: Literal["ignore", "seats"] = "ignore"
    overflow_penalty: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _check(self) -> Instance:
        problems = instance_problems(self)
        if problems:
            raise InvalidInstance(problems)
        return self


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def instance_problems(inst: Instance) -> list[str]:
    """Every rule the instance breaks, as sentences a person can act on."""
    out: list[str] = []
    for kind, items in (("slot", inst.slots), ("room", inst.rooms), ("session", inst.sessions)):
        for dup in _duplicates([x.id for x in items]):
            out.append(f"duplicate {kind} id {dup!r}")
    slots = {s.id: s for s in inst.slots}
    rooms = {r.id for r in inst.rooms}
    sessions = {s.id for s in inst.sessions}

    times = [(s.id, name, t) for s in inst.slots
             for name, t in (("start", s.start), ("end", s.end)) if t is not None]
    naive = [(sid, name) for sid, name, t in times if t.utcoffset() is None]
    mixed = bool(naive) and len(naive) < len(times)  # such times cannot be compared
    out.extend(f"slot {sid!r}: {name} has no UTC offset while other times do "
               f"(write it like 2026-07-06T14:00:00+02:00)" for sid, name in naive if mixed)
    for s in inst.slots:
        if not mixed and s.start and s.end and s.end <= s.start:
            out.append(f"slot {s.id!r} ends before it starts")
    for s in inst.sessions:
        for sl in s.allowed_slots or []:
            if sl not in slots:
                out.append(f"session {s.id!r} allows unknown slot {sl!r}")
        for dup in _duplicates(s.proposers):
            out.append(f"session {s.id!r} lists proposer {dup!r} twice")

    seen_pairs: set[tuple[str, str]] = set()
    for i, it in enumerate(inst.interest):
        where = f"interest[{i}] (attendee {it.attendee!r}, session {it.session!r})"
        if it.session not in sessions:
            out.append(f"{where}: unknown session {it.session!r}")
        if not 0 <= it.level <= MAX_LEVEL:
            out.append(f"{where}: level {it.level} is outside 0..{MAX_LEVEL}")
        if (it.attendee, it.session) in seen_pairs:
            out.append(f"{where}: this attendee already rated this session")
        seen_pairs.add((it.attendee, it.session))

    out += _placement_problems("fixed", inst.fixed, slots, rooms, sessions)
    by_slot_room = Counter((p.slot, p.room) for p in inst.fixed)
    for (slot, room), n in sorted(by_slot_room.items()):
        if n > 1:
            out.append(f"fixed: {n} sessions in slot {slot!r}, room {room!r}")
    for dup in _duplicates([p.session for p in inst.fixed]):
        out.append(f"fixed: session {dup!r} is fixed twice")
    allowed = {s.id: s.allowed_slots for s in inst.sessions}
    for p in inst.fixed:
        ok = allowed.get(p.session)
        if ok is not None and p.slot not in ok:
            out.append(f"fixed: session {p.session!r} is fixed in slot {p.slot!r}, "
                       "which it does not allow")
        if p.slot in slots and slots[p.slot].is_break:
            out.append(f"fixed: session {p.session!r} is fixed in break slot {p.slot!r}")
    proposers = {s.id: s.proposers for s in inst.sessions}
    owners: dict[tuple[str, str], str] = {}
    for p in inst.fixed:
        for who in proposers.get(p.session, []):
            other = owners.setdefault((p.slot, who), p.session)
            if other != p.session:
                out.append(f"fixed: proposer {who!r} would be in {other!r} and {p.session!r} "
                           f"at once in slot {p.slot!r}")
    out += _constraint_problems(inst, slots, sessions)
    if inst.previous is not None:
        out += _placement_problems("previous", inst.previous, slots, rooms, sessions,
                                   check_unknown_session=False)
    return out


def runs(slots: list[Slot], length: int) -> list[list[str]]:
    """Every run of `length` consecutive slots a session may span: adjacent in the instance's
    order, none a break, all on one day (the date of `start`, where slots have one)."""
    out = []
    for i in range(len(slots) - length + 1):
        run = slots[i:i + length]
        if any(s.is_break for s in run):
            continue
        days = {s.start.date() for s in run if s.start is not None}
        if len(days) > 1:
            continue
        out.append([s.id for s in run])
    return out


def _constraint_problems(inst: Instance, slots: dict[str, Slot],
                         sessions: set[str]) -> list[str]:
    out = []
    for i, (a, b) in enumerate(inst.not_in_parallel):
        for x in (a, b):
            if x not in sessions:
                out.append(f"not_in_parallel[{i}]: unknown session {x!r}")
        if a == b:
            out.append(f"not_in_parallel[{i}]: pairs session {a!r} with itself")
    for i, av in enumerate(inst.availability):
        for sl in av.slots:
            if sl not in slots:
                out.append(f"availability[{i}] (attendee {av.attendee!r}): unknown slot {sl!r}")
    for dup in _duplicates([av.attendee for av in inst.availability]):
        out.append(f"availability: attendee {dup!r} is listed twice")
    fixed_at = {p.session: p.slot for p in inst.fixed}
    for s in inst.sessions:
        if s.length == 1:
            continue
        ok = [r for r in runs(inst.slots, s.length)
              if s.allowed_slots is None or set(r) <= set(s.allowed_slots)]
        if not ok:
            out.append(f"session {s.id!r} lasts {s.length} slots but no {s.length} consecutive "
                       "slots of one day (without a break) are allowed for it")
        elif s.id in fixed_at and fixed_at[s.id] not in {r[0] for r in ok}:
            out.append(f"fixed: session {s.id!r} lasts {s.length} slots and cannot start in "
                       f"slot {fixed_at[s.id]!r}")
    out += _fixed_overlaps(inst, sessions)
    return out


def _fixed_overlaps(inst: Instance, sessions: set[str]) -> list[str]:
    """Fixed sessions that meet in a slot and must not: a room, a host, a track, a pair."""
    by_id = {s.id: s for s in inst.sessions}
    order = [s.id for s in inst.slots]
    where = {}
    for p in inst.fixed:
        if p.session in by_id and p.slot in order:
            i = order.index(p.slot)
            where[p.session] = (set(order[i:i + by_id[p.session].length]), p.room)
    apart = {frozenset(pair) for pair in inst.not_in_parallel}
    out = []
    fixed = sorted(where)
    for i, a in enumerate(fixed):
        for b in fixed[i + 1:]:
            (slots_a, room_a), (slots_b, room_b) = where[a], where[b]
            if not slots_a & slots_b:
                continue
            sa, sb = by_id[a], by_id[b]
            long = sa.length > 1 or sb.length > 1  # else the checks above already tell
            if long and room_a == room_b:
                out.append(f"fixed: sessions {a!r} and {b!r} overlap in room {room_a!r}")
            if long and set(sa.proposers) & set(sb.proposers):
                out.append(f"fixed: sessions {a!r} and {b!r} share a host and overlap")
            if sa.track is not None and sa.track == sb.track:
                out.append(f"fixed: sessions {a!r} and {b!r} of track {sa.track!r} run in "
                           "parallel")
            if frozenset((a, b)) in apart:
                out.append(f"fixed: sessions {a!r} and {b!r} must not run in parallel")
    return out


def _placement_problems(name: str, placements: list[Placement], slots: dict[str, Slot],
                        rooms: set[str], sessions: set[str],
                        check_unknown_session: bool = True) -> list[str]:
    out = []
    for p in placements:
        if check_unknown_session and p.session not in sessions:
            out.append(f"{name}: unknown session {p.session!r}")
        if p.slot not in slots:
            out.append(f"{name}: session {p.session!r} placed in unknown slot {p.slot!r}")
        if p.room not in rooms:
            out.append(f"{name}: session {p.session!r} placed in unknown room {p.room!r}")
    return out


class Assignment(_Model):
    session: str
    slot: str
    room: str
    expected_attendance: int
    overflow: int = 0


class Unplaced(_Model):
    session: str
    reason: str


class Move(_Model):
    session: str
    from_slot: str | None
    to_slot: str | None


Method = Literal["seed heuristic", "previous timetable", "annealing", "cp-sat",
                 "set partitioning"]


class Result(_Model):
    status: Literal["optimal", "feasible"]
    method: Method | None = None  # what produced the timetable; None in results of old versions
    utility: int
    upper_bound: int
    seed_heuristic_utility: int
    solve_seconds: float
    assignments: list[Assignment]
    unplaced: list[Unplaced] = Field(default_factory=list)
    overflow: int = 0  # attendees expected beyond their room's capacity, over all sessions
    moved: int = 0
    moves: list[Move] = Field(default_factory=list)
    move_weight: int = 0
