"""Proposals, moderation, allowed slots, and attendees' interest."""

from __future__ import annotations

from typing import Literal

from bot.event.base import (
    RulesBase,
    check_actor,
    check_id,
    check_level,
    chosen_slots,
    enter,
    event_row,
    may_change,
    own_or_admin,
    require_admin,
    session_view,
    session_views,
    visible_session,
)
from bot.event.errors import Conflict, Forbidden, InvalidInput, NotFound
from bot.event.models import Actor, InterestResult, Level, SessionView
from bot.event.text import clean_description, clean_title, title_key
from bot.i18n import N_, NP_
from bot.storage import Tx, events, now_text, sessions, timetable

#: Discord shows at most 25 autocomplete choices.
CHOICES = 25


class SessionRules(RulesBase):
    async def propose(self, guild_id: int, actor: Actor, title: str,
                      description: str) -> SessionView:
        """A new session, owned by the actor, who gets level 100 in it.

        Public at once when the proposer is verified, an admin, or verification is off;
        otherwise pending until an admin approves it.
        """
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        title = clean_title(title)
        description = clean_description(description)
        key = title_key(title)

        async def tx(conn: Tx) -> SessionView:
            ev, verified = await enter(conn, guild_id, actor)
            if not ev["proposals_open"] and not actor.is_admin:
                raise Forbidden(N_("Proposals are closed."))
            if await sessions.title_taken(conn, guild_id, key):
                raise Conflict(N_("A session called “{title}” already exists; choose another "
                                  "title.", title=title))
            if not actor.is_admin:
                limit = await timetable.count_schedulable_slots(conn, guild_id)
                owned = await sessions.count_owned(conn, guild_id, actor.user_id)
                if limit and owned >= limit:
                    raise Conflict(NP_("You already propose {n} session, as many as there are "
                                       "slots: withdraw it to propose another.",
                                       "You already propose {n} sessions, as many as there are "
                                       "slots: withdraw one to propose another.", owned))
            trusted = actor.is_admin or verified or not ev["verification_required"]
            now = now_text()
            sid = await sessions.insert_session(conn, guild_id, title, key, description,
                                                actor.user_id,
                                                "public" if trusted else "pending", now)
            await sessions.set_level(conn, guild_id, sid, actor.user_id, Level.VERY, now)
            return await session_view(conn, guild_id, sid, actor.user_id)
        return await self.db.write(tx, guild=guild_id)

    async def edit_session(self, guild_id: int, actor: Actor, session_id: int, *,
                           title: str | None = None, description: str | None = None,
                           owner_id: int | None = None) -> SessionView:
        """Change title/description (proposer or admin) or the owner (admins only).

        An edit by an unverified proposer, when verification is required, sends a public
        session back to the moderation queue.
        """
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        session_id = check_id(session_id, "session")
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = clean_title(title)
            changes["title_key"] = title_key(changes["title"])
        if description is not None:
            changes["description"] = clean_description(description)
        if owner_id is not None:
            require_admin(actor)
            owner_id = check_id(owner_id, "user")
        if not changes and owner_id is None:
            raise InvalidInput(N_("Nothing to change: give a new title, description or owner."))

        async def tx(conn: Tx) -> SessionView:
            ev, verified = await enter(conn, guild_id, actor)
            row = await visible_session(conn, guild_id, session_id, actor)
            own_or_admin(row, actor, "edit")
            if row["status"] == "withdrawn":
                raise Conflict(N_("This session was withdrawn and can no longer be edited."))
            if "title_key" in changes and await sessions.title_taken(
                    conn, guild_id, changes["title_key"], exclude_id=session_id):
                raise Conflict(N_("A session called “{title}” already exists; choose another "
                                  "title.", title=changes["title"]))
            now = now_text()
            if owner_id is not None and owner_id != row["owner_id"]:
                await events.upsert_attendee(conn, guild_id, owner_id, "", None)
                changes["owner_id"] = owner_id
                await sessions.set_level(conn, guild_id, session_id, owner_id, Level.VERY, now)
            if (row["status"] == "public" and (changes.keys() & {"title", "description"})
                    and ev["verification_required"] and not verified
                    and not actor.is_admin):
                changes["status"] = "pending"
            changes["updated_at"] = now
            await sessions.update_session(conn, guild_id, session_id, changes)
            return await session_view(conn, guild_id, session_id, actor.user_id)
        return await self.db.write(tx, guild=guild_id)

    async def withdraw_session(self, guild_id: int, actor: Actor,
                               session_id: int) -> SessionView:
        """Withdraw (proposer or admin). Interest is kept for the record; it is not scheduled."""
        return await self._set_status(guild_id, actor, session_id, "withdrawn", None)

    async def approve(self, guild_id: int, actor: Actor, session_id: int) -> SessionView:
        """Make a pending session public (admins)."""
        require_admin(check_actor(actor))
        return await self._set_status(guild_id, actor, session_id, "public", "pending")

    async def reject(self, guild_id: int, actor: Actor, session_id: int) -> SessionView:
        """Refuse a pending session (admins): it becomes withdrawn."""
        require_admin(check_actor(actor))
        return await self._set_status(guild_id, actor, session_id, "withdrawn", "pending")

    async def _set_status(self, guild_id: int, actor: Actor, session_id: int, status: str,
                          required: str | None) -> SessionView:
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        session_id = check_id(session_id, "session")

        async def tx(conn: Tx) -> SessionView:
            await enter(conn, guild_id, actor)
            row = await visible_session(conn, guild_id, session_id, actor)
            own_or_admin(row, actor, "withdraw")
            if required and row["status"] != required:  # only "pending" is ever required
                raise Conflict(N_("This session is public already: it no longer waits for "
                                  "approval.") if row["status"] == "public" else
                               N_("This session is withdrawn: it no longer waits for "
                                  "approval."))
            if row["status"] == "withdrawn":
                raise Conflict(N_("This session is already withdrawn."))
            await sessions.update_session(conn, guild_id, session_id,
                                          {"status": status, "updated_at": now_text()})
            return await session_view(conn, guild_id, session_id, actor.user_id)
        return await self.db.write(tx, guild=guild_id)

    async def set_allowed_slots(self, guild_id: int, actor: Actor, session_id: int,
                                slot_ids: list[int] | None,
                                day_ids: list[int] | None = None) -> SessionView:
        """The slots the session's hosts can take it (proposer or admin): the given slots and
        every slot of the given days; nothing given allows any slot again."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        session_id = check_id(session_id, "session")

        async def tx(conn: Tx) -> SessionView:
            await enter(conn, guild_id, actor)
            row = await visible_session(conn, guild_id, session_id, actor)
            own_or_admin(row, actor, "restrict")
            ids = await chosen_slots(conn, guild_id, slot_ids, day_ids)
            await sessions.set_allowed_slots(conn, session_id, ids)
            return await session_view(conn, guild_id, session_id, actor.user_id)
        return await self.db.write(tx, guild=guild_id)

    async def get_session(self, guild_id: int, actor: Actor, session_id: int) -> SessionView:
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> SessionView:
            await event_row(conn, guild_id)
            row = await visible_session(conn, guild_id, session_id, actor)
            return await session_view(conn, guild_id, row["id"], actor.user_id)
        return await self.db.read(tx)

    async def list_sessions(self, guild_id: int, actor: Actor) -> list[SessionView]:
        """Public sessions and the actor's own (any status), each with the actor's level."""
        return await self._list(guild_id, actor, ("public",), own=True)

    async def moderation_queue(self, guild_id: int, actor: Actor) -> list[SessionView]:
        """Sessions waiting for approval (admins)."""
        require_admin(check_actor(actor))
        return await self._list(guild_id, actor, ("pending",), own=False)

    async def session_choices(self, guild_id: int, actor: Actor, typed: str,
                              kind: Literal["public", "editable", "pending"]
                              ) -> list[tuple[int, str]]:
        """(id, title) of the first `CHOICES` sessions whose title contains what the user
        typed (any case), or whose number it is ("#12" or "12"), for autocomplete. `kind`:
        "public" ones (interest), "editable" ones (what the actor may edit or withdraw: their
        own, and for admins the public ones too), "pending" ones (moderation, admins)."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        if kind == "pending":
            require_admin(actor)
        statuses = ("pending",) if kind == "pending" else ("public",)
        needle = typed.casefold().lstrip("#")

        async def tx(conn: Tx) -> list[tuple[int, str]]:
            await event_row(conn, guild_id)
            out: list[tuple[int, str]] = []
            for r in await sessions.list_titles(conn, guild_id, actor.user_id, statuses,
                                                kind == "editable"):
                if kind == "editable" and not may_change(r, actor):
                    continue
                if needle in r["title"].casefold() or needle == str(r["id"]):
                    out.append((r["id"], r["title"]))
                    if len(out) == CHOICES:
                        break
            return out
        return await self.db.read(tx)

    async def _list(self, guild_id: int, actor: Actor, statuses: tuple[str, ...],
                    own: bool) -> list[SessionView]:
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> list[SessionView]:
            await event_row(conn, guild_id)
            return await session_views(conn, guild_id, actor.user_id, statuses, own)
        return await self.db.read(tx)

    # ---------------------------------------------------------------------------- interest

    async def set_interest(self, guild_id: int, actor: Actor, session_id: int,
                           level: int) -> InterestResult:
        """Set the actor's level (0, 25, 75, 100) in a public session; 0 removes it.

        It writes only the actor's own rows, so presses of many attendees run side by side
        (a `shared` write)."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        session_id = check_id(session_id, "session")
        level = check_level(level)

        async def tx(conn: Tx) -> InterestResult:
            row, verified = await enter(conn, guild_id, actor, session_id)
            if not actor.is_admin:
                if not row["interest_open"]:
                    raise Forbidden(N_("Interest is closed for now."))
                if row["verification_required"] and not verified:
                    raise Forbidden(N_("Verify first: enter the event's code with /verify "
                                       "code:<code> (ask the organisers for the code)."))
            status = row["s_status"]
            if status is None or (status != "public" and row["s_owner_id"] != actor.user_id
                                  and not actor.is_admin):
                raise NotFound(N_("There is no such session."))
            if status != "public":
                raise Conflict(N_("Only public sessions take interest; this one waits for "
                                  "approval.") if status == "pending" else
                               N_("Only public sessions take interest; this one was "
                                  "withdrawn."))
            await sessions.set_level(conn, guild_id, session_id, actor.user_id, level,
                                     now_text())
            return InterestResult(session_id, level, row["s_my_level"], row["s_title"])
        return await self.db.write(tx, guild=guild_id, shared=True)
