"""Synthetic unconference instances, deterministic per (size, seed).

Shape of a generated instance:
- popularity is Zipf-like: the session of popularity rank r is drawn with weight 1/r^0.8, so
  a few sessions draw most of the interest (the top fifth gets about half of all ratings);
- about 45 % of sessions open a proposer's account; the rest go to proposers already holding
  one (up to `MAX_OWN` each), and some sessions get a co-proposer. Proposers are attendees and
  rate their own sessions 100;
- every attendee rates exactly `ratings` distinct sessions; levels other than on their own
  sessions come from {25, 75, 100} (weighted towards the lower ones);
- `RESTRICTED_SHARE` of the sessions may only run in a contiguous third of the slots
  (a proposer who is there for part of the event);
- slots are days of consecutive 45-minute slots with a one-hour lunch break (`is_break`) at
  noon each day; break slots come on top of the size's slot count;
- rooms: a quarter are big halls (together 45 % of the attendees), the rest small rooms
  (together about half of the attendees).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import accumulate

from scheduler_core.models import Instance, Interest, Room, Session, Slot

__all__ = ["SIZES", "SizeSpec", "generate"]


@dataclass(frozen=True)
class SizeSpec:
    attendees: int
    sessions: int
    slots: int
    rooms: int
    ratings: int


SIZES: dict[str, SizeSpec] = {
    "xen-like": SizeSpec(attendees=150, sessions=60, slots=20, rooms=4, ratings=12),
    "medium": SizeSpec(attendees=400, sessions=150, slots=24, rooms=8, ratings=20),
    "large": SizeSpec(attendees=1500, sessions=400, slots=40, rooms=12, ratings=25),
    "huge": SizeSpec(attendees=5000, sessions=1200, slots=60, rooms=24, ratings=30),
}

ZIPF_EXPONENT = 0.8  # top fifth of sessions: 45-60 % of ratings; heuristic ~96 % of top-k
PROPOSER_SHARE = 0.45
CO_PROPOSER_SHARE = 0.10
MAX_OWN = 4
RESTRICTED_SHARE = 0.15
LEVELS = (25, 75, 100)
LEVEL_WEIGHTS = (0.45, 0.35, 0.20)
SLOTS_PER_DAY = 8
SLOT_MINUTES = 45
LUNCH_MINUTES = 60
FIRST_DAY = datetime(2026, 7, 6, 12, 0, tzinfo=timezone(timedelta(hours=2)))  # first lunch

_TOPICS = (
    "live patching", "fuzzing", "memory tagging", "scheduler latency", "RISC-V", "confidential "
    "computing", "unikernels", "IOMMU", "virtio", "eBPF", "reproducible builds", "CI pipelines",
    "power management", "PCI passthrough", "nested virtualisation", "boot time", "Rust drivers",
    "formal verification", "tracing", "real-time", "safety certification", "ARM64", "x86 "
    "microcode", "disaggregation", "edge devices", "embedded hypervisors", "static analysis",
    "release process", "documentation", "security advisories", "performance testing",
    "device models", "NUMA", "GPU sharing", "secure boot", "community health", "packaging",
    "toolstack", "migration", "code review",
)
_FORMATS = (
    "{t}: state of play", "{t} in practice", "Design session: {t}", "{t}, what next?",
    "Lessons from {t}", "{t} deep dive", "Upstreaming {t}", "{t} for beginners",
    "Birds of a feather: {t}", "Rethinking {t}",
)
_BIG_ROOMS = ("Main hall", "Auditorium", "Hall B", "Hall C", "Hall D", "Hall E", "Hall F")


def generate(size: str, seed: int) -> Instance:
    """A synthetic instance of the named size; the same (size, seed) gives the same instance."""
    try:
        spec = SIZES[size]
    except KeyError:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}") from None
    rng = random.Random(f"session-scheduler:{size}:{seed}")

    slots = _slots(spec.slots)
    talk_slots = [s.id for s in slots if not s.is_break]
    rooms = _rooms(spec, rng)

    width = len(str(spec.sessions))
    session_ids = [f"s{i:0{width}d}" for i in range(1, spec.sessions + 1)]
    attendee_ids = [f"a{i:0{len(str(spec.attendees))}d}" for i in range(1, spec.attendees + 1)]
    owners = _proposers(session_ids, attendee_ids, spec, rng)

    window = max(1, round(len(talk_slots) / 3))
    n_restricted = round(RESTRICTED_SHARE * spec.sessions)
    restricted = set(rng.sample(session_ids, n_restricted))
    sessions = []
    for sid in session_ids:
        allowed = None
        if sid in restricted:
            start = rng.randrange(len(talk_slots) - window + 1)
            allowed = talk_slots[start:start + window]
        title = rng.choice(_FORMATS).format(t=rng.choice(_TOPICS))
        sessions.append(Session(id=sid, title=_capitalise(title),
                                proposers=owners[sid], allowed_slots=allowed))

    interest = _interest(session_ids, attendee_ids, owners, spec, rng)
    return Instance(slots=slots, rooms=rooms, sessions=sessions, interest=interest)


def _capitalise(title: str) -> str:
    first = title.split(" ", 1)[0]
    if first[1:] != first[1:].lower() or any(c.isdigit() for c in first):
        return title  # eBPF, x86, RISC-V keep their spelling
    return title[:1].upper() + title[1:]


def _slots(n: int) -> list[Slot]:
    days = math.ceil(n / SLOTS_PER_DAY)
    per_day = [n // days + (1 if d < n % days else 0) for d in range(days)]
    out: list[Slot] = []
    for day, count in enumerate(per_day, start=1):
        lunch_after = math.ceil(count / 2)  # the morning ends with lunch at noon
        t = FIRST_DAY + timedelta(days=day - 1, minutes=-SLOT_MINUTES * lunch_after)
        for i in range(1, count + 1):
            end = t + timedelta(minutes=SLOT_MINUTES)
            out.append(Slot(id=f"d{day}-{i}", start=t, end=end))
            t = end
            if i == lunch_after:
                end = t + timedelta(minutes=LUNCH_MINUTES)
                out.append(Slot(id=f"d{day}-lunch", start=t, end=end, is_break=True))
                t = end
    return out


def _rooms(spec: SizeSpec, rng: random.Random) -> list[Room]:
    n_big = max(1, round(spec.rooms / 4))
    out = []
    for i in range(spec.rooms):
        if i < n_big:
            cap = _round_to(spec.attendees * 0.45 / n_big * rng.uniform(0.85, 1.15), 10)
            name = _BIG_ROOMS[i] if i < len(_BIG_ROOMS) else f"Hall {i + 1}"
        else:
            n_small = spec.rooms - n_big
            cap = _round_to(spec.attendees * 0.5 / n_small * rng.uniform(0.7, 1.3), 5)
            name = f"Room {1 + (i - n_big) // 10}.{(i - n_big) % 10 + 1:02d}"
        out.append(Room(id=f"r{i + 1}", name=name, capacity=max(10, cap)))
    return out


def _round_to(x: float, step: int) -> int:
    return max(step, int(round(x / step)) * step)


def _proposers(session_ids: list[str], attendee_ids: list[str], spec: SizeSpec,
               rng: random.Random) -> dict[str, list[str]]:
    """Session → proposers. Every proposer holds 1..MAX_OWN sessions; several hold more than one."""
    cap = min(MAX_OWN, spec.ratings)
    n_prop = max(1, min(len(attendee_ids), round(PROPOSER_SHARE * spec.sessions)))
    proposers = rng.sample(attendee_ids, n_prop)
    order = session_ids[:]
    rng.shuffle(order)
    owners: dict[str, list[str]] = {}
    held = dict.fromkeys(proposers, 0)
    # A few prolific proposers: weight 1/sqrt(rank).
    weights = [1 / math.sqrt(i + 1) for i in range(n_prop)]
    for j, sid in enumerate(order):
        if j < n_prop:
            who = proposers[j]
        else:
            open_ = [(p, w) for p, w in zip(proposers, weights, strict=True) if held[p] < cap]
            if not open_:  # more sessions than proposers can hold: recruit another attendee
                spare = [a for a in attendee_ids if a not in held]
                who = rng.choice(spare)
                held[who] = 0
            else:
                who = rng.choices([p for p, _ in open_], weights=[w for _, w in open_])[0]
        owners[sid] = [who]
        held[who] += 1
    for sid in rng.sample(session_ids, round(CO_PROPOSER_SHARE * len(session_ids))):
        candidates = [p for p in proposers if held[p] < cap and p not in owners[sid]]
        if candidates:
            who = rng.choice(candidates)
            owners[sid].append(who)
            held[who] += 1
    return owners


def _interest(session_ids: list[str], attendee_ids: list[str], owners: dict[str, list[str]],
              spec: SizeSpec, rng: random.Random) -> list[Interest]:
    ranked = session_ids[:]
    rng.shuffle(ranked)  # popularity rank is unrelated to the id
    cum = list(accumulate(1 / (r + 1) ** ZIPF_EXPONENT for r in range(len(ranked))))
    own: dict[str, list[str]] = {}
    for sid, who in owners.items():
        for p in who:
            own.setdefault(p, []).append(sid)
    k = min(spec.ratings, len(session_ids))
    out: list[Interest] = []
    for a in attendee_ids:
        rated: dict[str, int] = {sid: 100 for sid in own.get(a, [])}
        while len(rated) < k:
            for sid in rng.choices(ranked, cum_weights=cum, k=k - len(rated)):
                if sid not in rated and len(rated) < k:
                    rated[sid] = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        out.extend(Interest(attendee=a, session=sid, level=lv) for sid, lv in rated.items())
    return out
