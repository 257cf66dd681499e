"""SQL for the web pages' links (the event's public key, each attendee's hashed personal token)
and for what the pages show beyond the published timetable (hosts' names, descriptions,
discussion threads)."""

from __future__ import annotations

from bot.storage.database import Row, Tx


async def public_key(conn: Tx, guild_id: int) -> str | None:
    return await conn.fetchval("SELECT public_key FROM web_events WHERE guild_id = ?",
                               (guild_id,))


async def add_public_key(conn: Tx, guild_id: int, key: str, now: str) -> None:
    await conn.execute("INSERT INTO web_events (guild_id, public_key, created_at) "
                       "VALUES (?, ?, ?) ON CONFLICT (guild_id) DO NOTHING", (guild_id, key, now))


async def guild_of_key(conn: Tx, key: str) -> int | None:
    return await conn.fetchval("SELECT guild_id FROM web_events WHERE public_key = ?", (key,))


async def personal_link(conn: Tx, guild_id: int, user_id: int) -> Row | None:
    """The attendee's link (its token's hash and when it was made), if they have one."""
    return await conn.fetchone("SELECT token_hash, created_at FROM personal_links "
                               "WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))


async def set_personal_link(conn: Tx, guild_id: int, user_id: int, token_hash: str,
                            now: str) -> None:
    """The attendee's new link, replacing (and so revoking) the one they had."""
    await conn.execute(
        "INSERT INTO personal_links (guild_id, user_id, token_hash, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
        "token_hash = excluded.token_hash, created_at = excluded.created_at",
        (guild_id, user_id, token_hash, now))


async def delete_personal_link(conn: Tx, guild_id: int, user_id: int) -> int:
    return await conn.execute("DELETE FROM personal_links WHERE guild_id = ? AND user_id = ?",
                              (guild_id, user_id))


async def link_owner(conn: Tx, guild_id: int, token_hash: str) -> Row | None:
    """The attendee of this event whose link has this hash (user_id, token_hash)."""
    return await conn.fetchone("SELECT user_id, token_hash FROM personal_links "
                               "WHERE guild_id = ? AND token_hash = ?", (guild_id, token_hash))


async def session_details(conn: Tx, guild_id: int, session_ids: list[int]) -> list[Row]:
    """Per session: its description, track, its host's display name and its discussion
    thread."""
    if not session_ids:
        return []
    marks = ", ".join("?" * len(session_ids))
    return await conn.fetchall(
        "SELECT s.id, s.description, s.track, a.display_name AS host, t.thread_id "
        "FROM sessions s "
        "LEFT JOIN attendees a ON a.guild_id = s.guild_id AND a.user_id = s.owner_id "
        "LEFT JOIN session_threads t ON t.guild_id = s.guild_id AND t.session_id = s.id "
        f"WHERE s.guild_id = ? AND s.id IN ({marks})", (guild_id, *session_ids))


async def cancelled(conn: Tx, guild_id: int) -> list[Row]:
    """Withdrawn sessions that some published version placed, where the latest such version
    placed them (newest first): calendar apps that showed them are told they are cancelled."""
    return await conn.fetchall(
        "SELECT p.session_id, p.slot_id, p.room_id, p.expected_attendance, p.length, s.title, "
        "s.owner_id, r.name AS room_name FROM placements p "
        "JOIN schedule_versions v ON v.id = p.version_id "
        "JOIN sessions s ON s.id = p.session_id JOIN rooms r ON r.id = p.room_id "
        "WHERE v.guild_id = ? AND v.published_at IS NOT NULL AND s.status = 'withdrawn' "
        "ORDER BY v.published_at DESC, p.session_id", (guild_id,))
