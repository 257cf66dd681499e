"""SQL for the event row, attendees and the verification-attempt log."""

from __future__ import annotations

from collections.abc import Iterable

from bot.storage.database import Row, Tx, assignments, now_text
from bot.storage.sessions import CHUNK

SETTING_COLUMNS = frozenset({
    "name", "timezone", "verification_code", "verification_required", "proposals_open",
    "interest_open", "schedule_visible", "announcements_channel_id", "proposals_channel_id",
    "moderation_channel_id", "verified_role_id", "organiser_role_id", "published_version_id",
    "mirror_events", "seats_count",
})


async def get_event(conn: Tx, guild_id: int) -> Row | None:
    return await conn.fetchone("SELECT * FROM events WHERE guild_id = ?", (guild_id,))


async def insert_event(conn: Tx, guild_id: int, name: str, timezone: str, code: str,
                       now: str) -> None:
    await conn.execute(
        "INSERT INTO events (guild_id, name, timezone, verification_code, created_at) "
        "VALUES (?, ?, ?, ?, ?)", (guild_id, name, timezone, code, now))


async def update_event(conn: Tx, guild_id: int, changes: dict[str, object]) -> None:
    if not changes:
        return
    await conn.execute(f"UPDATE events SET {assignments(changes, SETTING_COLUMNS)} "
                       "WHERE guild_id = ?",
                       (*changes.values(), guild_id))


async def delete_event(conn: Tx, guild_id: int) -> None:
    await conn.execute("UPDATE events SET published_version_id = NULL WHERE guild_id = ?",
                       (guild_id,))
    await conn.execute("DELETE FROM verify_failures WHERE guild_id = ?", (guild_id,))
    await conn.execute("DELETE FROM interest WHERE guild_id = ?", (guild_id,))
    await conn.execute("DELETE FROM events WHERE guild_id = ?", (guild_id,))


async def event_with_attendee(conn: Tx, guild_id: int, user_id: int,
                              session_id: int | None = None) -> Row | None:
    """The event row plus the attendee's fields (`a_*`, NULL if unknown) and, when asked, the
    session's (`s_*`, with `s_my_level`, the user's level in it): one query per call."""
    return await conn.fetchone(
        "SELECT e.*, a.user_id AS a_user_id, a.display_name AS a_display_name, "
        "a.verified AS a_verified, a.is_admin AS a_is_admin, s.id AS s_id, "
        "s.title AS s_title, s.status AS s_status, s.owner_id AS s_owner_id, "
        "coalesce(i.level, 0) AS s_my_level FROM events e "
        "LEFT JOIN attendees a ON a.guild_id = e.guild_id AND a.user_id = ? "
        "LEFT JOIN sessions s ON s.guild_id = e.guild_id AND s.id = ? "
        "LEFT JOIN interest i ON i.session_id = s.id AND i.user_id = ? "
        "WHERE e.guild_id = ?", (user_id, session_id, user_id, guild_id))


async def upsert_attendee(conn: Tx, guild_id: int, user_id: int, display_name: str,
                          is_admin: bool | None) -> None:
    """Record the attendee (creating them on first contact); an empty name keeps the old one,
    `is_admin=None` keeps the old flag."""
    await conn.execute(
        "INSERT INTO attendees (guild_id, user_id, display_name, is_admin, first_seen) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "display_name = CASE WHEN excluded.display_name <> '' THEN excluded.display_name "
        "ELSE attendees.display_name END, is_admin = coalesce(?, attendees.is_admin)",
        (guild_id, user_id, display_name, bool(is_admin), now_text(), is_admin))


async def forget_strangers(conn: Tx, guild_id: int, seen_before: str) -> int:
    """Remove attendees first met before `seen_before` (or before that was recorded) who left
    no trace: not verified, not an organiser, no session (co-hosted too), no
    interest, no availability, no reminder setting.
    They are recorded again if they come back."""
    return await conn.execute(
        "DELETE FROM attendees WHERE guild_id = ? AND NOT verified AND NOT is_admin "
        "AND (first_seen IS NULL OR first_seen < ?) "
        "AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.guild_id = attendees.guild_id "
        "AND s.owner_id = attendees.user_id) "
        "AND NOT EXISTS (SELECT 1 FROM session_hosts h WHERE h.guild_id = attendees.guild_id "
        "AND h.user_id = attendees.user_id) "
        "AND NOT EXISTS (SELECT 1 FROM attendee_availability v "
        "WHERE v.guild_id = attendees.guild_id AND v.user_id = attendees.user_id) "
        "AND NOT EXISTS (SELECT 1 FROM interest i WHERE i.guild_id = attendees.guild_id "
        "AND i.user_id = attendees.user_id) "
        "AND NOT EXISTS (SELECT 1 FROM reminder_prefs p WHERE p.guild_id = attendees.guild_id "
        "AND p.user_id = attendees.user_id)", (guild_id, seen_before))


async def set_verified(conn: Tx, guild_id: int, user_id: int) -> None:
    await conn.execute("UPDATE attendees SET verified = TRUE WHERE guild_id = ? AND user_id = ?",
                       (guild_id, user_id))


async def recent_failures(conn: Tx, guild_id: int, since: float) -> list[tuple[int, float]]:
    """(user, time) of the server's wrong codes entered since `since`, oldest first; older
    ones are deleted."""
    await conn.execute("DELETE FROM verify_failures WHERE guild_id = ? AND at < ?",
                       (guild_id, since))
    rows = await conn.fetchall("SELECT user_id, at FROM verify_failures WHERE guild_id = ? "
                               "ORDER BY at", (guild_id,))
    return [(r["user_id"], r["at"]) for r in rows]


async def add_failure(conn: Tx, guild_id: int, user_id: int, at: float) -> None:
    await conn.execute("INSERT INTO verify_failures (guild_id, user_id, at) VALUES (?, ?, ?)",
                       (guild_id, user_id, at))


async def clear_failures(conn: Tx, guild_id: int, user_id: int) -> None:
    await conn.execute("DELETE FROM verify_failures WHERE guild_id = ? AND user_id = ?",
                       (guild_id, user_id))


async def display_names(conn: Tx, guild_id: int, user_ids: Iterable[int]) -> dict[int, str]:
    """The names the bot last saw for these people (those it never saw, or saw without a
    name, are left out)."""
    ids = sorted(set(user_ids))
    found: dict[int, str] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        for r in await conn.fetchall(
                "SELECT user_id, display_name FROM attendees WHERE guild_id = ? AND user_id "
                f"IN ({','.join('?' * len(chunk))})", (guild_id, *chunk)):
            if r["display_name"]:
                found[int(r["user_id"])] = r["display_name"]
    return found
