"""The event and its settings, the verification code, and verifying attendees."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from bot.event import codes, views
from bot.event.base import (
    BOOL_SETTINGS,
    ID_SETTINGS,
    UNSET,
    RulesBase,
    check_actor,
    check_bool,
    check_id,
    enter,
    event_row,
    require_admin,
    touch,
)
from bot.event.errors import RateLimited, WrongCode
from bot.event.models import Actor, EventSettings, VerifyResult
from bot.event.text import clean_title
from bot.event.times import zone
from bot.i18n import N_, NP_
from bot.storage import Row, Tx, events, now_text

#: The on/off settings as a refusal names them.
_SETTING_NAMES = {
    "verification_required": N_("Verification required"),
    "proposals_open": N_("Proposals open"),
    "interest_open": N_("Interest open"),
    "schedule_visible": N_("Schedule visible"),
    "mirror_events": N_("Mirror events"),
    "seats_count": N_("Seats count"),
}

#: How often a server's strangers are looked for, and after how long they are forgotten.
PRUNE_EVERY_SECONDS = 3600.0
STRANGER_DAYS = 30
DAY = 86_400.0


def instant(epoch: float) -> str:
    """An epoch time as the database stores instants."""
    return datetime.fromtimestamp(epoch, UTC).isoformat()


class SettingsRules(RulesBase):
    async def setup_event(self, guild_id: int, actor: Actor, name: str = "Unconference",
                          timezone: str = "UTC") -> EventSettings:
        """Create the guild's event (admins). Idempotent: an existing event is returned as is."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        name = clean_title(name, field="event name")
        zone(timezone)
        code = self._new_code()

        async def tx(conn: Tx) -> EventSettings:
            if await events.get_event(conn, guild_id) is None:
                await events.insert_event(conn, guild_id, name, timezone, code, now_text())
            await touch(conn, guild_id, actor)
            return views.settings(await event_row(conn, guild_id), with_code=True)
        return await self.db.write(tx, guild=guild_id)

    async def settings(self, guild_id: int, actor: Actor) -> EventSettings:
        """The event's settings; the verification code only for admins."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        row = await self.db.read(lambda conn: event_row(conn, guild_id))
        return views.settings(row, with_code=actor.is_admin and not actor.is_system)

    async def update_settings(self, guild_id: int, actor: Actor, *, name: str = UNSET,
                              timezone: str = UNSET, verification_required: bool = UNSET,
                              proposals_open: bool = UNSET, interest_open: bool = UNSET,
                              schedule_visible: bool = UNSET,
                              mirror_events: bool = UNSET, seats_count: bool = UNSET,
                              announcements_channel_id: int | None = UNSET,
                              proposals_channel_id: int | None = UNSET,
                              moderation_channel_id: int | None = UNSET,
                              verified_role_id: int | None = UNSET,
                              organiser_role_id: int | None = UNSET) -> EventSettings:
        """Change any settings given (admins); a channel or role id of None clears it."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        given = {k: v for k, v in locals().items()
                 if k in {"name", "timezone", *BOOL_SETTINGS, *ID_SETTINGS} and v is not UNSET}
        changes: dict[str, object] = {}
        if "name" in given:
            changes["name"] = clean_title(given["name"], field="event name")
        if "timezone" in given:
            zone(given["timezone"])
            changes["timezone"] = given["timezone"]
        for key in BOOL_SETTINGS:
            if key in given:
                changes[key] = check_bool(given[key], _SETTING_NAMES[key])
        for key in ID_SETTINGS:
            if key in given:
                changes[key] = (None if given[key] is None
                                else check_id(given[key], key.rsplit("_", 2)[-2]))

        async def tx(conn: Tx) -> EventSettings:
            await event_row(conn, guild_id)
            await events.update_event(conn, guild_id, changes)
            return views.settings(await event_row(conn, guild_id), with_code=True)
        return await self.db.write(tx, guild=guild_id)

    async def show_code(self, guild_id: int, actor: Actor) -> str:
        require_admin(check_actor(actor))
        return (await self.settings(guild_id, actor)).verification_code or ""

    async def rotate_code(self, guild_id: int, actor: Actor) -> str:
        """A fresh random code (admins); the old one stops working at once."""
        code = self._new_code()
        return await self._store_code(guild_id, actor, lambda ev: code)

    async def set_code(self, guild_id: int, actor: Actor, code: str) -> str:
        """An admin-chosen code: 6..32 unambiguous characters, not easy to guess (nor the
        event's name)."""
        codes.clean_admin_code(code)  # what can be said before reading anything
        return await self._store_code(guild_id, actor,
                                      lambda ev: codes.clean_admin_code(code, (ev["name"],)))

    async def _store_code(self, guild_id: int, actor: Actor,
                          choose: Callable[[Row], str]) -> str:
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))

        async def tx(conn: Tx) -> str:
            code = choose(await event_row(conn, guild_id))
            await events.update_event(conn, guild_id, {"verification_code": code})
            return code
        return await self.db.write(tx, guild=guild_id)

    async def verify(self, guild_id: int, actor: Actor, code: str) -> VerifyResult:
        """Check the code (constant time). A person has 5 wrong codes per 10 minutes, and the
        server 50 across all its accounts (so many accounts cannot pool their guesses); past
        either, every attempt waits, the right code too. The wrong code that reaches the
        server's limit says so (`WrongCode.burst`) for the organisers. Once an hour, people
        who only looked and left no trace for 30 days are forgotten."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        entered = codes.normalize_entered(code)
        now = self._clock()
        prune = now - self._pruned.get(guild_id, 0.0) >= PRUNE_EVERY_SECONDS

        async def tx(conn: Tx) -> tuple[str, float]:
            ev, verified = await enter(conn, guild_id, actor)
            if prune:
                # first meetings are stamped in real time (now_text), so the cut-off is too
                await events.forget_strangers(conn, guild_id,
                                              instant(time.time() - STRANGER_DAYS * DAY))
            if verified:
                return "already", 0.0
            window = codes.FAILURE_WINDOW_SECONDS
            fails = await events.recent_failures(conn, guild_id, now - window)
            mine = [at for user, at in fails if user == actor.user_id]
            if len(mine) >= codes.MAX_FAILURES:
                return "limited", mine[0] + window - now
            if len(fails) >= codes.SERVER_MAX_FAILURES:
                return "server-limited", fails[-codes.SERVER_MAX_FAILURES][1] + window - now
            if entered and codes.matches(entered, ev["verification_code"]):
                await events.set_verified(conn, guild_id, actor.user_id)
                await events.clear_failures(conn, guild_id, actor.user_id)
                return "ok", 0.0
            await events.add_failure(conn, guild_id, actor.user_id, now)
            burst = len(fails) + 1 >= codes.SERVER_MAX_FAILURES
            return ("wrong-burst" if burst else "wrong"), float(codes.MAX_FAILURES - len(mine) - 1)

        outcome, value = await self.db.write(tx, guild=guild_id)
        if prune:
            self._pruned[guild_id] = now
        if outcome == "wrong-burst":  # the organisers hear of it once per window
            told = self._burst_told.get(guild_id, -codes.FAILURE_WINDOW_SECONDS)
            if now - told < codes.FAILURE_WINDOW_SECONDS:
                outcome = "wrong"
            else:
                self._burst_told[guild_id] = now
        if outcome == "limited":
            raise RateLimited(value, N_("Too many wrong codes"))
        if outcome == "server-limited":
            raise RateLimited(value, N_("Too many wrong codes were tried on this server just "
                                        "now; verification is paused for everyone"))
        if outcome.startswith("wrong"):
            left = int(value)
            more = (NP_("{n} more attempt before a 10-minute pause.",
                        "{n} more attempts before a 10-minute pause.", left) if left
                    else N_("No attempts left: try again in 10 minutes."))
            raise WrongCode(N_("That code is not right. {more}", more=more),
                            burst=outcome == "wrong-burst")
        return VerifyResult(verified=True, already_verified=outcome == "already")
