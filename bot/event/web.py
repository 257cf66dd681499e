"""The web pages' rules: the links (an event's public key, each attendee's private token) and
the one read a page or feed is rendered from.

A personal token is `secrets.token_urlsafe` shown once to its owner; the database keeps only
its SHA-256, so a copy of the database opens no one's page, and the hash found is compared in
constant time. Every way a link can fail (unknown event, nothing published, wrong, revoked or
another event's token) is the same `NotFound`, so a failure tells a guesser nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import replace
from datetime import date

from bot.event.base import RulesBase, check_actor, check_id, enter
from bot.event.errors import NotFound
from bot.event.models import (
    Actor,
    Entry,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    WebLink,
    WebTimetable,
)
from bot.event.scheduling import _entries_by_slot, _itinerary, _laid_out, _left
from bot.event.times import from_utc_text
from bot.storage import Tx, events, now_text, schedules, timetable
from bot.storage import web as store

TOKEN_BYTES = 32  # 256 bits: 43 URL-safe characters
KEY_BYTES = 16    # the public key only has to be unguessable enough not to be listed
_LINK_TEXT = re.compile(r"[A-Za-z0-9_-]{16,64}")
GONE = "There is no timetable at this address."


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _checked(text: object) -> str:
    """A key or token as it may appear in a link; anything else cannot be one."""
    if not isinstance(text, str) or not _LINK_TEXT.fullmatch(text):
        raise NotFound(GONE)
    return text


class WebRules(RulesBase):
    async def web_link(self, guild_id: int, actor: Actor, *, renew: bool = False) -> WebLink:
        """The event's public key (made on first use) and the actor's private link: a new
        token when they have none or with `renew` (the old one stops working at once)."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> WebLink:
            await enter(conn, guild_id, actor)
            key = await _public_key(conn, guild_id)
            row = await store.personal_link(conn, guild_id, actor.user_id)
            if row is not None and not renew:
                return WebLink(key, None, from_utc_text(row["created_at"]))
            token, now = secrets.token_urlsafe(TOKEN_BYTES), now_text()
            await store.set_personal_link(conn, guild_id, actor.user_id, token_hash(token), now)
            return WebLink(key, token, from_utc_text(now))
        return await self.db.write(tx, guild=guild_id)

    async def revoke_web_link(self, guild_id: int, actor: Actor) -> bool:
        """Stop the actor's private link; False when they had none."""
        guild_id = check_id(guild_id, "server")
        check_actor(actor)

        async def tx(conn: Tx) -> bool:
            await enter(conn, guild_id, actor)
            return await store.delete_personal_link(conn, guild_id, actor.user_id) > 0
        return await self.db.write(tx, guild=guild_id)

    async def web_timetable(self, key: str, token: str | None = None) -> WebTimetable:
        """The published timetable of the event with this public key, and with `token` the
        itinerary of the attendee it belongs to. NotFound, always with the same words, when
        nothing is published (or not shown to attendees yet) or the key or token is wrong."""
        key = _checked(key)
        digest = None if token is None else token_hash(_checked(token))

        async def tx(conn: Tx) -> WebTimetable:
            guild_id = await store.guild_of_key(conn, key)
            ev = None if guild_id is None else await events.get_event(conn, guild_id)
            if ev is None or not ev["schedule_visible"] or ev["published_version_id"] is None:
                raise NotFound(GONE)
            user_id = None
            if digest is not None:
                owner = await store.link_owner(conn, guild_id, digest)
                if owner is None or not hmac.compare_digest(owner["token_hash"], digest):
                    raise NotFound(GONE)
                user_id = owner["user_id"]
            vid = ev["published_version_id"]
            version = await schedules.get_version(conn, guild_id, vid)
            published_at = version["published_at"] or version["created_at"]
            slot_rows = await timetable.slots(conn, guild_id)
            live = await _entries_by_slot(conn, vid)
            by_slot = {s: list(es) for s, es in live.items()}
            seen: set[int] = set()
            for r in await store.cancelled(conn, guild_id):
                if r["session_id"] not in seen:
                    seen.add(r["session_id"])
                    by_slot.setdefault(r["slot_id"], []).append(Entry(
                        session_id=r["session_id"], title=r["title"], owner_id=r["owner_id"],
                        room_id=r["room_id"], room_name=r["room_name"],
                        expected_attendance=r["expected_attendance"], withdrawn=True,
                        length=r["length"]))
            tt = await _laid_out(conn, guild_id, ev, vid, slot_rows, by_slot)
            details = await store.session_details(
                conn, guild_id, sorted({e.session_id for es in by_slot.values() for e in es}))
            hosts = {r["id"]: r["host"] or "" for r in details}
            owners = {e.session_id: e.owner_id for es in by_slot.values() for e in es}
            snap = WebTimetable(
                guild_id=guild_id, event_name=ev["name"],
                published_at=from_utc_text(published_at), timetable=tt, hosts=hosts,
                descriptions={r["id"]: r["description"] for r in details},
                threads={r["id"]: r["thread_id"] for r in details if r["thread_id"]},
                tracks={r["id"]: r["track"] for r in details if r["track"]},
                names={owners[sid]: name for sid, name in hosts.items() if name})
            if user_id is None:
                return snap
            items = await _itinerary(conn, guild_id, user_id, slot_rows, live)
            return replace(snap, user_id=user_id, items=tuple(items),
                           left=await _left(conn, guild_id, user_id, slot_rows, items))
        return await self.db.read(tx)


async def _public_key(conn: Tx, guild_id: int) -> str:
    key = await store.public_key(conn, guild_id)
    if key is None:
        await store.add_public_key(conn, guild_id, secrets.token_urlsafe(KEY_BYTES), now_text())
        key = await store.public_key(conn, guild_id)
    return key


def only(tt: PublishedTimetable, *, day: date | None = None, room_id: int | None = None,
         track: str | None = None, tracks: dict[int, str] | None = None) -> PublishedTimetable:
    """The timetable with only one day, room and/or track: what the page's filters and the
    track feeds show (breaks stay, so the day still reads as it will be lived)."""
    tracks = tracks or {}
    days = []
    for d in tt.days:
        if day is not None and d.date != day:
            continue
        def kept(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
            return tuple(e for e in entries
                         if (room_id is None or e.room_id == room_id)
                         and (track is None or tracks.get(e.session_id) == track))
        days.append(PublishedDay(d.date, d.label, tuple(
            PublishedSlot(ps.slot, kept(ps.entries), kept(ps.continuing)) for ps in d.slots)))
    return PublishedTimetable(tt.version_id, tt.timezone, tuple(days), tt.physical)
