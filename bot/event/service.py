"""EventService: every user action on an event, one async method each, one transaction each.

Conventions:
- Every method takes the guild id (one Discord guild = one event) and the acting `Actor`.
  Rows of another guild are invisible: asking for them gives `NotFound`, exactly as for ids
  that do not exist.
- Refusals are `EventError` subclasses with a `user_message`; nothing is written when one is
  raised (the call's savepoint is rolled back).
- Each call runs whole inside the database thread (see bot/storage/database.py); the inner
  `_tx` functions are synchronous and must not await.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.event import _views, codes
from bot.event.errors import Conflict, EventError, Forbidden, InvalidInput, NotFound, RateLimited
from bot.event.models import (
    Actor,
    DayView,
    Entry,
    EventSettings,
    InterestResult,
    ItineraryItem,
    Level,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    RoomView,
    ScheduleVersion,
    SessionView,
    SlotView,
    TimetableImport,
    TimetableView,
    VerifyResult,
)
from bot.event.solving import ProgressCallback, SolverFailed, engine_worker, solve_in_process
from bot.event.text import clean_description, clean_display_name, clean_title, title_key
from bot.event.times import from_utc_text, now_text, parse_date, parse_time, to_utc_text, zone
from bot.event.timetable_toml import parse_room, parse_timetable
from bot.storage import Database, events, personal, schedules, sessions, timetable, transfer
from scheduler_core.evaluate import utility_of
from scheduler_core.models import Instance, InvalidInstance, Result

MAX_ID = 2**63 - 1
MAX_JSON_CHARS = 20_000_000
_UNSET: Any = object()
_BOOL_SETTINGS = ("verification_required", "proposals_open", "interest_open",
                  "schedule_visible", "mirror_events")
_ID_SETTINGS = ("announcements_channel_id", "proposals_channel_id", "moderation_channel_id",
                "verified_role_id", "organiser_role_id")
_LEVELS = frozenset(int(x) for x in Level)

Tx = sqlite3.Connection


# ---------------------------------------------------------------------------------- checks

def _check_id(value: object, what: str) -> int:
    """Ids come from Discord or from our own lists: positive integers. Anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"The {what} id must be a number.")
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"There is no such {what}.")
    return value


def _check_actor(actor: object) -> Actor:
    if not isinstance(actor, Actor):
        raise InvalidInput("Unknown user.")
    _check_id(actor.user_id, "user")
    return actor


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("Only the event's admins can do this.")


def _check_bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{what} must be on or off.")
    return value


def _check_level(level: object) -> int:
    if isinstance(level, bool) or not isinstance(level, int) or int(level) not in _LEVELS:
        raise InvalidInput("The interest level must be one of: none, a little, yes, very.")
    return int(level)


def _event(conn: Tx, guild_id: int) -> sqlite3.Row:
    row = events.get_event(conn, guild_id)
    if row is None:
        raise NotFound("This server has no event yet: an admin can create it with /admin setup.")
    return row


def _touch(conn: Tx, guild_id: int, actor: Actor) -> None:
    """Record the acting attendee (on first contact, or when their name or admin flag changed)."""
    events.upsert_attendee(conn, guild_id, actor.user_id, clean_display_name(actor.display_name),
                           actor.is_admin)


def _enter(conn: Tx, guild_id: int, actor: Actor) -> tuple[sqlite3.Row, bool]:
    """The event row and whether the actor is verified; records the actor, writing only if
    something changed (most calls then read one row and write nothing more)."""
    row = events.event_with_attendee(conn, guild_id, actor.user_id)
    if row is None:
        _event(conn, guild_id)  # raises NotFound
    name = clean_display_name(actor.display_name)
    if (row["a_user_id"] is None or (name and name != row["a_display_name"])
            or bool(row["a_is_admin"]) != actor.is_admin):
        events.upsert_attendee(conn, guild_id, actor.user_id, name, actor.is_admin)
    return row, bool(row["a_verified"])


def _session_view(conn: Tx, guild_id: int, session_id: int, user_id: int) -> SessionView:
    row = sessions.get_session_full(conn, guild_id, session_id, user_id)
    if row is None:
        raise NotFound("There is no such session.")
    allowed = sessions.allowed_slots(conn, [session_id]).get(session_id)
    return _views.session(row, allowed)


def _own_or_admin(row: sqlite3.Row, actor: Actor, action: str) -> None:
    if row["owner_id"] != actor.user_id and not actor.is_admin:
        raise Forbidden(f"Only the session's proposer or an admin can {action} it.")


def _visible_session(conn: Tx, guild_id: int, session_id: int, actor: Actor) -> sqlite3.Row:
    """A session the actor may see: public ones, their own, and any for admins."""
    row = sessions.get_session(conn, guild_id, _check_id(session_id, "session"))
    if row is None or (row["status"] != "public" and row["owner_id"] != actor.user_id
                       and not actor.is_admin):
        raise NotFound("There is no such session.")
    return row


def _published_count_message(n: int, what: str) -> str:
    return (f"This {what} holds {n} session(s) of the published schedule. Remove it with "
            "force to unschedule them, or publish a schedule without them first.")


