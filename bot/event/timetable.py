"""Days, slots, breaks and rooms: by command or imported from TOML."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from datetime import time as dtime

from bot.event import views
from bot.event.base import (
    UNSET,
    RulesBase,
    check_actor,
    check_bool,
    check_id,
    check_missing,
    event_row,
    published_count_message,
    require_admin,
)
from bot.event.errors import Conflict, InvalidInput, NotFound
from bot.event.models import (
    Actor,
    DayView,
    RoomView,
    SlotView,
    TimetableImport,
    TimetableView,
)
from bot.event.text import clean_title, title_key
from bot.event.times import parse_date, parse_time, to_utc_text, zone
from bot.event.timetable_toml import parse_room, parse_timetable
from bot.event.uploads import off_loop
from bot.i18n import N_, NP_
from bot.storage import Row, Tx, events, schedules, timetable


class TimetableRules(RulesBase):
    async def timetable(self, guild_id: int, actor: Actor) -> TimetableView:
        """Days (with their slots) and rooms."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> TimetableView:
            ev = await event_row(conn, guild_id)
            slot_rows = await timetable.slots(conn, guild_id)
            return TimetableView(
                timezone=ev["timezone"],
                days=tuple(views.day(d, slot_rows) for d in await timetable.days(conn, guild_id)),
                rooms=tuple(views.room(r) for r in await timetable.rooms(conn, guild_id)))
        return await self.db.read(tx)

    async def add_day(self, guild_id: int, actor: Actor, day: date | str,
                      label: str = "") -> DayView:
        d = parse_date(day)
        label = clean_title(label, field="day label") if label else ""

        async def fn(conn: Tx, ev: Row) -> DayView:
            if await timetable.day_by_date(conn, guild_id, d.isoformat()):
                raise Conflict(N_("There is already a day on {date}.", date=d.isoformat()))
            day_id = await timetable.insert_day(conn, guild_id, d.isoformat(), label)
            return views.day(await timetable.get_day(conn, guild_id, day_id), [])
        return await self._admin_write(guild_id, actor, fn)

    async def edit_day(self, guild_id: int, actor: Actor, day_id: int, *,
                       label: str | None = None) -> DayView:
        """Relabel a day (moving a day's date: remove it and add a new one)."""
        day_id = check_id(day_id, "day")
        changes = {"label": clean_title(label, field="day label") if label else ""}

        async def fn(conn: Tx, ev: Row) -> DayView:
            if await timetable.get_day(conn, guild_id, day_id) is None:
                raise NotFound(N_("There is no such day."))
            await timetable.update_day(conn, guild_id, day_id, changes)
            return views.day(await timetable.get_day(conn, guild_id, day_id),
                             await timetable.slots(conn, guild_id))
        return await self._admin_write(guild_id, actor, fn)

    async def remove_day(self, guild_id: int, actor: Actor, day_id: int,
                         force: bool = False) -> None:
        await self._remove(guild_id, actor, "day", day_id, force, timetable.get_day,
                           timetable.delete_day)

    async def add_slot(self, guild_id: int, actor: Actor, day_id: int, start: dtime | str,
                       end: dtime | str, is_break: bool = False, label: str = "") -> SlotView:
        """A slot on a day, times local to the event's timezone."""
        day_id = check_id(day_id, "day")
        t0, t1 = parse_time(start, "start"), parse_time(end, "end")
        is_break = check_bool(is_break, N_("Break"))
        label = clean_title(label, field="slot label") if label else ""

        async def fn(conn: Tx, ev: Row) -> SlotView:
            day = await timetable.get_day(conn, guild_id, day_id)
            if day is None:
                raise NotFound(N_("There is no such day."))
            tz = zone(ev["timezone"])
            d = date.fromisoformat(day["date"])
            s, e = to_utc_text(d, t0, tz), to_utc_text(d, t1, tz)
            await _check_slot_times(conn, guild_id, s, e, None)
            dv = views.day(day, await timetable.slots(conn, guild_id))
            if dv.final:
                raise Conflict(N_("This day is final (all its slots are locked): unlock a slot "
                                  "first."))
            before = await _long_spans(conn, guild_id, ev)
            sid = await timetable.insert_slot(conn, guild_id, day_id, s, e, is_break, label)
            await _spans_kept(conn, guild_id, ev, before)
            return views.slot(await timetable.get_slot(conn, guild_id, sid))
        return await self._admin_write(guild_id, actor, fn)

    async def edit_slot(self, guild_id: int, actor: Actor, slot_id: int, *,
                        start: dtime | str | None = None, end: dtime | str | None = None,
                        is_break: bool | None = None, label: str | None = None,
                        force: bool = False) -> SlotView:
        """Change a slot. Turning a slot holding published sessions into a break needs force."""
        slot_id = check_id(slot_id, "slot")
        t0 = parse_time(start, "start") if start is not None else None
        t1 = parse_time(end, "end") if end is not None else None
        if is_break is not None:
            check_bool(is_break, N_("Break"))
        force = check_bool(force, N_("Force"))
        new_label = clean_title(label, field="slot label") if label else label

        async def fn(conn: Tx, ev: Row) -> SlotView:
            row = await timetable.get_slot(conn, guild_id, slot_id)
            if row is None:
                raise NotFound(N_("There is no such slot."))
            if row["locked"]:
                raise Conflict(N_("This slot is locked: unlock it first."))
            day = await timetable.get_day(conn, guild_id, row["day_id"])
            tz = zone(ev["timezone"])
            d = date.fromisoformat(day["date"])
            changes: dict[str, object] = {}
            if t0 is not None:
                changes["start_utc"] = to_utc_text(d, t0, tz)
            if t1 is not None:
                changes["end_utc"] = to_utc_text(d, t1, tz)
            if changes:
                await _check_slot_times(conn, guild_id,
                                        changes.get("start_utc", row["start_utc"]),
                                        changes.get("end_utc", row["end_utc"]), slot_id)
            if is_break is not None:
                if is_break and not row["is_break"]:
                    over = await _running_over(conn, guild_id, ev, slot_id)
                    n = await schedules.count_published_in(conn, guild_id, slot_id=slot_id)
                    if n + len(over) and not force:
                        raise Conflict(published_count_message(n + len(over), "slot"))
                    await schedules.unschedule_slot(conn, slot_id)
                    await schedules.unschedule(conn, ev["published_version_id"], over)
                changes["is_break"] = is_break
            if new_label is not None:
                changes["label"] = new_label
            before = await _long_spans(conn, guild_id, ev)
            await timetable.update_slot(conn, guild_id, slot_id, changes)
            await _spans_kept(conn, guild_id, ev, before)
            return views.slot(await timetable.get_slot(conn, guild_id, slot_id))
        return await self._admin_write(guild_id, actor, fn)

    async def remove_slot(self, guild_id: int, actor: Actor, slot_id: int,
                          force: bool = False) -> None:
        def unlocked(row: Row) -> None:
            if row["locked"]:
                raise Conflict(N_("This slot is locked: unlock it first."))
        await self._remove(guild_id, actor, "slot", slot_id, force, timetable.get_slot,
                           timetable.delete_slot, check=unlocked)

    async def lock_slot(self, guild_id: int, actor: Actor, slot_id: int) -> SlotView:
        """Keep this slot's published sessions where they are when the scheduler runs again."""
        return await self._set_lock(guild_id, actor, slot_id, True)

    async def unlock_slot(self, guild_id: int, actor: Actor, slot_id: int) -> SlotView:
        return await self._set_lock(guild_id, actor, slot_id, False)

    async def _set_lock(self, guild_id: int, actor: Actor, slot_id: int,
                        locked: bool) -> SlotView:
        slot_id = check_id(slot_id, "slot")

        async def fn(conn: Tx, ev: Row) -> SlotView:
            if await timetable.get_slot(conn, guild_id, slot_id) is None:
                raise NotFound(N_("There is no such slot."))
            await timetable.update_slot(conn, guild_id, slot_id, {"locked": locked})
            return views.slot(await timetable.get_slot(conn, guild_id, slot_id))
        return await self._admin_write(guild_id, actor, fn)

    async def add_room(self, guild_id: int, actor: Actor, name: str, capacity: int,
                       link: str | None = None, voice_channel_id: int | None = None) -> RoomView:
        room = parse_room({k: v for k, v in {"name": name, "capacity": capacity, "link": link,
                                              "voice_channel_id": voice_channel_id}.items()
                           if v is not None}, "the room")
        key = title_key(room.name)

        async def fn(conn: Tx, ev: Row) -> RoomView:
            if await timetable.room_name_taken(conn, guild_id, key):
                raise Conflict(N_("There is already a room called “{name}”.", name=room.name))
            rid = await timetable.insert_room(conn, guild_id, room.name, key, room.capacity,
                                              room.link, room.voice_channel_id)
            return views.room(await timetable.get_room(conn, guild_id, rid))
        return await self._admin_write(guild_id, actor, fn)

    async def edit_room(self, guild_id: int, actor: Actor, room_id: int, *,
                        name: str | None = None, capacity: int | None = None,
                        link: str | None = UNSET,
                        voice_channel_id: int | None = UNSET) -> RoomView:
        """Change a room; link/voice channel None clears them."""
        room_id = check_id(room_id, "room")

        async def fn(conn: Tx, ev: Row) -> RoomView:
            row = await timetable.get_room(conn, guild_id, room_id)
            if row is None:
                raise NotFound(N_("There is no such room."))
            merged = {"name": row["name"] if name is None else name,
                      "capacity": row["capacity"] if capacity is None else capacity,
                      "link": row["link"] if link is UNSET else link,
                      "voice_channel_id": (row["voice_channel_id"] if voice_channel_id is UNSET
                                           else voice_channel_id)}
            room = parse_room({k: v for k, v in merged.items() if v is not None}, "the room")
            key = title_key(room.name)
            if await timetable.room_name_taken(conn, guild_id, key, exclude_id=room_id):
                raise Conflict(N_("There is already a room called “{name}”.", name=room.name))
            await timetable.update_room(conn, guild_id, room_id, {
                "name": room.name, "name_key": key, "capacity": room.capacity,
                "link": room.link, "voice_channel_id": room.voice_channel_id})
            return views.room(await timetable.get_room(conn, guild_id, room_id))
        return await self._admin_write(guild_id, actor, fn)

    async def remove_room(self, guild_id: int, actor: Actor, room_id: int,
                          force: bool = False) -> None:
        await self._remove(guild_id, actor, "room", room_id, force, timetable.get_room,
                           timetable.delete_room)

    async def _remove(self, guild_id: int, actor: Actor, kind: str, item_id: int, force: bool,
                      get: Callable[[Tx, int, int], Awaitable[Row | None]],
                      delete: Callable[[Tx, int, int], Awaitable[None]],
                      check: Callable[[Row], None] | None = None) -> None:
        """Remove a day, slot or room; one holding published sessions needs `force`, which
        unschedules them."""
        item_id = check_id(item_id, kind)
        force = check_bool(force, N_("Force"))

        async def fn(conn: Tx, ev: Row) -> None:
            row = await get(conn, guild_id, item_id)
            if row is None:
                raise NotFound(check_missing(kind))
            if check is not None:
                check(row)
            n = await schedules.count_published_in(conn, guild_id, **{f"{kind}_id": item_id})
            over = (await _running_over(conn, guild_id, ev, item_id) if kind == "slot"
                    else [])
            if n + len(over) and not force:
                raise Conflict(published_count_message(n + len(over), kind))
            await schedules.unschedule(conn, ev["published_version_id"], over)
            await delete(conn, guild_id, item_id)
        await self._admin_write(guild_id, actor, fn)

    async def import_timetable_toml(self, guild_id: int, actor: Actor, text: str | bytes,
                                    force: bool = False) -> TimetableImport:
        """Replace days, slots, breaks and rooms by a TOML file (format: bot.event.timetable_toml),
        given as text or as the uploaded file's bytes; parsed off the event loop.

        Refused (Conflict) while a published schedule uses the current timetable, unless forced.
        """
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        force = check_bool(force, N_("Force"))
        tz_default = (await self.db.read(lambda conn: event_row(conn, guild_id)))["timezone"]
        parsed = await off_loop(parse_timetable, text, tz_default)
        keys = [title_key(r.name) for r in parsed.rooms]
        if len(set(keys)) != len(keys):
            raise InvalidInput(N_("Two rooms in the file have the same name."))

        async def fn(conn: Tx, ev: Row) -> TimetableImport:
            n = await schedules.count_published_in(conn, guild_id)
            if n and not force:
                raise Conflict(NP_(
                    "The published schedule places {n} session in the current timetable; "
                    "import with force to replace it anyway.",
                    "The published schedule places {n} sessions in the current timetable; "
                    "import with force to replace it anyway.", n))
            await timetable.delete_timetable(conn, guild_id)
            if parsed.timezone != ev["timezone"]:
                await events.update_event(conn, guild_id, {"timezone": parsed.timezone})
            slots = breaks = 0
            for d in parsed.days:
                day_id = await timetable.insert_day(conn, guild_id, d.date.isoformat(), d.label)
                for s in d.slots:
                    await timetable.insert_slot(conn, guild_id, day_id, s.start_utc, s.end_utc,
                                                s.is_break, s.label)
                    slots += 1
                    breaks += s.is_break
            for r, key in zip(parsed.rooms, keys, strict=True):
                await timetable.insert_room(conn, guild_id, r.name, key, r.capacity, r.link,
                                            r.voice_channel_id)
            return TimetableImport(days=len(parsed.days), slots=slots, breaks=breaks,
                                   rooms=len(parsed.rooms))
        return await self._admin_write(guild_id, actor, fn)


