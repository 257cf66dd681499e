"""Bookkeeping for what the bot posts: timetable messages it edits on re-publish, and
announcements already sent (claimed before sending, so a restart never doubles one).

Kept apart from `EventService` (no actor, no rules): these are the bot's own records.
"""

from __future__ import annotations

from bot.event.times import now_text
from bot.storage import Database, posts


class PostingStore:
    def __init__(self, db: Database):
        self.db = db

    async def posted_messages(self, guild_id: int, kind: str) -> dict[str, tuple[int, int]]:
        """key → (channel id, message id) of the messages of one kind (e.g. "timetable")."""
        rows = await self.db.read(lambda conn: posts.posted(conn, guild_id, kind))
        return {r["key"]: (r["channel_id"], r["message_id"]) for r in rows}

    async def set_posted_messages(self, guild_id: int, kind: str,
                                  messages: dict[str, tuple[int, int]]) -> None:
        rows = [(k, c, m) for k, (c, m) in messages.items()]
        await self.db.write(lambda conn: posts.replace_posted(conn, guild_id, kind, rows))

    async def claim_announcement(self, guild_id: int, key: str, kind: str) -> bool:
        """True exactly once per (guild, key, kind): the caller then sends it."""
        now = now_text()
        return await self.db.write(lambda conn: posts.claim(conn, guild_id, key, kind, now))

    async def release_announcement(self, guild_id: int, key: str, kind: str) -> None:
        """Undo a claim whose sending failed, so that it is tried again."""
        await self.db.write(lambda conn: posts.unclaim(conn, guild_id, key, kind))

    async def published_guilds(self) -> list[int]:
        return await self.db.read(posts.published_guilds)

    async def over_capacity(self, guild_id: int, version_id: int
                            ) -> list[tuple[str, str, int, int]]:
        """(session title, room, expected attendance, capacity) where a room is too small."""
        rows = await self.db.read(lambda conn: posts.over_capacity(conn, guild_id, version_id))
        return [(r["title"], r["room"], r["expected_attendance"], r["capacity"]) for r in rows]
