"""Records of what the bot mirrors into Discord: the scheduled event it created for each placed
session (with a fingerprint of what it sent), and the discussion thread of each session.

No actor and no rules: the bot's own records, one transaction per call. What Discord should
show is planned in bot/event/mirror.py and sent by bot/discord/mirror.py and threads.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.storage.database import Database, Tx, claim
from bot.storage.timetable import covered, slots


@dataclass(frozen=True, slots=True)
class MirrorItem:
    """One placed session of the published schedule."""

    session_id: int
    title: str
    description: str
    start: datetime  # aware, UTC
    end: datetime
    room_name: str
    voice_channel_id: int | None


@dataclass(frozen=True, slots=True)
class Mirrored:
    event_id: int
    fingerprint: str


@dataclass(frozen=True, slots=True)
class SessionThread:
    session_id: int
    channel_id: int
    message_id: int
    thread_id: int


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class MirrorStore:
    def __init__(self, db: Database):
        self.db = db

    async def wanted(self, guild_id: int) -> tuple[bool, list[MirrorItem]]:
        """(switch on?, placed sessions of the published version, withdrawn ones left out).
        Off when the guild has no event."""
        async def tx(conn: Tx) -> tuple[bool, list[MirrorItem]]:
            on = await conn.fetchval("SELECT mirror_events FROM events WHERE guild_id = ?",
                                     (guild_id,))
            if not on:
                return False, []
            slot_rows = await slots(conn, guild_id)
            rows = await conn.fetchall(
                "SELECT p.session_id, p.slot_id, p.length, s.title, s.description, "
                "sl.start_utc, sl.end_utc, "
                "r.name AS room_name, r.voice_channel_id "
                "FROM events e JOIN placements p ON p.version_id = e.published_version_id "
                "JOIN sessions s ON s.id = p.session_id JOIN slots sl ON sl.id = p.slot_id "
                "JOIN rooms r ON r.id = p.room_id "
                "WHERE e.guild_id = ? AND s.status <> 'withdrawn' "
                "ORDER BY sl.start_utc, r.id, p.session_id", (guild_id,))
            return True, [MirrorItem(
                session_id=r["session_id"], title=r["title"], description=r["description"],
                start=_instant(r["start_utc"]),
                end=_instant(covered(slot_rows, r["slot_id"], r["length"])[-1]["end_utc"]),
                room_name=r["room_name"], voice_channel_id=r["voice_channel_id"]) for r in rows]
        return await self.db.read(tx)

    async def mirrored(self, guild_id: int) -> dict[int, Mirrored]:
        rows = await self.db.read(lambda conn: conn.fetchall(
            "SELECT session_id, discord_event_id, fingerprint FROM mirrored_events "
            "WHERE guild_id = ? ORDER BY session_id", (guild_id,)))
        return {r["session_id"]: Mirrored(r["discord_event_id"], r["fingerprint"]) for r in rows}

    async def remember(self, guild_id: int, session_id: int, event_id: int, fp: str) -> None:
        await self.db.write(lambda conn: conn.execute(
            "INSERT INTO mirrored_events (guild_id, session_id, discord_event_id, fingerprint) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, session_id) DO UPDATE SET "
            "discord_event_id = excluded.discord_event_id, fingerprint = excluded.fingerprint",
            (guild_id, session_id, event_id, fp)), guild=guild_id)

    async def forget(self, guild_id: int, session_id: int) -> None:
        await self.db.write(lambda conn: conn.execute(
            "DELETE FROM mirrored_events WHERE guild_id = ? AND session_id = ?",
            (guild_id, session_id)), guild=guild_id)

    # ----------------------------------------------------------------------- session threads

    async def threads(self, guild_id: int) -> dict[int, int]:
        """session id → thread id."""
        rows = await self.db.read(lambda conn: conn.fetchall(
            "SELECT session_id, thread_id FROM session_threads WHERE guild_id = ?",
            (guild_id,)))
        return {r["session_id"]: r["thread_id"] for r in rows}

    async def thread_of(self, guild_id: int, session_id: int) -> SessionThread | None:
        row = await self.db.read(lambda conn: conn.fetchone(
            "SELECT session_id, channel_id, message_id, thread_id FROM session_threads "
            "WHERE guild_id = ? AND session_id = ?", (guild_id, session_id)))
        return None if row is None else SessionThread(
            row["session_id"], row["channel_id"], row["message_id"], row["thread_id"])

    async def add_thread(self, guild_id: int, t: SessionThread) -> bool:
        """False when the session had a thread already (that one stays)."""
        return await self.db.write(lambda conn: claim(
            conn, "INSERT INTO session_threads (guild_id, session_id, channel_id, message_id, "
            "thread_id) VALUES (?, ?, ?, ?, ?)",
            (guild_id, t.session_id, t.channel_id, t.message_id, t.thread_id)), guild=guild_id)