async def _running_over(conn: Tx, guild_id: int, ev: Row, slot_id: int) -> list[int]:
    """The published sessions of several slots that take this slot but start before it."""
    if ev["published_version_id"] is None:
        return []
    slot_rows = await timetable.slots(conn, guild_id)
    return [p["session_id"]
            for p in await schedules.placements(conn, ev["published_version_id"])
            if p["length"] > 1 and p["status"] != "withdrawn" and p["slot_id"] != slot_id
            and slot_id in {r["id"] for r in timetable.covered(slot_rows, p["slot_id"],
                                                                p["length"])}]


async def _long_spans(conn: Tx, guild_id: int, ev: Row) -> dict[int, list[int]]:
    """The slots each published session of several slots takes now (a withdrawn one takes
    none)."""
    if ev["published_version_id"] is None:
        return {}
    slot_rows = await timetable.slots(conn, guild_id)
    return {p["session_id"]: [r["id"] for r in timetable.covered(slot_rows, p["slot_id"],
                                                                 p["length"])]
            for p in await schedules.placements(conn, ev["published_version_id"])
            if p["length"] > 1 and p["status"] != "withdrawn"}


async def _spans_kept(conn: Tx, guild_id: int, ev: Row, before: dict[int, list[int]]) -> None:
    """Refuse a change of slots that would change the slots a published session of several
    slots takes (a slot added or moved among them): it would take other slots than
    published. Turning one into a break or removing it is the way (with force)."""
    after = await _long_spans(conn, guild_id, ev)
    moved = sorted(sid for sid, run in before.items() if after.get(sid) != run)
    if moved:
        raise Conflict(N_("Session #{session} of the published schedule takes several "
                          "slots, and this would change which: publish a schedule without it "
                          "first, or turn one of its slots into a break (with force) to "
                          "unschedule it.", session=moved[0]))


async def _check_slot_times(conn: Tx, guild_id: int, s: str, e: str, exclude: int | None) -> None:
    if e <= s:
        raise InvalidInput(N_("A slot must end after it starts."))
    if await timetable.overlapping_slot(conn, guild_id, s, e, exclude) is not None:
        raise Conflict(N_("This slot would overlap another slot."))
