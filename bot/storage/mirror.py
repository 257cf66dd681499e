"""SQL for what the bot mirrors into Discord: scheduled events of placed sessions, and the
discussion thread of each session."""

from __future__ import annotations

import sqlite3


def mirror_enabled(conn: sqlite3.Connection, guild_id: int) -> bool | None:
    """The event's switch; None when the guild has no event."""
    row = conn.execute("SELECT mirror_events FROM events WHERE guild_id = ?",
                       (guild_id,)).fetchone()
    return None if row is None else bool(row[0])


def published_sessions(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    """Each placed session of the published version (withdrawn ones left out), with its slot's
    times and its room."""
    return conn.execute(
        "SELECT p.session_id, s.title, s.description, sl.start_utc, sl.end_utc, "
        "r.name AS room_name, r.voice_channel_id "
        "FROM events e JOIN placements p ON p.version_id = e.published_version_id "
        "JOIN sessions s ON s.id = p.session_id JOIN slots sl ON sl.id = p.slot_id "
        "JOIN rooms r ON r.id = p.room_id "
        "WHERE e.guild_id = ? AND s.status <> 'withdrawn' "
        "ORDER BY sl.start_utc, r.name, p.session_id", (guild_id,)).fetchall()


def mirrored(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT session_id, discord_event_id, fingerprint FROM mirrored_events "
        "WHERE guild_id = ? ORDER BY session_id", (guild_id,)).fetchall()


def set_mirrored(conn: sqlite3.Connection, guild_id: int, session_id: int, event_id: int,
                 fingerprint: str) -> None:
    conn.execute(
        "INSERT INTO mirrored_events (guild_id, session_id, discord_event_id, fingerprint) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, session_id) DO UPDATE SET "
        "discord_event_id = excluded.discord_event_id, fingerprint = excluded.fingerprint",
        (guild_id, session_id, event_id, fingerprint))


def forget_mirrored(conn: sqlite3.Connection, guild_id: int, session_id: int) -> None:
    conn.execute("DELETE FROM mirrored_events WHERE guild_id = ? AND session_id = ?",
                 (guild_id, session_id))


def threads(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT session_id, channel_id, message_id, thread_id FROM session_threads "
        "WHERE guild_id = ? ORDER BY session_id", (guild_id,)).fetchall()


def thread_of(conn: sqlite3.Connection, guild_id: int, session_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT session_id, channel_id, message_id, thread_id FROM session_threads "
        "WHERE guild_id = ? AND session_id = ?", (guild_id, session_id)).fetchone()


def add_thread(conn: sqlite3.Connection, guild_id: int, session_id: int, channel_id: int,
               message_id: int, thread_id: int) -> bool:
    """False when the session already has a thread (the first one stays)."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO session_threads (guild_id, session_id, channel_id, message_id, "
        "thread_id) VALUES (?, ?, ?, ?, ?)",
        (guild_id, session_id, channel_id, message_id, thread_id))
    return cur.rowcount == 1
