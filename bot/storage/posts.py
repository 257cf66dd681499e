"""SQL for messages the bot edits later and for announcements already sent."""

from __future__ import annotations

import sqlite3


def posted(conn: sqlite3.Connection, guild_id: int, kind: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT key, channel_id, message_id FROM posted_messages WHERE guild_id = ? AND kind = ? "
        "ORDER BY key", (guild_id, kind)).fetchall()


def replace_posted(conn: sqlite3.Connection, guild_id: int, kind: str,
                   rows: list[tuple[str, int, int]]) -> None:
    conn.execute("DELETE FROM posted_messages WHERE guild_id = ? AND kind = ?", (guild_id, kind))
    conn.executemany(
        "INSERT INTO posted_messages (guild_id, kind, key, channel_id, message_id) "
        "VALUES (?, ?, ?, ?, ?)", [(guild_id, kind, k, c, m) for k, c, m in rows])


def claim(conn: sqlite3.Connection, guild_id: int, key: str, kind: str, now: str) -> bool:
    cur = conn.execute(
        "INSERT OR IGNORE INTO sent_announcements (guild_id, key, kind, sent_at) "
        "VALUES (?, ?, ?, ?)", (guild_id, key, kind, now))
    return cur.rowcount == 1


def unclaim(conn: sqlite3.Connection, guild_id: int, key: str, kind: str) -> None:
    conn.execute("DELETE FROM sent_announcements WHERE guild_id = ? AND key = ? AND kind = ?",
                 (guild_id, key, kind))


def published_guilds(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT guild_id FROM events WHERE published_version_id IS NOT NULL ORDER BY guild_id")]


def over_capacity(conn: sqlite3.Connection, guild_id: int, version_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT s.title, r.name AS room, r.capacity, p.expected_attendance "
        "FROM placements p JOIN schedule_versions v ON v.id = p.version_id "
        "JOIN sessions s ON s.id = p.session_id JOIN rooms r ON r.id = p.room_id "
        "WHERE v.guild_id = ? AND v.id = ? AND p.expected_attendance > r.capacity "
        "ORDER BY p.expected_attendance - r.capacity DESC", (guild_id, version_id)).fetchall()
