"""Plain-text rendering of a result: the timetable by slot and room, then the summary figures.

`quality_sentence` is the one place where a result's quality is put into words; the CLI and the
bot's preview both say it with this function.
"""

from __future__ import annotations

import math

from scheduler_core.models import Instance, Result

__all__ = ["format_result", "format_summary", "format_timetable", "percent", "quality_sentence",
           "thousands"]

TITLE_WIDTH = 48


def thousands(n: int | float) -> str:
    return f"{n:,.0f}"


def percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.2f} %" if whole else "n/a"


def quality_sentence(utility: int, upper_bound: int, optimal: bool) -> str:
    """Whether the timetable is proven best possible, or how far below the best it may be.

    The best possible lies between the utility and the proven bound, so the utility is at most
    (bound − utility) / bound below it; the figure is rounded up so it never claims too much.
    """
    if optimal or utility >= upper_bound:
        return "Proven best possible: no timetable can satisfy more of the interest shown."
    gap = 100 * (upper_bound - utility) / upper_bound if upper_bound > 0 else 100.0
    figure = "less than 0.1 %" if gap < 0.1 else f"{math.ceil(gap * 10 - 1e-09) / 10:.1f} %"
    return (f"At most {figure} below the best possible timetable "
            f"(proven bound {thousands(upper_bound)}).")


def _slot_label(slot) -> str:
    if slot.start is None:
        return f"Slot {slot.id}"
    label = slot.start.strftime("%a %d %b %H:%M")
    if slot.end is not None:
        label += "–" + slot.end.strftime("%H:%M")
    return f"{label}  [{slot.id}]"


def format_timetable(instance: Instance, result: Result) -> str:
    rooms = {r.id: r for r in instance.rooms}
    titles = {s.id: s.title for s in instance.sessions}
    fixed = {p.session for p in instance.fixed}
    moved_from = {m.session: m.from_slot for m in result.moves if m.from_slot is not None}
    by_slot: dict[str, dict[str, object]] = {}
    for a in result.assignments:
        by_slot.setdefault(a.slot, {})[a.room] = a

    slots = list(instance.slots)
    if all(s.start is not None for s in slots):
        slots.sort(key=lambda s: s.start)
    room_w = max((len(f"{r.name or r.id} ({r.capacity})") for r in instance.rooms), default=4)
    sess_w = max((len(s.id) for s in instance.sessions), default=2)
    title_w = min(TITLE_WIDTH, max((len(t) for t in titles.values()), default=0))
    placed = len(result.assignments)
    lines = [f"Timetable: {len(instance.sessions)} sessions, {placed} placed, "
             f"{sum(not s.is_break for s in instance.slots)} slots, {len(instance.rooms)} rooms",
             ""]
    for slot in slots:
        head = _slot_label(slot)
        if slot.is_break:
            lines.append(f"{head}  -- break --")
            continue
        lines.append(head + ("  (locked)" if slot.locked else ""))
        here = by_slot.get(slot.id, {})
        for room in instance.rooms:
            cell = f"{room.name or room.id} ({room.capacity})"
            a = here.get(room.id)
            if a is None:
                lines.append(f"  {cell:<{room_w}}  -")
                continue
            title = titles.get(a.session, "")
            if len(title) > title_w:
                title = title[: title_w - 1] + "…"
            overflow = a.overflow or max(0, a.expected_attendance - room.capacity)
            notes = []
            if overflow:
                notes.append(f"OVERFLOW +{overflow} over capacity")
            if a.session in fixed:
                notes.append("fixed")
            if a.session in moved_from:
                notes.append(f"moved from {moved_from[a.session]}")
            lines.append(f"  {cell:<{room_w}}  {a.session:<{sess_w}}  {title:<{title_w}}  "
                         f"{a.expected_attendance:>5} expected"
                         + (f"  [{', '.join(notes)}]" if notes else ""))
        for room_id in sorted(set(here) - set(rooms)):  # should not happen; never hide it
            lines.append(f"  unknown room {room_id}: {here[room_id].session}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def format_summary(instance: Instance, result: Result, cancelled: bool = False) -> str:
    titles = {s.id: s.title for s in instance.sessions}
    gain = result.utility - result.seed_heuristic_utility
    gain_pct = percent(gain, result.seed_heuristic_utility)
    status = result.status + (" (stopped early by the user)" if cancelled else "")
    rows = [
        ("status", f"{status}, {result.solve_seconds:.1f} s"
                   + (f", by {result.method}" if result.method else "")),
        ("utility", thousands(result.utility)),
        ("upper bound", f"{thousands(result.upper_bound)}  "
                        f"(utility is {percent(result.utility, result.upper_bound)} of the bound)"),
        ("seed heuristic", f"{thousands(result.seed_heuristic_utility)}  "
                           f"(gain {gain:+,} = {'+' if gain >= 0 else ''}{gain_pct})"),
        ("moved", str(result.moved)),
        ("overflowing", str(sum(1 for a in result.assignments if a.overflow))),
        ("unplaced", str(len(result.unplaced))),
    ]
    lines = [quality_sentence(result.utility, result.upper_bound, result.status == "optimal"),
             "", "Summary"] + [f"  {k:<15} {v}" for k, v in rows]
    for u in result.unplaced:
        title = titles.get(u.session, "")
        lines.append(f"    {u.session}  {title}: {u.reason}" if title
                     else f"    {u.session}: {u.reason}")
    return "\n".join(lines) + "\n"


def format_result(instance: Instance, result: Result, cancelled: bool = False) -> str:
    return format_timetable(instance, result) + "\n" + format_summary(instance, result, cancelled)
