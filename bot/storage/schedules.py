"""SQL for schedule versions and their placements."""

from __future__ import annotations

import sqlite3


def insert_version(conn: sqlite3.Connection, guild_id: int, created_by: int, now: str,
                   figures: dict[str, object], unplaced_json: str) -> int:
    return conn.execute(
        "INSERT INTO schedule_versions (guild_id, created_at, created_by, status, utility, "
        "upper_bound, seed_heuristic_utility, solve_seconds, moved, unplaced_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (guild_id, now, created_by, figures["status"], figures["utility"],
         figures["upper_bound"], figures["seed_heuristic_utility"], figures["solve_seconds"],
         figures["moved"], unplaced_json)).lastrowid


def insert_placement(conn: sqlite3.Connection, version_id: int, session_id: int, slot_id: int,
                     room_id: int, expected_attendance: int) -> None:
    conn.execute(
        "INSERT INTO placements (version_id, session_id, slot_id, room_id, expected_attendance) "
        "VALUES (?, ?, ?, ?, ?)", (version_id, session_id, slot_id, room_id, expected_attendance))


#: A guild's stored versions, each with how many sessions it placed.
_VERSIONS = ("SELECT v.*, (SELECT count(*) FROM placements p WHERE p.version_id = v.id) AS placed "
             "FROM schedule_versions v WHERE v.guild_id = ?")


def get_version(conn: sqlite3.Connection, guild_id: int, version_id: int) -> sqlite3.Row | None:
    return conn.execute(_VERSIONS + " AND v.id = ?", (guild_id, version_id)).fetchone()


def latest_version(conn: sqlite3.Connection, guild_id: int) -> sqlite3.Row | None:
    return conn.execute(_VERSIONS + " ORDER BY v.id DESC LIMIT 1", (guild_id,)).fetchone()


def versions(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute(_VERSIONS + " ORDER BY v.id", (guild_id,)).fetchall()


def mark_published(conn: sqlite3.Connection, guild_id: int, version_id: int, now: str) -> None:
    conn.execute("UPDATE schedule_versions SET published_at = ? WHERE guild_id = ? AND id = ?",
                 (now, guild_id, version_id))
    conn.execute("UPDATE events SET published_version_id = ? WHERE guild_id = ?",
                 (version_id, guild_id))


def placements(conn: sqlite3.Connection, version_id: int) -> list[sqlite3.Row]:
    """A version's placements with what a timetable shows (titles, rooms, times)."""
    return conn.execute(
        "SELECT p.*, s.title, s.owner_id, s.status, r.name AS room_name, "
        "sl.start_utc, sl.locked, sl.is_break "
        "FROM placements p JOIN sessions s ON s.id = p.session_id "
        "JOIN rooms r ON r.id = p.room_id JOIN slots sl ON sl.id = p.slot_id "
        "WHERE p.version_id = ? ORDER BY sl.start_utc, r.id", (version_id,)).fetchall()


def count_published_in(conn: sqlite3.Connection, guild_id: int, *, slot_id: int | None = None,
                       room_id: int | None = None, day_id: int | None = None) -> int:
    """How many sessions of the published version sit in this slot, room or day."""
    row = conn.execute(
        "SELECT count(*) FROM placements p JOIN events e ON e.published_version_id = p.version_id "
        "JOIN slots sl ON sl.id = p.slot_id "
        "WHERE e.guild_id = :g AND (:slot IS NULL OR p.slot_id = :slot) "
        "AND (:room IS NULL OR p.room_id = :room) AND (:day IS NULL OR sl.day_id = :day)",
        {"g": guild_id, "slot": slot_id, "room": room_id, "day": day_id}).fetchone()
    return row[0]


def unschedule_slot(conn: sqlite3.Connection, slot_id: int) -> None:
    conn.execute("DELETE FROM placements WHERE slot_id = ?", (slot_id,))
