"""What a computed schedule version would change, in words, for the organiser's preview:
the version's own timetable, every move against the published version, what the moves buy in
utility, the sessions left out and the rooms too small (with explanations and what to do
about them, from bot/event/explain.py). The rules read
what it needs in one transaction (`EventService.preview_version`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.event import changes, explain
from bot.event.changes import Move, TextFormat, TimeFormat, plain
from bot.event.models import Baseline, PublishedTimetable, RoomView, ScheduleVersion


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
    event_name: str = ""
    unplaced_advice: str | None = None  # what would place the sessions left out, when clear

    @property
    def gain(self) -> int | None:
        """How much utility the moves buy: the new utility minus keeping the published one."""
        return None if self.kept_utility is None else self.version.utility - self.kept_utility


def preview(version: ScheduleVersion, version_tt: PublishedTimetable,
            published_tt: PublishedTimetable | None, baseline: Baseline | None,
            rooms: Sequence[RoomView], fmt: TimeFormat, esc: TextFormat = plain,
            event_name: str = "") -> Preview:
    """`esc` shows user text (titles, rooms) in the explanations; the move lines stay plain
    (they also go into a text file); the Discord layer words the moves with `describe`."""
    found: list[Move] = []
    kept = None
    based_on = None
    if published_tt is not None and published_tt.version_id != version.id:
        based_on = published_tt.version_id
        found = changes.moves(published_tt, version_tt)
        if baseline is not None and baseline.based_on == based_on:
            kept = baseline.kept_utility
    return Preview(version, based_on, tuple(found),
                   tuple(changes.describe(m, fmt) for m in found), kept,
                   tuple(explain.unplaced(version, esc)),
                   tuple(explain.over_capacity(version_tt, rooms, fmt, esc)),
                   version_tt, tuple(rooms), event_name,
                   explain.unplaced_advice(version_tt, rooms) if version.unplaced else None)
