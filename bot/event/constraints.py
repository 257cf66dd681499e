"""What the engine is told beside interest, set by command: a session's co-hosts, length,
track, pin and the sessions it must not run beside (its hosts' availability is
`SessionScheduling.set_allowed_slots`), the slots each attendee is here, and the day, slot and
room choices the commands offer while people type."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.event import views
from bot.event.base import (
    MAX_LENGTH,
    RulesBase,
    check_actor,
    check_id,
    chosen_slots,
    enter,
    event_row,
    own_or_admin,
    session_view,
    visible_session,
)
from bot.event.errors import Conflict, InvalidInput, NotFound
from bot.event.models import Actor, Pin, SessionScheduling, SessionView, SlotView
from bot.event.text import clean_track
from bot.event.times import from_utc_text, zone
from bot.i18n import ENGLISH, N_, Language
from bot.storage import Row, Tx, constraints, sessions, timetable

#: Hosts a session may have besides its proposer.
MAX_COHOSTS = 10
#: Discord shows at most 25 autocomplete choices.
CHOICES = 25


def _running(row: Row) -> None:
    if row["status"] == "withdrawn":
        raise Conflict(N_("This session was withdrawn; it is no longer scheduled."))


class ConstraintRules(RulesBase):
    async def set_cohosts(self, guild_id: int, actor: Actor, session_id: int,
                          user_ids: list[int] | None = None, *, add: list[int] = (),
                          remove: list[int] = ()) -> SessionView:
        """The session's co-hosts (proposer or admin): `user_ids` replaces them ([] removes
        them all), or `add` and `remove` change them. Co-hosts count as hosts: the scheduler
        never puts them in two places at once."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        session_id = check_id(session_id, "session")
        for given in (user_ids, add, remove):
            if given is not None and not isinstance(given, list | tuple):
                raise InvalidInput(N_("The co-hosts must be a list of users."))
        whole = None if user_ids is None else {check_id(u, "user") for u in user_ids}
        plus = {check_id(u, "user") for u in add}
        minus = {check_id(u, "user") for u in remove}

        async def tx(conn: Tx) -> SessionView:
            await enter(conn, guild_id, actor)
            row = await visible_session(conn, guild_id, session_id, actor)
            own_or_admin(row, actor, "change the hosts of")
            _running(row)
            now = set((await constraints.hosts_of(conn, guild_id, [session_id])).get(
                session_id, ())) if whole is None else whole
            ids = sorted((now | plus) - minus)
            if row["owner_id"] in ids:
                raise InvalidInput(N_("The proposer hosts the session already; name the "
                                      "others."))
            if len(ids) > MAX_COHOSTS:
                raise InvalidInput(N_("A session has at most {max} co-hosts.", max=MAX_COHOSTS))
            await constraints.set_hosts(conn, guild_id, session_id, ids)
            return await session_view(conn, guild_id, session_id, actor.user_id)
        return await self.db.write(tx, guild=guild_id)

    async def set_length(self, guild_id: int, actor: Actor, session_id: int,
                         length: int) -> SessionView:
        """How many consecutive slots of one day, in one room, the session takes (admins)."""
        if isinstance(length, bool) or not isinstance(length, int) or not (
                1 <= length <= MAX_LENGTH):
            raise InvalidInput(N_("A session takes from 1 to {max} consecutive slots.",
                                  max=MAX_LENGTH))
        return await self._admin_session_change(guild_id, actor, session_id,
                                                {"length": length})

    async def set_track(self, guild_id: int, actor: Actor, session_id: int,
                        track: str | None) -> SessionView:
        """The session's track (admins); None or "" removes it."""
        return await self._admin_session_change(
            guild_id, actor, session_id, {"track": clean_track(track) if track else None})

    async def _admin_session_change(self, guild_id: int, actor: Actor, session_id: int,
                                    changes: dict[str, object]) -> SessionView:
        session_id = check_id(session_id, "session")

        async def fn(conn: Tx, ev: Row) -> SessionView:
            row = await visible_session(conn, guild_id, session_id, actor)
            _running(row)
            await sessions.update_session(conn, guild_id, session_id, changes)
            return await session_view(conn, guild_id, session_id, actor.user_id)
        return await self._admin_write(guild_id, actor, fn)

    async def set_not_in_parallel(self, guild_id: int, actor: Actor, session_id: int,
                                  other_id: int, apart: bool = True) -> tuple[str, str]:
        """Keep two sessions out of the same slot (`apart`), or let them share one again
        (admins). Returns their titles."""
        session_id = check_id(session_id, "session")
        other_id = check_id(other_id, "session")
        if session_id == other_id:
            raise InvalidInput(N_("Choose two different sessions."))
        if not isinstance(apart, bool):
            raise InvalidInput(N_("Say whether the sessions must be apart (true or false)."))

        async def fn(conn: Tx, ev: Row) -> tuple[str, str]:
            one = await visible_session(conn, guild_id, session_id, actor)
            two = await visible_session(conn, guild_id, other_id, actor)
            if apart:
                _running(one)
                _running(two)
            a, b = sorted((session_id, other_id))
            await constraints.set_not_in_parallel(conn, guild_id, a, b, apart)
            return one["title"], two["title"]
        return await self._admin_write(guild_id, actor, fn)

    async def pin(self, guild_id: int, actor: Actor, session_id: int, slot_id: int | None,
                  room_id: int | None = None) -> Pin:
        """Pin a session to a slot, and optionally a room (admins); the scheduler places it
        there whatever its hosts said. `slot_id` None unpins it."""
        session_id = check_id(session_id, "session")
        slot_id = None if slot_id is None else check_id(slot_id, "slot")
        room_id = None if room_id is None else check_id(room_id, "room")
        if slot_id is None and room_id is not None:
            raise InvalidInput(N_("Choose the slot as well as the room."))

        async def fn(conn: Tx, ev: Row) -> Pin:
            row = await visible_session(conn, guild_id, session_id, actor)
            slot = room = None
            if slot_id is not None:
                _running(row)
                slot = await timetable.get_slot(conn, guild_id, slot_id)
                if slot is None:
                    raise NotFound(N_("There is no such slot."))
                if slot["is_break"]:
                    raise InvalidInput(N_("A session cannot be pinned to a break."))
                slot_rows = await timetable.slots(conn, guild_id)
                run = timetable.covered(slot_rows, slot_id, row["length"])
                if len(run) < row["length"]:
                    raise InvalidInput(N_(
                        "This session takes {n} consecutive slots, and fewer follow that slot "
                        "on its day before a break or the day's end: pin it to the slot it "
                        "starts in.", n=row["length"]))
                if room_id is not None:
                    room = await timetable.get_room(conn, guild_id, room_id)
                    if room is None:
                        raise NotFound(N_("There is no such room."))
                    mine = {r["id"] for r in run}
                    for p in await constraints.pins(conn, guild_id):
                        if p["session_id"] == session_id or p["room_id"] != room_id:
                            continue
                        if p["slot_id"] == slot_id:
                            raise Conflict(N_("Session #{id} is pinned to that slot and room "
                                              "already.", id=p["session_id"]))
                        theirs = timetable.covered(slot_rows, p["slot_id"], p["length"])
                        if mine & {r["id"] for r in theirs}:  # sessions of several slots
                            raise Conflict(N_(
                                "Session #{id} is pinned to that room in a slot this session "
                                "would run through.", id=p["session_id"]))
            await constraints.set_pin(conn, guild_id, session_id, slot_id, room_id)
            return Pin(session_id, row["title"], None if slot is None else views.slot(slot),
                       None if room is None else views.room(room),
                       _ends(run) if slot is not None else None)
        return await self._admin_write(guild_id, actor, fn)

    async def session_scheduling(self, guild_id: int, actor: Actor,
                                 session_id: int) -> SessionScheduling:
        """Everything the scheduler is told about one session (proposer or admin)."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        session_id = check_id(session_id, "session")

        async def tx(conn: Tx) -> SessionScheduling:
            await event_row(conn, guild_id)
            row = await visible_session(conn, guild_id, session_id, actor)
            own_or_admin(row, actor, "see the scheduling of")
            s = await session_view(conn, guild_id, session_id, actor.user_id)
            slots = {r["id"]: r for r in await timetable.slots(conn, guild_id)}
            rooms = {r["id"]: r for r in await timetable.rooms(conn, guild_id)}
            pin = next((p for p in await constraints.pins(conn, guild_id)
                        if p["session_id"] == session_id), None)
            pinned = None if pin is None else Pin(
                session_id, s.title, views.slot(slots[pin["slot_id"]]),
                None if pin["room_id"] is None else views.room(rooms[pin["room_id"]]),
                _ends(timetable.covered(list(slots.values()), pin["slot_id"], s.length)))
            apart = sorted({b if a == session_id else a
                            for a, b in await constraints.not_in_parallel(conn, guild_id)
                            if session_id in (a, b)})
            return SessionScheduling(
                session=s, pin=pinned,
                allowed=tuple(views.slot(slots[x]) for x in s.allowed_slot_ids or ()
                              if x in slots),
                not_in_parallel=tuple(apart))
        return await self.db.read(tx)

    # ------------------------------------------------------------------ attendees

    async def set_availability(self, guild_id: int, actor: Actor, *,
                               slot_ids: list[int] | None = None,
                               day_ids: list[int] | None = None) -> tuple[SlotView, ...]:
        """The slots the actor is here: the given slots and every slot of the given days,
        replacing what they said before; nothing given means every slot again. The
        scheduler expects them only there."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        if actor.is_system:
            raise InvalidInput(N_("Only attendees say when they are here."))

        async def tx(conn: Tx) -> tuple[SlotView, ...]:
            await enter(conn, guild_id, actor)
            ids = await chosen_slots(conn, guild_id, slot_ids, day_ids)
            await constraints.set_availability(conn, guild_id, actor.user_id, ids)
            return await _mine(conn, guild_id, actor.user_id)
        return await self.db.write(tx, guild=guild_id)

    async def availability(self, guild_id: int, actor: Actor) -> tuple[SlotView, ...]:
        """The slots the actor said they are here; () when they said nothing (every slot)."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> tuple[SlotView, ...]:
            await event_row(conn, guild_id)
            return await _mine(conn, guild_id, actor.user_id)
        return await self.db.read(tx)

    # ------------------------------------------------------------------ autocomplete

    async def timetable_choices(self, guild_id: int, actor: Actor,
                                kind: Literal["day", "slot", "any-slot", "room"], typed: str,
                                *, language: Language = ENGLISH) -> list[tuple[int, str]]:
        """(id, words) of the first `CHOICES` days, slots (breaks too for "any-slot") or rooms
        whose words contain what the user typed (any case), or whose number it is (first),
        for autocomplete; the words in `language` (the reader's). Times are the event's local
        times."""
        t = language
        guild_id = check_id(guild_id, "server")
        check_actor(actor)
        if kind not in ("day", "slot", "any-slot", "room"):
            raise InvalidInput(N_("Choose days, slots or rooms."))
        needle = str(typed).casefold().strip().lstrip("#")

        async def tx(conn: Tx) -> list[tuple[int, str]]:
            ev = await event_row(conn, guild_id)
            tz = zone(ev["timezone"])
            days = {d["id"]: d for d in await timetable.days(conn, guild_id)}
            if kind == "room":
                found = [(r["id"], t.ngettext("Room #{id}: {name} ({n} seat)",
                                              "Room #{id}: {name} ({n} seats)", r["capacity"],
                                              id=r["id"], name=r["name"]))
                         for r in await timetable.rooms(conn, guild_id)]
            elif kind == "day":
                found = []
                for d in days.values():
                    when = views.day(d, []).date
                    words = t.gettext("Day #{id}: {day} {date}", id=d["id"], day=t.day(when),
                                      date=when.isoformat())
                    found.append((d["id"], words + (f" · {d['label']}" if d["label"] else "")))
            else:
                found = []
                for r in await timetable.slots(conn, guild_id):
                    if r["is_break"] and kind == "slot":
                        continue
                    s = views.slot(r)
                    start, end = s.start.astimezone(tz), s.end.astimezone(tz)
                    words = (t.gettext("Slot #{id}: {day} {start}–{end} · break", id=s.id,
                                       day=t.day(start.date()), start=start.strftime("%H:%M"),
                                       end=end.strftime("%H:%M")) if s.is_break else
                             t.gettext("Slot #{id}: {day} {start}–{end}", id=s.id,
                                       day=t.day(start.date()), start=start.strftime("%H:%M"),
                                       end=end.strftime("%H:%M")))
                    found.append((s.id, words + (f" · {s.label}" if s.label else "")))
            exact = [(i, w) for i, w in found if needle == str(i)]  # its number first
            return [(i, words[:100]) for i, words in exact + [
                (i, w) for i, w in found if needle in w.casefold() and needle != str(i)]
            ][:CHOICES]
        return await self.db.read(tx)


def _ends(run: list[Row]) -> datetime | None:
    """When a session pinned over these slots ends, if it takes several."""
    return from_utc_text(run[-1]["end_utc"]) if len(run) > 1 else None


async def _mine(conn: Tx, guild_id: int, user_id: int) -> tuple[SlotView, ...]:
    mine = set((await constraints.availability(conn, guild_id, user_id)).get(user_id, ()))
    return tuple(views.slot(r) for r in await timetable.slots(conn, guild_id) if r["id"] in mine)
