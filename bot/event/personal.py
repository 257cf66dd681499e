"""Personal messages: reminder opt-ins, closed DMs, and the records of reminders and change
notices already sent (claimed in the database *before* sending, so a restart or a retried
publish never sends one twice; released again when sending failed for a passing reason).

Kept apart from `EventService` like `PostingStore`: these are the bot's own records plus the one
rule an attendee acts on (`set_reminders`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.event._common import _event
from bot.event.errors import InvalidInput
from bot.event.models import Actor
from bot.event.times import now_text
from bot.storage import Database, personal

MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 1, 120, 10


@dataclass(frozen=True, slots=True)
class ReminderPrefs:
    enabled: bool
    minutes_before: int
    dms_closed: bool  # the last DM failed with "cannot send messages to this user"


@dataclass(frozen=True, slots=True)
class Baseline:
    """What keeping the published version (`based_on`) was worth for a run's snapshot."""

    based_on: int
    kept_utility: int


def _check_minutes(minutes: object) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
            MIN_MINUTES <= minutes <= MAX_MINUTES):
        raise InvalidInput(f"Reminders can come {MIN_MINUTES} to {MAX_MINUTES} minutes before "
                           "a session.")
    return minutes


class PersonalStore:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------------- reminders

    async def reminder_prefs(self, guild_id: int, user_id: int) -> ReminderPrefs:
        def tx(conn) -> ReminderPrefs:
            row = personal.reminder_pref(conn, guild_id, user_id)
            closed = personal.dms_closed_at(conn, guild_id, user_id) is not None
            if row is None:
                return ReminderPrefs(False, DEFAULT_MINUTES, closed)
            return ReminderPrefs(bool(row["enabled"]), row["minutes_before"], closed)
        return await self.db.read(tx)

    async def set_reminders(self, guild_id: int, actor: Actor, on: bool,
                            minutes: int | None = None) -> ReminderPrefs:
        """Turn the actor's reminders on (with `minutes` before each session; default: as
        before, else 10) or off. Turning them on also forgets that their DMs were closed, so
        the bot tries again."""
        if not isinstance(on, bool):
            raise InvalidInput("Reminders must be on or off.")
        if minutes is not None:
            minutes = _check_minutes(minutes)
        now = now_text()

        def tx(conn) -> ReminderPrefs:
            _event(conn, guild_id)
            row = personal.reminder_pref(conn, guild_id, actor.user_id)
            lead = minutes if minutes is not None else (
                row["minutes_before"] if row is not None else DEFAULT_MINUTES)
            personal.set_reminder_pref(conn, guild_id, actor.user_id, on, lead, now)
            if on:
                personal.clear_dms_closed(conn, guild_id, actor.user_id)
            closed = personal.dms_closed_at(conn, guild_id, actor.user_id) is not None
            return ReminderPrefs(on, lead, closed)
        return await self.db.write(tx)

    async def reminder_users(self, guild_id: int) -> dict[int, int]:
        """user id → minutes before, for everyone with reminders on and DMs not closed."""
        rows = await self.db.read(lambda conn: personal.reminder_users(conn, guild_id))
        return {r["user_id"]: r["minutes_before"] for r in rows}

    async def claim_reminder(self, guild_id: int, user_id: int, slot_id: int,
                             session_id: int) -> bool:
        """True exactly once per (guild, user, slot): the caller then sends the reminder."""
        now = now_text()
        return await self.db.write(lambda conn: personal.claim_reminder(
            conn, guild_id, user_id, slot_id, session_id, now))

    async def reminder_done(self, guild_id: int, user_id: int, slot_id: int,
                            outcome: str) -> None:
        await self.db.write(lambda conn: personal.set_reminder_outcome(
            conn, guild_id, user_id, slot_id, outcome))

    async def release_reminder(self, guild_id: int, user_id: int, slot_id: int) -> None:
        await self.db.write(lambda conn: personal.unclaim_reminder(
            conn, guild_id, user_id, slot_id))

    async def sent_reminders(self, guild_id: int) -> list[tuple[int, int, int, str]]:
        """(user, slot, session, outcome) of every reminder claimed so far."""
        rows = await self.db.read(lambda conn: personal.sent_reminders(conn, guild_id))
        return [(r["user_id"], r["slot_id"], r["session_id"], r["outcome"]) for r in rows]

    # ------------------------------------------------------------------------ closed DMs

    async def dms_closed(self, guild_id: int, user_id: int) -> bool:
        return await self.db.read(
            lambda conn: personal.dms_closed_at(conn, guild_id, user_id) is not None)

    async def mark_dms_closed(self, guild_id: int, user_id: int) -> None:
        now = now_text()
        await self.db.write(lambda conn: personal.mark_dms_closed(conn, guild_id, user_id, now))

    # --------------------------------------------------------------------------- notices

    async def claim_notice(self, guild_id: int, from_version: int, to_version: int,
                           user_id: int) -> bool:
        """True exactly once per (guild, published change, user)."""
        now = now_text()
        return await self.db.write(lambda conn: personal.claim_notice(
            conn, guild_id, from_version, to_version, user_id, now))

    async def notice_done(self, guild_id: int, from_version: int, to_version: int,
                          user_id: int, outcome: str) -> None:
        await self.db.write(lambda conn: personal.set_notice_outcome(
            conn, guild_id, from_version, to_version, user_id, outcome))

    async def release_notice(self, guild_id: int, from_version: int, to_version: int,
                             user_id: int) -> None:
        await self.db.write(lambda conn: personal.unclaim_notice(
            conn, guild_id, from_version, to_version, user_id))

    async def sent_notices(self, guild_id: int) -> list[tuple[int, int, int, str]]:
        """(from version, to version, user, outcome) of every notice claimed so far."""
        rows = await self.db.read(lambda conn: personal.sent_notices(conn, guild_id))
        return [(r["from_version"], r["to_version"], r["user_id"], r["outcome"]) for r in rows]

    # ------------------------------------------------------------------------- baselines

    async def baseline(self, guild_id: int, version_id: int) -> Baseline | None:
        return await self.db.read(lambda conn: baseline_of(conn, guild_id, version_id))


def baseline_of(conn: sqlite3.Connection, guild_id: int, version_id: int) -> Baseline | None:
    """What keeping the published version was worth when `version_id` was computed."""
    row = personal.baseline(conn, guild_id, version_id)
    return None if row is None else Baseline(row["based_on"], row["kept_utility"])
