"""The shards' gateway sessions as their processes report them (`shard_connections`), and the
timed messages being sent right now: what `session-scheduler status` reads beside the locks.

No actor and no rules: the bot's own records, one transaction per call.
"""

from __future__ import annotations

from bot.storage.database import Database, Row, Tx, now_text


class ConnectionStore:
    def __init__(self, db: Database):
        self.db = db

    async def record(self, shard_count: int, shard_id: int, process: str, host: str, pid: int,
                     state: str, latency: float | None) -> None:
        """The shard's session changed (`state`) in this process; it replaces whatever the
        shard's previous process left."""
        now = now_text()
        await self.db.write(lambda conn: conn.execute(
            "INSERT INTO shard_connections (shard_count, shard_id, process, host, pid, state, "
            "changed_at, latency, latency_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (shard_count, shard_id) DO UPDATE SET process = excluded.process, "
            "host = excluded.host, pid = excluded.pid, state = excluded.state, "
            "changed_at = excluded.changed_at, latency = excluded.latency, "
            "latency_at = excluded.latency_at",
            (shard_count, shard_id, process, host, pid, state, now, latency,
             None if latency is None else now)))

    async def record_latency(self, shard_count: int, shard_id: int, process: str,
                             latency: float) -> None:
        """The gateway's latency now, on the shard's row while this process has it."""
        await self.db.write(lambda conn: conn.execute(
            "UPDATE shard_connections SET latency = ?, latency_at = ? WHERE shard_count = ? "
            "AND shard_id = ? AND process = ?",
            (latency, now_text(), shard_count, shard_id, process)))


async def connections(conn: Tx) -> list[Row]:
    return await conn.fetchall(
        "SELECT shard_count, shard_id, process, host, pid, state, changed_at, latency, "
        "latency_at FROM shard_connections ORDER BY shard_count, shard_id")


async def sends_in_flight(conn: Tx) -> list[Row]:
    """Announcements and reminders claimed and not yet taken by Discord (a holder set),
    oldest first."""
    return await conn.fetchall(
        "SELECT 'announcement' AS what, guild_id, kind || ' ' || key AS detail, sent_at, holder "
        "FROM sent_announcements WHERE holder IS NOT NULL "
        "UNION ALL SELECT 'reminder', guild_id, 'user ' || user_id || ', slot ' || slot_id, "
        "sent_at, holder FROM sent_reminders WHERE holder IS NOT NULL ORDER BY sent_at")
