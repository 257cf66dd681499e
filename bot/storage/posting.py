"""Bookkeeping for what the bot posts: messages it edits later (the timetable on re-publish,
a session's post when the session changes), and announcements already sent (claimed before
sending, so a restart never doubles one).

No actor and no rules: these are the bot's own records, one transaction per call.
"""

from __future__ import annotations

from bot.storage.database import Database, Tx, claim, now_text

#: The kind of a session's own post; its key is the session's id (an import renumbers it).
SESSION_POST = "session"


class PostingStore:
    def __init__(self, db: Database):
        self.db = db

    async def posted_messages(self, guild_id: int, kind: str) -> dict[str, tuple[int, int]]:
        """key → (channel id, message id) of the messages of one kind (e.g. "timetable")."""
        rows = await self.db.read(lambda conn: conn.fetchall(
            "SELECT key, channel_id, message_id FROM posted_messages WHERE guild_id = ? "
            "AND kind = ?", (guild_id, kind)))
        return {r["key"]: (r["channel_id"], r["message_id"]) for r in rows}

    async def set_posted_messages(self, guild_id: int, kind: str,
                                  messages: dict[str, tuple[int, int]]) -> None:
        async def tx(conn: Tx) -> None:
            await conn.execute("DELETE FROM posted_messages WHERE guild_id = ? AND kind = ?",
                               (guild_id, kind))
            if messages:
                await conn.executemany(
                    "INSERT INTO posted_messages (guild_id, kind, key, channel_id, message_id) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(guild_id, kind, k, c, m) for k, (c, m) in messages.items()])
        await self.db.write(tx, guild=guild_id)

    async def posted_message(self, guild_id: int, kind: str, key: str
                             ) -> tuple[int, int] | None:
        """(channel id, message id) of one posted message (e.g. a session's post), or None."""
        row = await self.db.read(lambda conn: conn.fetchone(
            "SELECT channel_id, message_id FROM posted_messages WHERE guild_id = ? AND kind = ? "
            "AND key = ?", (guild_id, kind, key)))
        return None if row is None else (row["channel_id"], row["message_id"])

    async def set_posted_message(self, guild_id: int, kind: str, key: str, channel_id: int,
                                 message_id: int) -> None:
        """Record one posted message, replacing the one recorded under the same key."""
        await self.db.write(lambda conn: conn.execute(
            "INSERT INTO posted_messages (guild_id, kind, key, channel_id, message_id) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, kind, key) DO UPDATE SET "
            "channel_id = excluded.channel_id, message_id = excluded.message_id",
            (guild_id, kind, key, channel_id, message_id)), guild=guild_id)

    async def claim_announcement(self, guild_id: int, key: str, kind: str, holder: str,
                                 take_over: tuple[str, str]) -> bool:
        """True exactly once per (guild, key, kind): the caller, `holder`, then sends it and
        calls `announcement_sent`. A claim another holder left unsent (a process killed while
        sending) is taken over when it was made within `take_over` (from, to instants)."""
        return await self.db.write(lambda conn: claim(
            conn, "INSERT INTO sent_announcements (guild_id, key, kind, sent_at, holder) "
            "VALUES (?, ?, ?, ?, ?)", (guild_id, key, kind, now_text(), holder),
            take_over=("sent_announcements", "guild_id, key, kind", take_over)),
            guild=guild_id)

    async def announcement_sent(self, guild_id: int, key: str, kind: str) -> None:
        """Discord has the announcement: the claim is done."""
        await self.db.write(lambda conn: conn.execute(
            "UPDATE sent_announcements SET holder = NULL WHERE guild_id = ? AND key = ? "
            "AND kind = ?", (guild_id, key, kind)), guild=guild_id)

    async def release_announcement(self, guild_id: int, key: str, kind: str) -> None:
        """Undo a claim whose sending failed, so that it is tried again."""
        await self.db.write(lambda conn: conn.execute(
            "DELETE FROM sent_announcements WHERE guild_id = ? AND key = ? AND kind = ?",
            (guild_id, key, kind)), guild=guild_id)

    async def published_guilds(self) -> list[int]:
        rows = await self.db.read(lambda conn: conn.fetchall(
            "SELECT guild_id FROM events WHERE published_version_id IS NOT NULL "
            "ORDER BY guild_id"))
        return [r["guild_id"] for r in rows]