class EventService:
    """The rules of one bot process over one database (any number of guilds)."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time,
                 code_factory: Callable[[], str] = codes.new_code,
                 solver_target: Callable[..., None] = engine_worker):
        self.db = db
        self._clock = clock
        self._new_code = code_factory
        self._solver_target = solver_target
        self._running: set[int] = set()

    @classmethod
    async def open(cls, path: str | Path, **kwargs: Any) -> EventService:
        return cls(await Database.open(path), **kwargs)

    async def close(self) -> None:
        await self.db.close()

    # ------------------------------------------------------------------ event and settings

    async def setup_event(self, guild_id: int, actor: Actor, name: str = "Unconference",
                          timezone: str = "UTC") -> EventSettings:
        """Create the guild's event (admins). Idempotent: an existing event is returned as is."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))
        name = clean_title(name, field="event name")
        zone(timezone)
        code = self._new_code()

        def tx(conn: Tx) -> EventSettings:
            if events.get_event(conn, guild_id) is None:
                events.insert_event(conn, guild_id, name, timezone, code, now_text())
            _touch(conn, guild_id, actor)
            return _views.settings(_event(conn, guild_id), with_code=True)
        return await self.db.write(tx)

    async def settings(self, guild_id: int, actor: Actor) -> EventSettings:
        """The event's settings; the verification code only for admins."""
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)
        return await self.db.read(
            lambda conn: _views.settings(_event(conn, guild_id), with_code=actor.is_admin))

    async def update_settings(self, guild_id: int, actor: Actor, *, name: str = _UNSET,
                              timezone: str = _UNSET, verification_required: bool = _UNSET,
                              proposals_open: bool = _UNSET, interest_open: bool = _UNSET,
                              schedule_visible: bool = _UNSET,
                              mirror_events: bool = _UNSET,
                              announcements_channel_id: int | None = _UNSET,
                              proposals_channel_id: int | None = _UNSET,
                              moderation_channel_id: int | None = _UNSET,
                              verified_role_id: int | None = _UNSET,
                              organiser_role_id: int | None = _UNSET) -> EventSettings:
        """Change any settings given (admins); a channel or role id of None clears it."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))
        given = {k: v for k, v in locals().items()
                 if k in {"name", "timezone", *_BOOL_SETTINGS, *_ID_SETTINGS} and v is not _UNSET}
        changes: dict[str, object] = {}
        if "name" in given:
            changes["name"] = clean_title(given["name"], field="event name")
        if "timezone" in given:
            zone(given["timezone"])
            changes["timezone"] = given["timezone"]
        for key in _BOOL_SETTINGS:
            if key in given:
                changes[key] = int(_check_bool(given[key], key.replace("_", " ").capitalize()))
        for key in _ID_SETTINGS:
            if key in given:
                changes[key] = (None if given[key] is None
                                else _check_id(given[key], key.rsplit("_", 2)[-2]))

        def tx(conn: Tx) -> EventSettings:
            _event(conn, guild_id)
            events.update_event(conn, guild_id, changes)
            return _views.settings(_event(conn, guild_id), with_code=True)
        return await self.db.write(tx)

    async def show_code(self, guild_id: int, actor: Actor) -> str:
        s = await self.settings(guild_id, actor)
        _require_admin(actor)
        return s.verification_code or ""

    async def rotate_code(self, guild_id: int, actor: Actor) -> str:
        """A fresh random code (admins); the old one stops working at once."""
        return await self._store_code(guild_id, actor, self._new_code())

    async def set_code(self, guild_id: int, actor: Actor, code: str) -> str:
        """An admin-chosen code (4..32 unambiguous characters)."""
        return await self._store_code(guild_id, actor, codes.clean_admin_code(code))

    async def _store_code(self, guild_id: int, actor: Actor, code: str) -> str:
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))

        def tx(conn: Tx) -> str:
            _event(conn, guild_id)
            events.update_event(conn, guild_id, {"verification_code": code})
            return code
        return await self.db.write(tx)

    async def verify(self, guild_id: int, actor: Actor, code: str) -> VerifyResult:
        """Check the code (constant time); 5 wrong codes per 10 minutes, then a pause."""
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)
        entered = codes.normalize_entered(code)
        now = self._clock()

        def tx(conn: Tx) -> tuple[str, float]:
            ev, verified = _enter(conn, guild_id, actor)
            if verified:
                return "already", 0.0
            fails = events.recent_failures(conn, guild_id, actor.user_id,
                                           now - codes.FAILURE_WINDOW_SECONDS)
            if len(fails) >= codes.MAX_FAILURES:
                return "limited", fails[0] + codes.FAILURE_WINDOW_SECONDS - now
            if entered and codes.matches(entered, ev["verification_code"]):
                events.set_verified(conn, guild_id, actor.user_id)
                events.clear_failures(conn, guild_id, actor.user_id)
                return "ok", 0.0
            events.add_failure(conn, guild_id, actor.user_id, now)
            return "wrong", float(codes.MAX_FAILURES - len(fails) - 1)

        outcome, value = await self.db.write(tx)
        if outcome == "limited":
            raise RateLimited(value, "Too many wrong codes")
        if outcome == "wrong":
            left = int(value)
            more = (f"{left} more attempt{'s' if left != 1 else ''} before a 10-minute pause."
                    if left else "No attempts left: try again in 10 minutes.")
            raise InvalidInput(f"That code is not right. {more}")
        return VerifyResult(verified=True, already_verified=outcome == "already")

    # ---------------------------------------------------------------------------- sessions

    async def propose(self, guild_id: int, actor: Actor, title: str,
                      description: str) -> SessionView:
        """A new session, owned by the actor, who gets level 100 in it.

        Public at once when the proposer is verified, an admin, or verification is off;
        otherwise pending until an admin approves it.
        """
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)
        title = clean_title(title)
        description = clean_description(description)
        key = title_key(title)

        def tx(conn: Tx) -> SessionView:
            ev, verified = _enter(conn, guild_id, actor)
            if not ev["proposals_open"] and not actor.is_admin:
                raise Forbidden("Proposals are closed.")
            if sessions.title_taken(conn, guild_id, key):
                raise Conflict(f"A session called “{title}” already exists; "
                               "choose another title.")
            if not actor.is_admin:
                limit = timetable.count_schedulable_slots(conn, guild_id)
                owned = sessions.count_owned(conn, guild_id, actor.user_id)
                if limit and owned >= limit:
                    raise Conflict(f"You already propose {owned} session(s), as many as there "
                                   "are slots: withdraw one to propose another.")
            trusted = actor.is_admin or verified or not ev["verification_required"]
            now = now_text()
            sid = sessions.insert_session(conn, guild_id, title, key, description,
                                          actor.user_id, "public" if trusted else "pending", now)
            sessions.set_level(conn, guild_id, sid, actor.user_id, Level.VERY, now)
            return _session_view(conn, guild_id, sid, actor.user_id)
        return await self.db.write(tx)

    async def edit_session(self, guild_id: int, actor: Actor, session_id: int, *,
                           title: str | None = None, description: str | None = None,
                           owner_id: int | None = None) -> SessionView:
        """Change title/description (proposer or admin) or the owner (admins only).

        An edit by an unverified proposer, when verification is required, sends a public
        session back to the moderation queue.
        """
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)
        session_id = _check_id(session_id, "session")
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = clean_title(title)
            changes["title_key"] = title_key(changes["title"])
        if description is not None:
            changes["description"] = clean_description(description)
        if owner_id is not None:
            _require_admin(actor)
            owner_id = _check_id(owner_id, "user")
        if not changes and owner_id is None:
            raise InvalidInput("Nothing to change: give a new title, description or owner.")

        def tx(conn: Tx) -> SessionView:
            ev, verified = _enter(conn, guild_id, actor)
            row = _visible_session(conn, guild_id, session_id, actor)
            _own_or_admin(row, actor, "edit")
            if row["status"] == "withdrawn":
                raise Conflict("This session was withdrawn and can no longer be edited.")
            if "title_key" in changes and sessions.title_taken(
                    conn, guild_id, changes["title_key"], exclude_id=session_id):
                raise Conflict(f"A session called “{changes['title']}” already exists; "
                               "choose another title.")
            now = now_text()
            if owner_id is not None and owner_id != row["owner_id"]:
                events.upsert_attendee(conn, guild_id, owner_id, "", None)
                changes["owner_id"] = owner_id
                sessions.set_level(conn, guild_id, session_id, owner_id, Level.VERY, now)
            if (row["status"] == "public" and (changes.keys() & {"title", "description"})
                    and ev["verification_required"] and not verified
                    and not actor.is_admin):
                changes["status"] = "pending"
            changes["updated_at"] = now
            sessions.update_session(conn, guild_id, session_id, changes)
            return _session_view(conn, guild_id, session_id, actor.user_id)
        return await self.db.write(tx)

    async def withdraw_session(self, guild_id: int, actor: Actor,
                               session_id: int) -> SessionView:
        """Withdraw (proposer or admin). Interest is kept for the record; it is not scheduled."""
        return await self._set_status(guild_id, actor, session_id, "withdrawn", None)

    async def approve(self, guild_id: int, actor: Actor, session_id: int) -> SessionView:
        """Make a pending session public (admins)."""
        _require_admin(_check_actor(actor))
        return await self._set_status(guild_id, actor, session_id, "public", "pending")

    async def reject(self, guild_id: int, actor: Actor, session_id: int) -> SessionView:
        """Refuse a pending session (admins): it becomes withdrawn."""
        _require_admin(_check_actor(actor))
        return await self._set_status(guild_id, actor, session_id, "withdrawn", "pending")

    async def _set_status(self, guild_id: int, actor: Actor, session_id: int, status: str,
                          required: str | None) -> SessionView:
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)
        session_id = _check_id(session_id, "session")

        def tx(conn: Tx) -> SessionView:
            _enter(conn, guild_id, actor)
            row = _visible_session(conn, guild_id, session_id, actor)
            _own_or_admin(row, actor, "withdraw")
            if required and row["status"] != required:
                raise Conflict(f"This session is {row['status']}, not {required}.")
            if row["status"] == "withdrawn":
                raise Conflict("This session is already withdrawn.")
            sessions.update_session(conn, guild_id, session_id,
                                    {"status": status, "updated_at": now_text()})
            return _session_view(conn, guild_id, session_id, actor.user_id)
        return await self.db.write(tx)

    async def set_allowed_slots(self, guild_id: int, actor: Actor, session_id: int,
                                slot_ids: list[int] | None) -> SessionView:
        """Restrict a session to some slots (proposer or admin); None or [] allows any slot."""
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)
        session_id = _check_id(session_id, "session")
        ids = sorted({_check_id(s, "slot") for s in slot_ids or []})

        def tx(conn: Tx) -> SessionView:
            _enter(conn, guild_id, actor)
            row = _visible_session(conn, guild_id, session_id, actor)
            _own_or_admin(row, actor, "restrict")
            for sl in ids:
                slot = timetable.get_slot(conn, guild_id, sl)
                if slot is None:
                    raise NotFound("There is no such slot.")
                if slot["is_break"]:
                    raise InvalidInput("A session cannot be restricted to a break.")
            sessions.set_allowed_slots(conn, session_id, ids)
            return _session_view(conn, guild_id, session_id, actor.user_id)
        return await self.db.write(tx)

    async def get_session(self, guild_id: int, actor: Actor, session_id: int) -> SessionView:
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)

        def tx(conn: Tx) -> SessionView:
            _event(conn, guild_id)
            row = _visible_session(conn, guild_id, session_id, actor)
            return _session_view(conn, guild_id, row["id"], actor.user_id)
        return await self.db.read(tx)

    async def list_sessions(self, guild_id: int, actor: Actor) -> list[SessionView]:
        """Public sessions and the actor's own (any status), each with the actor's level."""
        return await self._list(guild_id, actor, ("public",), own=True)

    async def moderation_queue(self, guild_id: int, actor: Actor) -> list[SessionView]:
        """Sessions waiting for approval (admins)."""
        _require_admin(_check_actor(actor))
        return await self._list(guild_id, actor, ("pending",), own=False)

    async def _list(self, guild_id: int, actor: Actor, statuses: tuple[str, ...],
                    own: bool) -> list[SessionView]:
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)

        def tx(conn: Tx) -> list[SessionView]:
            _event(conn, guild_id)
            rows = sessions.list_sessions(conn, guild_id, actor.user_id, statuses, own)
            allowed = sessions.allowed_slots(conn, [r["id"] for r in rows])
            return [_views.session(r, allowed.get(r["id"])) for r in rows]
        return await self.db.read(tx)

    # ---------------------------------------------------------------------------- interest

    async def set_interest(self, guild_id: int, actor: Actor, session_id: int,
                           level: int) -> InterestResult:
        """Set the actor's level (0, 25, 75, 100) in a public session; 0 removes it."""
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)
        session_id = _check_id(session_id, "session")
        level = _check_level(level)

        def tx(conn: Tx) -> InterestResult:
            ev, verified = _enter(conn, guild_id, actor)
            if not actor.is_admin:
                if not ev["interest_open"]:
                    raise Forbidden("Interest is closed for now.")
                if ev["verification_required"] and not verified:
                    raise Forbidden("Enter the event's code with /verify first.")
            row = sessions.get_session_with_level(conn, guild_id, session_id, actor.user_id)
            if row is None or (row["status"] != "public" and row["owner_id"] != actor.user_id
                               and not actor.is_admin):
                raise NotFound("There is no such session.")
            if row["status"] != "public":
                raise Conflict("Only public sessions take interest; this one is "
                               f"{row['status']}.")
            before = row["my_level"]
            sessions.set_level(conn, guild_id, session_id, actor.user_id, level, now_text())
            return InterestResult(session_id, level, before)
        return await self.db.write(tx)

    # --------------------------------------------------------------------------- timetable

    async def timetable(self, guild_id: int, actor: Actor) -> TimetableView:
        """Days (with their slots) and rooms."""
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)

        def tx(conn: Tx) -> TimetableView:
            ev = _event(conn, guild_id)
            slot_rows = timetable.slots(conn, guild_id)
            return TimetableView(
                timezone=ev["timezone"],
                days=tuple(_views.day(d, slot_rows) for d in timetable.days(conn, guild_id)),
                rooms=tuple(_views.room(r) for r in timetable.rooms(conn, guild_id)))
        return await self.db.read(tx)

    async def _admin_write(self, guild_id: int, actor: Actor, fn: Callable[[Tx, sqlite3.Row], Any]
                           ) -> Any:
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))

        def tx(conn: Tx) -> Any:
            ev, _ = _enter(conn, guild_id, actor)
            return fn(conn, ev)
        return await self.db.write(tx)

    async def add_day(self, guild_id: int, actor: Actor, day: date | str,
                      label: str = "") -> DayView:
        d = parse_date(day)
        label = clean_title(label, field="day label") if label else ""

        def fn(conn: Tx, ev: sqlite3.Row) -> DayView:
            if timetable.day_by_date(conn, guild_id, d.isoformat()):
                raise Conflict(f"There is already a day on {d}.")
            day_id = timetable.insert_day(conn, guild_id, d.isoformat(), label)
            return _views.day(timetable.get_day(conn, guild_id, day_id), [])
        return await self._admin_write(guild_id, actor, fn)

    async def edit_day(self, guild_id: int, actor: Actor, day_id: int, *,
                       label: str | None = None) -> DayView:
        """Relabel a day (moving a day's date: remove it and add a new one)."""
        day_id = _check_id(day_id, "day")
        changes = {"label": clean_title(label, field="day label") if label else ""}

        def fn(conn: Tx, ev: sqlite3.Row) -> DayView:
            if timetable.get_day(conn, guild_id, day_id) is None:
                raise NotFound("There is no such day.")
            timetable.update_day(conn, guild_id, day_id, changes)
            return _views.day(timetable.get_day(conn, guild_id, day_id),
                              timetable.slots(conn, guild_id))
        return await self._admin_write(guild_id, actor, fn)

    async def remove_day(self, guild_id: int, actor: Actor, day_id: int,
                         force: bool = False) -> None:
        day_id = _check_id(day_id, "day")
        force = _check_bool(force, "Force")

        def fn(conn: Tx, ev: sqlite3.Row) -> None:
            if timetable.get_day(conn, guild_id, day_id) is None:
                raise NotFound("There is no such day.")
            n = schedules.count_published_in(conn, guild_id, day_id=day_id)
            if n and not force:
                raise Conflict(_published_count_message(n, "day"))
            timetable.delete_day(conn, guild_id, day_id)
        await self._admin_write(guild_id, actor, fn)

    async def add_slot(self, guild_id: int, actor: Actor, day_id: int, start: dtime | str,
                       end: dtime | str, is_break: bool = False, label: str = "") -> SlotView:
        """A slot on a day, times local to the event's timezone."""
        day_id = _check_id(day_id, "day")
        t0, t1 = parse_time(start, "start"), parse_time(end, "end")
        is_break = _check_bool(is_break, "Break")
        label = clean_title(label, field="slot label") if label else ""

        def fn(conn: Tx, ev: sqlite3.Row) -> SlotView:
            day = timetable.get_day(conn, guild_id, day_id)
            if day is None:
                raise NotFound("There is no such day.")
            tz = zone(ev["timezone"])
            d = date.fromisoformat(day["date"])
            s, e = to_utc_text(d, t0, tz), to_utc_text(d, t1, tz)
            self._check_slot_times(conn, guild_id, s, e, None)
            dv = _views.day(day, timetable.slots(conn, guild_id))
            if dv.final:
                raise Conflict("This day is final (all its slots are locked): unlock a slot "
                               "first.")
            sid = timetable.insert_slot(conn, guild_id, day_id, s, e, is_break, label)
            return _views.slot(timetable.get_slot(conn, guild_id, sid))
        return await self._admin_write(guild_id, actor, fn)

    @staticmethod
    def _check_slot_times(conn: Tx, guild_id: int, s: str, e: str, exclude: int | None) -> None:
        if e <= s:
            raise InvalidInput("A slot must end after it starts.")
        if timetable.overlapping_slot(conn, guild_id, s, e, exclude) is not None:
            raise Conflict("This slot would overlap another slot.")

    async def edit_slot(self, guild_id: int, actor: Actor, slot_id: int, *,
                        start: dtime | str | None = None, end: dtime | str | None = None,
                        is_break: bool | None = None, label: str | None = None,
                        force: bool = False) -> SlotView:
        """Change a slot. Turning a slot holding published sessions into a break needs force."""
        slot_id = _check_id(slot_id, "slot")
        t0 = parse_time(start, "start") if start is not None else None
        t1 = parse_time(end, "end") if end is not None else None
        if is_break is not None:
            _check_bool(is_break, "Break")
        force = _check_bool(force, "Force")
        new_label = clean_title(label, field="slot label") if label else label

        def fn(conn: Tx, ev: sqlite3.Row) -> SlotView:
            row = timetable.get_slot(conn, guild_id, slot_id)
            if row is None:
                raise NotFound("There is no such slot.")
            if row["locked"]:
                raise Conflict("This slot is locked: unlock it first.")
            day = timetable.get_day(conn, guild_id, row["day_id"])
            tz = zone(ev["timezone"])
            d = date.fromisoformat(day["date"])
            changes: dict[str, object] = {}
            if t0 is not None:
                changes["start_utc"] = to_utc_text(d, t0, tz)
            if t1 is not None:
                changes["end_utc"] = to_utc_text(d, t1, tz)
            if changes:
                self._check_slot_times(conn, guild_id, changes.get("start_utc", row["start_utc"]),
                                       changes.get("end_utc", row["end_utc"]), slot_id)
            if is_break is not None:
                if is_break and not row["is_break"]:
                    n = schedules.count_published_in(conn, guild_id, slot_id=slot_id)
                    if n and not force:
                        raise Conflict(_published_count_message(n, "slot"))
                    schedules.unschedule_slot(conn, slot_id)
                changes["is_break"] = int(is_break)
            if new_label is not None:
                changes["label"] = new_label
            timetable.update_slot(conn, guild_id, slot_id, changes)
            return _views.slot(timetable.get_slot(conn, guild_id, slot_id))
        return await self._admin_write(guild_id, actor, fn)

    async def remove_slot(self, guild_id: int, actor: Actor, slot_id: int,
                          force: bool = False) -> None:
        slot_id = _check_id(slot_id, "slot")
        force = _check_bool(force, "Force")

        def fn(conn: Tx, ev: sqlite3.Row) -> None:
            row = timetable.get_slot(conn, guild_id, slot_id)
            if row is None:
                raise NotFound("There is no such slot.")
            if row["locked"]:
                raise Conflict("This slot is locked: unlock it first.")
            n = schedules.count_published_in(conn, guild_id, slot_id=slot_id)
            if n and not force:
                raise Conflict(_published_count_message(n, "slot"))
            timetable.delete_slot(conn, guild_id, slot_id)
        await self._admin_write(guild_id, actor, fn)

    async def lock_slot(self, guild_id: int, actor: Actor, slot_id: int) -> SlotView:
        """Keep this slot's published sessions where they are when the scheduler runs again."""
        return await self._set_lock(guild_id, actor, slot_id, True)

    async def unlock_slot(self, guild_id: int, actor: Actor, slot_id: int) -> SlotView:
        return await self._set_lock(guild_id, actor, slot_id, False)

    async def _set_lock(self, guild_id: int, actor: Actor, slot_id: int,
                        locked: bool) -> SlotView:
        slot_id = _check_id(slot_id, "slot")

        def fn(conn: Tx, ev: sqlite3.Row) -> SlotView:
            if timetable.get_slot(conn, guild_id, slot_id) is None:
                raise NotFound("There is no such slot.")
            timetable.update_slot(conn, guild_id, slot_id, {"locked": int(locked)})
            return _views.slot(timetable.get_slot(conn, guild_id, slot_id))
        return await self._admin_write(guild_id, actor, fn)

    async def add_room(self, guild_id: int, actor: Actor, name: str, capacity: int,
                       link: str | None = None, voice_channel_id: int | None = None) -> RoomView:
        room = parse_room({k: v for k, v in {"name": name, "capacity": capacity, "link": link,
                                              "voice_channel_id": voice_channel_id}.items()
                           if v is not None}, "the room")
        key = title_key(room.name)

        def fn(conn: Tx, ev: sqlite3.Row) -> RoomView:
            if timetable.room_name_taken(conn, guild_id, key):
                raise Conflict(f"There is already a room called “{room.name}”.")
            rid = timetable.insert_room(conn, guild_id, room.name, key, room.capacity,
                                        room.link, room.voice_channel_id)
            return _views.room(timetable.get_room(conn, guild_id, rid))
        return await self._admin_write(guild_id, actor, fn)

    async def edit_room(self, guild_id: int, actor: Actor, room_id: int, *,
                        name: str | None = None, capacity: int | None = None,
                        link: str | None = _UNSET,
                        voice_channel_id: int | None = _UNSET) -> RoomView:
        """Change a room; link/voice channel None clears them."""
        room_id = _check_id(room_id, "room")

        def fn(conn: Tx, ev: sqlite3.Row) -> RoomView:
            row = timetable.get_room(conn, guild_id, room_id)
            if row is None:
                raise NotFound("There is no such room.")
            merged = {"name": row["name"] if name is None else name,
                      "capacity": row["capacity"] if capacity is None else capacity,
                      "link": row["link"] if link is _UNSET else link,
                      "voice_channel_id": (row["voice_channel_id"] if voice_channel_id is _UNSET
                                           else voice_channel_id)}
            room = parse_room({k: v for k, v in merged.items() if v is not None}, "the room")
            key = title_key(room.name)
            if timetable.room_name_taken(conn, guild_id, key, exclude_id=room_id):
                raise Conflict(f"There is already a room called “{room.name}”.")
            timetable.update_room(conn, guild_id, room_id, {
                "name": room.name, "name_key": key, "capacity": room.capacity,
                "link": room.link, "voice_channel_id": room.voice_channel_id})
            return _views.room(timetable.get_room(conn, guild_id, room_id))
        return await self._admin_write(guild_id, actor, fn)

    async def remove_room(self, guild_id: int, actor: Actor, room_id: int,
                          force: bool = False) -> None:
        room_id = _check_id(room_id, "room")
        force = _check_bool(force, "Force")

        def fn(conn: Tx, ev: sqlite3.Row) -> None:
            if timetable.get_room(conn, guild_id, room_id) is None:
                raise NotFound("There is no such room.")
            n = schedules.count_published_in(conn, guild_id, room_id=room_id)
            if n and not force:
                raise Conflict(_published_count_message(n, "room"))
            timetable.delete_room(conn, guild_id, room_id)
        await self._admin_write(guild_id, actor, fn)

    async def import_timetable_toml(self, guild_id: int, actor: Actor, text: str,
                                    force: bool = False) -> TimetableImport:
        """Replace days, slots, breaks and rooms by a TOML file (format: bot.event.timetable_toml).

        Refused (Conflict) while a published schedule uses the current timetable, unless forced.
        """
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))
        force = _check_bool(force, "Force")
        tz_default = (await self.settings(guild_id, actor)).timezone
        parsed = parse_timetable(text, tz_default)
        keys = [title_key(r.name) for r in parsed.rooms]
        if len(set(keys)) != len(keys):
            raise InvalidInput("Two rooms in the file have the same name.")

        def fn(conn: Tx, ev: sqlite3.Row) -> TimetableImport:
            n = schedules.count_published_in(conn, guild_id)
            if n and not force:
                raise Conflict(f"The published schedule places {n} session(s) in the current "
                               "timetable; import with force to replace it anyway.")
            timetable.delete_timetable(conn, guild_id)
            if parsed.timezone != ev["timezone"]:
                events.update_event(conn, guild_id, {"timezone": parsed.timezone})
            slots = breaks = 0
            for d in parsed.days:
                day_id = timetable.insert_day(conn, guild_id, d.date.isoformat(), d.label)
                for s in d.slots:
                    timetable.insert_slot(conn, guild_id, day_id, s.start_utc, s.end_utc,
                                          s.is_break, s.label)
                    slots += 1
                    breaks += s.is_break
            for r, key in zip(parsed.rooms, keys, strict=True):
                timetable.insert_room(conn, guild_id, r.name, key, r.capacity, r.link,
                                      r.voice_channel_id)
            return TimetableImport(days=len(parsed.days), slots=slots, breaks=breaks,
                                   rooms=len(parsed.rooms))
        return await self._admin_write(guild_id, actor, fn)

    # -------------------------------------------------------------------- export and backup

    async def export_event_json(self, guild_id: int, actor: Actor) -> str:
        """The whole event as JSON (admins): settings, timetable, sessions, interest, versions."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))

        def tx(conn: Tx) -> dict:
            _event(conn, guild_id)
            return transfer.export_event(conn, guild_id)
        doc = await self.db.read(tx)
        return json.dumps(doc, ensure_ascii=False, indent=1)

    async def import_event_json(self, guild_id: int, actor: Actor, text: str) -> dict[str, int]:
        """Replace this guild's whole event by an export (admins). Returns rows per table."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput("The export file is empty.")
        if len(text) > MAX_JSON_CHARS:
            raise InvalidInput("The export file is too large.")
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"The export file is not valid JSON: {e}.") from None
        if not isinstance(doc, dict):
            raise InvalidInput("The export file is not a session-scheduler event export.")

        def tx(conn: Tx) -> dict[str, int]:
            _event(conn, guild_id)
            try:
                counts = transfer.import_event(conn, guild_id, doc)
            except (KeyError, TypeError, ValueError, AttributeError, sqlite3.IntegrityError,
                    sqlite3.InterfaceError) as e:
                raise InvalidInput(f"The export file is not a valid event export ({e}).") from None
            _touch(conn, guild_id, actor)
            return counts
        return await self.db.write(tx)

    async def backup(self, path: str | Path | None = None) -> Path:
        """A consistent copy of the whole database (all guilds) via VACUUM INTO.

        Default: `backups/<name>-<UTC time>.sqlite` next to the database (data/backups/).
        Operator-only: the file holds every guild's event, so never send it to a guild (give a
        guild admin `export_event_json` instead).
        """
        if path is None:
            stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
            path = self.db.path.parent / "backups" / f"{self.db.path.stem}-{stamp}.sqlite"
        target = Path(path)
        if target.exists():
            raise Conflict(f"{target} already exists; choose a new file name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        await self.db.outside_transaction(
            lambda conn: conn.execute("VACUUM INTO ?", (str(target),)))
        return target

    # -------------------------------------------------------------------------- scheduling

    async def run_schedule(self, guild_id: int, actor: Actor, *,
                           progress: ProgressCallback | None = None,
                           cancel: asyncio.Event | threading.Event | None = None,
                           time_limit: float = 10.0, seed: int = 0, move_weight: int = 100,
                           iterations: int | None = None,
                           freeze_minutes: int | None = None) -> ScheduleVersion:
        """Solve (in a worker process) and store the result as a new, unpublished version.

        One run per guild at a time (Conflict otherwise). The snapshot holds public sessions;
        the published version is `previous`. Locked slots, and (with `freeze_minutes`) slots
        that have started or start within that many minutes, are left alone: their published
        sessions are `fixed` and nothing else goes there.
        """
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))
        if not isinstance(time_limit, int | float) or not 0 < time_limit <= 3600:
            raise InvalidInput("The time limit must be between 0 and 3600 seconds.")
        if guild_id in self._running:
            raise Conflict("The scheduler is already running for this event; wait for it to "
                           "finish.")
        self._running.add(guild_id)
        try:
            frozen_before = None
            if freeze_minutes is not None:
                if not isinstance(freeze_minutes, int) or not 0 <= freeze_minutes <= 24 * 60:
                    raise InvalidInput("The freeze window must be between 0 and 1440 minutes.")
                frozen_before = datetime.fromtimestamp(self._clock() + 60 * freeze_minutes, UTC)
            instance = await self.db.read(
                lambda conn: self._snapshot(conn, guild_id, frozen_before))
            options = {"time_limit": float(time_limit), "seed": int(seed),
                       "move_weight": int(move_weight), "iterations": iterations}
            try:
                result = await solve_in_process(instance, options, progress, cancel,
                                                target=self._solver_target)
            except SolverFailed as e:
                raise EventError(f"The scheduler failed: {e}") from e
            # what keeping the published timetable is worth for the same snapshot: the preview
            # says how much the moves buy (new utility minus this)
            kept = (None if instance.previous is None
                    else utility_of(instance, [(p.session, p.slot) for p in instance.previous]))
            return await self.db.write(
                lambda conn: self._store_result(conn, guild_id, actor, result, kept))
        finally:
            self._running.discard(guild_id)

    @staticmethod
    def _snapshot(conn: Tx, guild_id: int, frozen_before: datetime | None = None) -> Instance:
        ev = _event(conn, guild_id)
        slot_rows = timetable.slots(conn, guild_id)
        room_rows = timetable.rooms(conn, guild_id)
        session_rows = sessions.public_sessions(conn, guild_id)
        if not [s for s in slot_rows if not s["is_break"]] or not room_rows:
            raise InvalidInput("Add slots and rooms before running the scheduler.")
        if not session_rows:
            raise InvalidInput("There are no public sessions to schedule yet.")
        allowed = sessions.allowed_slots(conn, [s["id"] for s in session_rows])
        public_ids = {s["id"] for s in session_rows}
        locked = {s["id"] for s in slot_rows
                  if s["locked"] or (frozen_before is not None
                                     and from_utc_text(s["start_utc"]) <= frozen_before)}
        previous = fixed = None
        if ev["published_version_id"] is not None:
            placed = [p for p in schedules.placements(conn, ev["published_version_id"])
                      if p["session_id"] in public_ids]
            previous = [{"session": str(p["session_id"]), "slot": str(p["slot_id"]),
                         "room": str(p["room_id"])} for p in placed]
            fixed = [f for f, p in zip(previous, placed, strict=True) if p["slot_id"] in locked]
        pinned = {int(f["session"]) for f in fixed or []}
        for sid in pinned:  # a fixed session stays put even if its allowed slots changed since
            allowed.pop(sid, None)
        data = {
            "slots": [{"id": str(s["id"]), "start": s["start_utc"], "end": s["end_utc"],
                       "is_break": bool(s["is_break"]), "locked": s["id"] in locked}
                      for s in slot_rows],
            "rooms": [{"id": str(r["id"]), "name": r["name"], "capacity": r["capacity"]}
                      for r in room_rows],
            "sessions": [{"id": str(s["id"]), "title": s["title"],
                          "proposers": [str(s["owner_id"])],
                          "allowed_slots": ([str(x) for x in allowed[s["id"]]]
                                            if s["id"] in allowed else None)}
                         for s in session_rows],
            "interest": [{"attendee": str(i["user_id"]), "session": str(i["session_id"]),
                          "level": i["level"]} for i in sessions.public_interest(conn, guild_id)],
            "fixed": fixed or [],
            "previous": previous,
        }
        try:
            return Instance.model_validate(data)
        except (InvalidInstance, ValidationError) as e:
            problems = getattr(e, "problems", None) or [str(e)]
            raise InvalidInput("The event cannot be scheduled as it is: "
                               + "; ".join(problems)) from None

    @staticmethod
    def _store_result(conn: Tx, guild_id: int, actor: Actor, result: Result,
                      kept: int | None = None) -> ScheduleVersion:
        ev = _event(conn, guild_id)
        unplaced = [{"session_id": int(u.session), "reason": u.reason} for u in result.unplaced]
        keep = []
        for a in result.assignments:
            sid, sl, rm = int(a.session), int(a.slot), int(a.room)
            if (sessions.get_session(conn, guild_id, sid) is None
                    or timetable.get_slot(conn, guild_id, sl) is None
                    or timetable.get_room(conn, guild_id, rm) is None):
                unplaced.append({"session_id": sid,
                                 "reason": "its session, slot or room was removed meanwhile"})
                continue
            keep.append((sid, sl, rm, a.expected_attendance))
        figures = {"status": result.status, "utility": result.utility,
                   "upper_bound": result.upper_bound,
                   "seed_heuristic_utility": result.seed_heuristic_utility,
                   "solve_seconds": result.solve_seconds, "moved": result.moved}
        vid = schedules.insert_version(conn, guild_id, actor.user_id, now_text(), figures,
                                       json.dumps(unplaced))
        for sid, sl, rm, att in keep:
            schedules.insert_placement(conn, vid, sid, sl, rm, att)
        if kept is not None and ev["published_version_id"] is not None:
            personal.set_baseline(conn, vid, ev["published_version_id"], kept)
        return EventService._version_view(conn, guild_id, vid, ev["published_version_id"])

    @staticmethod
    def _version_view(conn: Tx, guild_id: int, version_id: int,
                      published_id: int | None) -> ScheduleVersion:
        row = schedules.get_version(conn, guild_id, version_id)
        if row is None:
            raise NotFound("There is no such schedule version.")
        unplaced = json.loads(row["unplaced_json"])
        titles = {}
        for u in unplaced:
            s = sessions.get_session(conn, guild_id, u["session_id"])
            titles[u["session_id"]] = s["title"] if s else ""
        return _views.version(row, published_id, titles, unplaced)

    async def schedule_versions(self, guild_id: int, actor: Actor) -> list[ScheduleVersion]:
        """Every stored run with its figures (admins)."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))

        def tx(conn: Tx) -> list[ScheduleVersion]:
            ev = _event(conn, guild_id)
            return [self._version_view(conn, guild_id, v["id"], ev["published_version_id"])
                    for v in schedules.versions(conn, guild_id)]
        return await self.db.read(tx)

    async def publish(self, guild_id: int, actor: Actor, version_id: int) -> ScheduleVersion:
        """Make a stored version the published schedule (admins); one published at a time."""
        version_id = _check_id(version_id, "schedule version")

        def fn(conn: Tx, ev: sqlite3.Row) -> ScheduleVersion:
            if schedules.get_version(conn, guild_id, version_id) is None:
                raise NotFound("There is no such schedule version.")
            schedules.mark_published(conn, guild_id, version_id, now_text())
            return self._version_view(conn, guild_id, version_id, version_id)
        return await self._admin_write(guild_id, actor, fn)

    # ------------------------------------------------------------------------------ queries

    def _published(self, conn: Tx, guild_id: int, actor: Actor
                   ) -> tuple[sqlite3.Row, list[sqlite3.Row], dict[int, list[Entry]]]:
        ev = _event(conn, guild_id)
        if not ev["schedule_visible"] and not actor.is_admin:
            raise Forbidden("The schedule is not public yet.")
        if ev["published_version_id"] is None:
            raise NotFound("No schedule has been published yet.")
        return ev, timetable.slots(conn, guild_id), _entries_by_slot(
            conn, ev["published_version_id"])

    async def published_timetable(self, guild_id: int, actor: Actor) -> PublishedTimetable:
        """The published schedule by day, slot and room, with expected attendance."""
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)

        def tx(conn: Tx) -> PublishedTimetable:
            ev, slot_rows, by_slot = self._published(conn, guild_id, actor)
            return _laid_out(conn, guild_id, ev, ev["published_version_id"], slot_rows, by_slot)
        return await self.db.read(tx)

    async def itinerary(self, guild_id: int, actor: Actor) -> list[ItineraryItem]:
        """For each slot of the published schedule: where the actor is expected, and options.

        Expected = the session they propose in that slot, else their highest level there
        (ties: the larger expected audience); alternatives = the others they rated, best first.
        """
        guild_id = _check_id(guild_id, "server")
        _check_actor(actor)

        def tx(conn: Tx) -> list[ItineraryItem]:
            _, slot_rows, by_slot = self._published(conn, guild_id, actor)
            mine = sessions.levels_of(conn, guild_id, actor.user_id)
            items = []
            for s in slot_rows:
                if s["is_break"]:
                    continue
                ranked = sorted(
                    by_slot.get(s["id"], ()),
                    key=lambda e: (e.owner_id != actor.user_id, -mine.get(e.session_id, 0),
                                   -e.expected_attendance, e.session_id))
                ranked = [e for e in ranked
                          if e.owner_id == actor.user_id or mine.get(e.session_id, 0) > 0]
                expected = ranked[0] if ranked else None
                items.append(ItineraryItem(
                    slot=_views.slot(s), expected=expected,
                    expected_level=mine.get(expected.session_id, 0) if expected else 0,
                    alternatives=tuple((e, mine.get(e.session_id, 0)) for e in ranked[1:])))
            return items
        return await self.db.read(tx)

    # --------------------------------------------------- inputs of change notices (admins)

    async def version_timetable(self, guild_id: int, actor: Actor,
                                version_id: int) -> PublishedTimetable:
        """Any stored version laid out like the published timetable (admins), so a preview can
        be compared with the published version (see bot/event/changes.py)."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))
        version_id = _check_id(version_id, "schedule version")

        def tx(conn: Tx) -> PublishedTimetable:
            ev = _event(conn, guild_id)
            if schedules.get_version(conn, guild_id, version_id) is None:
                raise NotFound("There is no such schedule version.")
            return _laid_out(conn, guild_id, ev, version_id, timetable.slots(conn, guild_id),
                             _entries_by_slot(conn, version_id))
        return await self.db.read(tx)

    async def interest_levels(self, guild_id: int, actor: Actor,
                              session_ids: list[int] | None = None) -> dict[int, dict[int, int]]:
        """session id → {user id → level} for these sessions, or all (admins): who to tell
        when sessions move."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))
        ids = None if session_ids is None else [_check_id(s, "session") for s in session_ids]

        def tx(conn: Tx) -> dict[int, dict[int, int]]:
            _event(conn, guild_id)
            out: dict[int, dict[int, int]] = {}
            for r in sessions.interest_in(conn, guild_id, ids):
                out.setdefault(r["session_id"], {})[r["user_id"]] = r["level"]
            return out
        return await self.db.read(tx)


def _entries_by_slot(conn: Tx, version_id: int) -> dict[int, list[Entry]]:
    """A version's placements (withdrawn sessions left out), grouped by slot."""
    by_slot: dict[int, list[Entry]] = {}
    for p in schedules.placements(conn, version_id):
        if p["status"] == "withdrawn":
            continue
        by_slot.setdefault(p["slot_id"], []).append(Entry(
            session_id=p["session_id"], title=p["title"], owner_id=p["owner_id"],
            room_id=p["room_id"], room_name=p["room_name"],
            expected_attendance=p["expected_attendance"]))
    return by_slot


def _laid_out(conn: Tx, guild_id: int, ev: sqlite3.Row, version_id: int,
              slot_rows: list[sqlite3.Row],
              by_slot: dict[int, list[Entry]]) -> PublishedTimetable:
    """A version's placements by day and slot, the shape every view of a timetable uses."""
    days = []
    for d in timetable.days(conn, guild_id):
        dv = _views.day(d, slot_rows)
        days.append(PublishedDay(dv.date, dv.label, tuple(
            PublishedSlot(s, tuple(by_slot.get(s.id, ()))) for s in dv.slots)))
    return PublishedTimetable(version_id, ev["timezone"], tuple(days))
