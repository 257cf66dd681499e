"""What a computed schedule version would change, in words, for the organiser's preview:
the version's own timetable, every move against the published version, what the moves buy in
utility, the sessions left out and the rooms too small (with explanations and what to do
about them, from bot/event/explain.py). The rules read
what it needs in one transaction (`EventService.preview_version`). Whether the version is proven
best possible is said by the engine's own sentence (`scheduler_core.report.quality_sentence`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal

from bot.event import changes, explain
from bot.event.changes import Move, TextFormat, TimeFormat, plain
from bot.event.models import Baseline, PublishedTimetable, RoomView, ScheduleVersion
from bot.i18n import ENGLISH, SOURCE, Language
from scheduler_core.report import quality_sentence


@dataclass(frozen=True, slots=True)
class Preview:
    version: ScheduleVersion
    based_on: int | None            # the published version the moves are counted against
    moves: tuple[Move, ...]
    move_lines: tuple[str, ...]     # one sentence per move, in time order
    kept_utility: int | None        # keeping the published timetable, same snapshot as the run
    unplaced: tuple[str, ...]       # one explanation per session left out
    over_capacity: tuple[str, ...]  # one explanation per session expected to overflow its room
    timetable: PublishedTimetable   # the version itself, laid out as it would be published
    rooms: tuple[RoomView, ...]
    quality: str = ""               # proven best possible, or how far below it may be
    overflow: int = 0               # people expected beyond their room's capacity, all sessions
    overflow_before: int | None = None  # the same in the published version, if there is one
    event_name: str = ""
    unplaced_advice: str | None = None  # what would place the sessions left out, when clear

    @property
    def gain(self) -> int | None:
        """How much utility the moves buy: the new utility minus keeping the published one."""
        return None if self.kept_utility is None else self.version.utility - self.kept_utility


def preview(version: ScheduleVersion, version_tt: PublishedTimetable,
            published_tt: PublishedTimetable | None, baseline: Baseline | None,
            rooms: Sequence[RoomView], fmt: TimeFormat, esc: TextFormat = plain,
            event_name: str = "", t: Language = ENGLISH) -> Preview:
    """`esc` shows user text (titles, rooms) in the explanations; the move lines stay plain
    (they also go into a text file); the Discord layer words the moves with `describe`. Every
    sentence is in `t`."""
    found: list[Move] = []
    kept = None
    based_on = None
    if published_tt is not None and published_tt.version_id != version.id:
        based_on = published_tt.version_id
        found = changes.moves(published_tt, version_tt)
        if baseline is not None and baseline.based_on == based_on:
            kept = baseline.kept_utility
    return Preview(version, based_on, tuple(found),
                   tuple(changes.describe(m, fmt, t=t) for m in found), kept,
                   tuple(explain.unplaced(version, esc, t)),
                   tuple(explain.over_capacity(version_tt, rooms, fmt, esc, t)),
                   version_tt, tuple(rooms),
                   quality=quality(version, t),
                   overflow=overflow(version_tt, rooms),
                   overflow_before=None if published_tt is None else overflow(published_tt, rooms),
                   event_name=event_name,
                   unplaced_advice=(explain.unplaced_advice(version_tt, rooms, t)
                                    if version.unplaced else None))


def quality(version: ScheduleVersion, t: Language = ENGLISH) -> str:
    """Whether the version is proven best possible, or how far below it may be: the engine's
    sentence (`quality_sentence`, the CLI's too), in `t`."""
    utility, bound = version.utility, version.upper_bound
    if t.code == SOURCE:
        return quality_sentence(utility, bound, version.status == "optimal")
    if version.status == "optimal" or utility >= bound:
        return t.gettext("Proven best possible: no timetable can satisfy more of the interest "
                         "shown.")
    gap = 100 * (bound - utility) / bound if bound > 0 else 100.0
    if gap < 0.1:
        return t.gettext("At most less than 0.1 % below the best possible timetable (proven "
                         "bound {bound}).", bound=format_decimal(bound, locale=t.locale))
    return t.gettext("At most {gap} % below the best possible timetable (proven bound "
                     "{bound}).", bound=format_decimal(bound, locale=t.locale),
                     gap=format_decimal(math.ceil(gap * 10 - 1e-09) / 10, "0.0",
                                        locale=t.locale))


def overflow(timetable: PublishedTimetable, rooms: Sequence[RoomView]) -> int:
    """People expected beyond their room's capacity, summed over the timetable's sessions."""
    capacity = {r.id: r.capacity for r in rooms}
    return sum(max(0, e.expected_attendance - capacity[e.room_id])
               for d in timetable.days for ps in d.slots for e in ps.entries
               if e.room_id in capacity)
