"""SQL for schedule versions and their placements."""

from __future__ import annotations

from bot.storage.database import Row, Tx


async def insert_version(conn: Tx, guild_id: int, created_by: int, now: str,
                         figures: dict[str, object], unplaced_json: str) -> int:
    return await conn.fetchval(
        "INSERT INTO schedule_versions (guild_id, created_at, created_by, status, utility, "
        "upper_bound, seed_heuristic_utility, solve_seconds, moved, unplaced_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (guild_id, now, created_by, figures["status"], figures["utility"],
         figures["upper_bound"], figures["seed_heuristic_utility"], figures["solve_seconds"],
         figures["moved"], unplaced_json))


async def insert_placements(conn: Tx, version_id: int,
                            rows: list[tuple[int, int, int, int, int]]) -> None:
    """(session, first slot, room, expected attendance, length in slots) of each placed
    session."""
    if rows:
        await conn.executemany(
            "INSERT INTO placements (version_id, session_id, slot_id, room_id, "
            "expected_attendance, length) VALUES (?, ?, ?, ?, ?, ?)",
            [(version_id, *r) for r in rows])


#: A guild's stored versions, each with how many sessions it placed.
_VERSIONS = ("SELECT v.*, (SELECT count(*) FROM placements p WHERE p.version_id = v.id) AS placed "
             "FROM schedule_versions v WHERE v.guild_id = ?")


async def get_version(conn: Tx, guild_id: int, version_id: int) -> Row | None:
    return await conn.fetchone(_VERSIONS + " AND v.id = ?", (guild_id, version_id))


async def latest_version(conn: Tx, guild_id: int) -> Row | None:
    return await conn.fetchone(_VERSIONS + " ORDER BY v.id DESC LIMIT 1", (guild_id,))


async def versions(conn: Tx, guild_id: int) -> list[Row]:
    return await conn.fetchall(_VERSIONS + " ORDER BY v.id", (guild_id,))


async def published_ids(conn: Tx, guild_id: int) -> list[int]:
    """Every version ever published, oldest first."""
    return [int(r["id"]) for r in await conn.fetchall(
        "SELECT id FROM schedule_versions WHERE guild_id = ? AND published_at IS NOT NULL "
        "ORDER BY id", (guild_id,))]


async def mark_published(conn: Tx, guild_id: int, version_id: int, now: str) -> None:
    await conn.execute("UPDATE schedule_versions SET published_at = ? WHERE guild_id = ? "
                       "AND id = ?", (now, guild_id, version_id))
    await conn.execute("UPDATE events SET published_version_id = ? WHERE guild_id = ?",
                       (version_id, guild_id))


async def placements(conn: Tx, version_id: int) -> list[Row]:
    """A version's placements with what a timetable shows (titles, rooms, times)."""
    return await conn.fetchall(
        "SELECT p.*, s.title, s.owner_id, s.status, s.updated_at, r.name AS room_name, "
        "sl.start_utc, sl.locked, sl.is_break "
        "FROM placements p JOIN sessions s ON s.id = p.session_id "
        "JOIN rooms r ON r.id = p.room_id JOIN slots sl ON sl.id = p.slot_id "
        "WHERE p.version_id = ? ORDER BY sl.start_utc, r.id", (version_id,))


async def count_published_in(conn: Tx, guild_id: int, *, slot_id: int | None = None,
                             room_id: int | None = None, day_id: int | None = None) -> int:
    """How many sessions of the published version sit in this slot, room or day (or
    anywhere, with none given)."""
    where, params = ["e.guild_id = ?"], [guild_id]
    for column, value in (("p.slot_id", slot_id), ("p.room_id", room_id),
                          ("sl.day_id", day_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return await conn.fetchval(
        "SELECT count(*) FROM placements p JOIN events e ON e.published_version_id = p.version_id "
        f"JOIN slots sl ON sl.id = p.slot_id WHERE {' AND '.join(where)}", params)


async def unschedule_slot(conn: Tx, slot_id: int) -> None:
    await conn.execute("DELETE FROM placements WHERE slot_id = ?", (slot_id,))


async def unschedule(conn: Tx, version_id: int | None, session_ids: list[int]) -> None:
    """Take these sessions out of a version."""
    if version_id is not None and session_ids:
        await conn.executemany("DELETE FROM placements WHERE version_id = ? AND session_id = ?",
                               [(version_id, s) for s in session_ids])


async def set_baseline(conn: Tx, version_id: int, based_on: int, kept_utility: int) -> None:
    """What keeping the published version (`based_on`) was worth for a run's snapshot."""
    await conn.execute(
        "INSERT INTO version_baselines (version_id, based_on, kept_utility) VALUES (?, ?, ?) "
        "ON CONFLICT (version_id) DO UPDATE SET based_on = excluded.based_on, "
        "kept_utility = excluded.kept_utility", (version_id, based_on, kept_utility))


async def baseline(conn: Tx, guild_id: int, version_id: int) -> Row | None:
    return await conn.fetchone(
        "SELECT b.based_on, b.kept_utility FROM version_baselines b "
        "JOIN schedule_versions v ON v.id = b.version_id WHERE v.guild_id = ? AND v.id = ?",
        (guild_id, version_id))
