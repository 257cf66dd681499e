"""Turning stored rows into the result objects of the rules (no SQL here)."""

from __future__ import annotations

import json
from datetime import date

from bot.event.models import (
    DayView,
    EventSettings,
    RoomView,
    ScheduleVersion,
    SessionView,
    SlotView,
    SolveRun,
    Unscheduled,
)
from bot.event.times import from_utc_text
from bot.storage import Row


def settings(row: Row, with_code: bool) -> EventSettings:
    return EventSettings(
        guild_id=row["guild_id"], name=row["name"], timezone=row["timezone"],
        verification_required=bool(row["verification_required"]),
        proposals_open=bool(row["proposals_open"]), interest_open=bool(row["interest_open"]),
        schedule_visible=bool(row["schedule_visible"]),
        announcements_channel_id=row["announcements_channel_id"],
        proposals_channel_id=row["proposals_channel_id"],
        moderation_channel_id=row["moderation_channel_id"],
        verified_role_id=row["verified_role_id"], organiser_role_id=row["organiser_role_id"],
        published_version_id=row["published_version_id"],
        verification_code=row["verification_code"] if with_code else None,
        mirror_events=bool(row["mirror_events"]), seats_count=bool(row["seats_count"]))


def session(row: Row, allowed: list[int] | None, cohosts: list[int] | None = None
            ) -> SessionView:
    return SessionView(
        id=row["id"], title=row["title"], description=row["description"],
        owner_id=row["owner_id"], owner_name=row["owner_name"], status=row["status"],
        my_level=row["my_level"], interested=row["interested"],
        allowed_slot_ids=tuple(allowed) if allowed else None,
        cohosts=tuple(cohosts or ()), length=row["length"], track=row["track"])


def slot(row: Row) -> SlotView:
    return SlotView(id=row["id"], day_id=row["day_id"], start=from_utc_text(row["start_utc"]),
                    end=from_utc_text(row["end_utc"]), is_break=bool(row["is_break"]),
                    locked=bool(row["locked"]), label=row["label"])


def room(row: Row) -> RoomView:
    return RoomView(id=row["id"], name=row["name"], capacity=row["capacity"], link=row["link"],
                    voice_channel_id=row["voice_channel_id"])


def day(row: Row, slot_rows: list[Row]) -> DayView:
    return DayView(id=row["id"], date=date.fromisoformat(row["date"]), label=row["label"],
                   slots=tuple(slot(s) for s in slot_rows if s["day_id"] == row["id"]))


def version(row: Row, published_id: int | None, titles: dict[int, str],
            unplaced: list[dict]) -> ScheduleVersion:
    return ScheduleVersion(
        id=row["id"], created_at=row["created_at"], status=row["status"],
        utility=row["utility"], upper_bound=row["upper_bound"],
        seed_heuristic_utility=row["seed_heuristic_utility"],
        solve_seconds=row["solve_seconds"], moved=row["moved"], placed=row["placed"],
        unplaced=tuple(Unscheduled(u["session_id"], titles.get(u["session_id"], ""),
                                   u["reason"]) for u in unplaced),
        published=row["id"] == published_id)


def solve_run(row: Row) -> SolveRun:
    return SolveRun(
        id=row["id"], guild_id=row["guild_id"], requested_by=row["requested_by"],
        requested_at=row["requested_at"], status=row["status"],
        time_limit=float(json.loads(row["options_json"])["time_limit"]),
        attempts=row["attempts"], cancel_requested=bool(row["cancel_requested"]),
        worker=row["worker"],
        utility=row["utility"], upper_bound=row["upper_bound"], elapsed=row["elapsed"],
        version_id=row["version_id"], error=row["error"], started_at=row["started_at"],
        finished_at=row["finished_at"])
