"""The private messages runs of the scheduler report in (`run_replies`), kept while a run goes
on so that whichever process owns the guild when it ends can finish its message.

No actor and no rules: the bot's own records, one transaction per call.
"""

from __future__ import annotations

from bot.storage.database import Database, Row


class RunReplies:
    def __init__(self, db: Database):
        self.db = db

    async def remember(self, run_id: int, guild_id: int, user_id: int, application_id: int,
                       token: str, message_id: int, expires_at: str) -> None:
        await self.db.write(lambda conn: conn.execute(
            "INSERT INTO run_replies (run_id, guild_id, user_id, application_id, token, "
            "message_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (run_id, guild_id, user_id, application_id, token, message_id, expires_at)),
            guild=guild_id)

    async def forget(self, run_id: int) -> None:
        await self.db.write(lambda conn: conn.execute(
            "DELETE FROM run_replies WHERE run_id = ?", (run_id,)))

    async def waiting(self) -> list[Row]:
        """Every message of a run not finished yet, of every guild."""
        return await self.db.read(lambda conn: conn.fetchall(
            "SELECT run_id, guild_id, user_id, application_id, token, message_id, expires_at "
            "FROM run_replies ORDER BY run_id"))
