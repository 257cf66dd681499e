"""The event and its settings, the verification code, and verifying attendees."""

from __future__ import annotations

from bot.event import _views, codes
from bot.event._common import (
    _BOOL_SETTINGS,
    _ID_SETTINGS,
    _UNSET,
    ServiceBase,
    Tx,
    _check_actor,
    _check_bool,
    _check_id,
    _enter,
    _event,
    _require_admin,
    _touch,
)
from bot.event.errors import InvalidInput, RateLimited
from bot.event.models import Actor, EventSettings, VerifyResult
from bot.event.text import clean_title
from bot.event.times import now_text, zone
from bot.storage import events


class SettingsRules(ServiceBase):
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
            lambda conn: _views.settings(_event(conn, guild_id),
                                         with_code=actor.is_admin and not actor.is_system))

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
