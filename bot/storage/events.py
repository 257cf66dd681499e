"""SQL for the event row, attendees and the verification-attempt log."""

from __future__ import annotations

import sqlite3

SETTING_COLUMNS = frozenset({
    "name", "timezone", "verification_code", "verification_required", "proposals_open",
    "interest_open", "schedule_visible", "announcements_channel_id", "proposals_channel_id",
    "moderation_channel_id", "verified_role_id", "organiser_role_id", "published_version_id",
    "mirror_events",
})


def get_event(conn: sqlite3.Connection, guild_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM events WHERE guild_id = ?", (guild_id,)).fetchone()


def insert_event(conn: sqlite3.Connection, guild_id: int, name: str, timezone: str, code: str,
                 now: str) -> None:
    conn.execute(
        "INSERT INTO events (guild_id, name, timezone, verification_code, created_at) "
        "VALUES (?, ?, ?, ?, ?)", (guild_id, name, timezone, code, now))


def update_event(conn: sqlite3.Connection, guild_id: int, changes: dict[str, object]) -> None:
    unknown = set(changes) - SETTING_COLUMNS
    if unknown:
        raise ValueError(f"not event settings: {sorted(unknown)}")
    if not changes:
        return
    cols = ", ".join(f"{c} = ?" for c in changes)
    conn.execute(f"UPDATE events SET {cols} WHERE guild_id = ?", (*changes.values(), guild_id))


def delete_event(conn: sqlite3.Connection, guild_id: int) -> None:
    conn.execute("UPDATE events SET published_version_id = NULL WHERE guild_id = ?", (guild_id,))
    conn.execute("DELETE FROM verify_failures WHERE guild_id = ?", (guild_id,))
    conn.execute("DELETE FROM interest WHERE guild_id = ?", (guild_id,))
    conn.execute("DELETE FROM events WHERE guild_id = ?", (guild_id,))


def event_with_attendee(conn: sqlite3.Connection, guild_id: int,
                        user_id: int) -> sqlite3.Row | None:
    """The event row plus the attendee's fields (`a_*`, NULL if unknown): one query per call."""
    return conn.execute(
        "SELECT e.*, a.user_id AS a_user_id, a.display_name AS a_display_name, "
        "a.verified AS a_verified, a.is_admin AS a_is_admin FROM events e "
        "LEFT JOIN attendees a ON a.guild_id = e.guild_id AND a.user_id = ? "
        "WHERE e.guild_id = ?", (user_id, guild_id)).fetchone()


def upsert_attendee(conn: sqlite3.Connection, guild_id: int, user_id: int, display_name: str,
                    is_admin: bool | None) -> None:
    """Record the attendee (creating them on first contact); an empty name keeps the old one,
    `is_admin=None` keeps the old flag."""
    conn.execute(
        "INSERT INTO attendees (guild_id, user_id, display_name, is_admin) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "display_name = CASE WHEN excluded.display_name <> '' THEN excluded.display_name "
        "ELSE attendees.display_name END, "
        "is_admin = CASE WHEN ? IS NULL THEN attendees.is_admin ELSE excluded.is_admin END",
        (guild_id, user_id, display_name, int(bool(is_admin)), is_admin))




def set_verified(conn: sqlite3.Connection, guild_id: int, user_id: int) -> None:
    conn.execute("UPDATE attendees SET verified = 1 WHERE guild_id = ? AND user_id = ?",
                 (guild_id, user_id))


def recent_failures(conn: sqlite3.Connection, guild_id: int, user_id: int,
                    since: float) -> list[float]:
    """Times of wrong codes entered since `since`, oldest first (older ones are pruned)."""
    conn.execute("DELETE FROM verify_failures WHERE guild_id = ? AND user_id = ? AND at < ?",
                 (guild_id, user_id, since))
    rows = conn.execute("SELECT at FROM verify_failures WHERE guild_id = ? AND user_id = ? "
                        "ORDER BY at", (guild_id, user_id)).fetchall()
    return [r[0] for r in rows]


def add_failure(conn: sqlite3.Connection, guild_id: int, user_id: int, at: float) -> None:
    conn.execute("INSERT INTO verify_failures (guild_id, user_id, at) VALUES (?, ?, ?)",
                 (guild_id, user_id, at))


def clear_failures(conn: sqlite3.Connection, guild_id: int, user_id: int) -> None:
    conn.execute("DELETE FROM verify_failures WHERE guild_id = ? AND user_id = ?",
                 (guild_id, user_id))
