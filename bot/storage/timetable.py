"""SQL for days, slots and rooms."""

from __future__ import annotations

import sqlite3

SLOT_COLUMNS = frozenset({"start_utc", "end_utc", "is_break", "locked", "label", "day_id"})
ROOM_COLUMNS = frozenset({"name", "name_key", "capacity", "link", "voice_channel_id"})
DAY_COLUMNS = frozenset({"date", "label"})


def _update(conn: sqlite3.Connection, table: str, allowed: frozenset[str], guild_id: int,
            row_id: int, changes: dict[str, object]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not {table} columns: {sorted(unknown)}")
    if changes:
        cols = ", ".join(f"{c} = ?" for c in changes)
        conn.execute(f"UPDATE {table} SET {cols} WHERE guild_id = ? AND id = ?",
                     (*changes.values(), guild_id, row_id))


# days

def days(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM days WHERE guild_id = ? ORDER BY date",
                        (guild_id,)).fetchall()


def get_day(conn: sqlite3.Connection, guild_id: int, day_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM days WHERE guild_id = ? AND id = ?",
                        (guild_id, day_id)).fetchone()


def day_by_date(conn: sqlite3.Connection, guild_id: int, date: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM days WHERE guild_id = ? AND date = ?",
                        (guild_id, date)).fetchone()


def insert_day(conn: sqlite3.Connection, guild_id: int, date: str, label: str) -> int:
    return conn.execute("INSERT INTO days (guild_id, date, label) VALUES (?, ?, ?)",
                        (guild_id, date, label)).lastrowid


def update_day(conn: sqlite3.Connection, guild_id: int, day_id: int, changes: dict) -> None:
    _update(conn, "days", DAY_COLUMNS, guild_id, day_id, changes)


def delete_day(conn: sqlite3.Connection, guild_id: int, day_id: int) -> None:
    conn.execute("DELETE FROM days WHERE guild_id = ? AND id = ?", (guild_id, day_id))


# slots

def slots(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM slots WHERE guild_id = ? ORDER BY start_utc, id",
                        (guild_id,)).fetchall()


def get_slot(conn: sqlite3.Connection, guild_id: int, slot_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM slots WHERE guild_id = ? AND id = ?",
                        (guild_id, slot_id)).fetchone()


def overlapping_slot(conn: sqlite3.Connection, guild_id: int, start: str, end: str,
                     exclude_id: int | None = None) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM slots WHERE guild_id = ? AND start_utc < ? AND end_utc > ? "
        "AND id IS NOT ? LIMIT 1", (guild_id, end, start, exclude_id)).fetchone()


def insert_slot(conn: sqlite3.Connection, guild_id: int, day_id: int, start: str, end: str,
                is_break: bool, label: str, locked: bool = False) -> int:
    return conn.execute(
        "INSERT INTO slots (guild_id, day_id, start_utc, end_utc, is_break, locked, label) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (guild_id, day_id, start, end, int(is_break), int(locked), label)).lastrowid


def update_slot(conn: sqlite3.Connection, guild_id: int, slot_id: int, changes: dict) -> None:
    _update(conn, "slots", SLOT_COLUMNS, guild_id, slot_id, changes)


def delete_slot(conn: sqlite3.Connection, guild_id: int, slot_id: int) -> None:
    conn.execute("DELETE FROM slots WHERE guild_id = ? AND id = ?", (guild_id, slot_id))


def count_schedulable_slots(conn: sqlite3.Connection, guild_id: int) -> int:
    return conn.execute("SELECT count(*) FROM slots WHERE guild_id = ? AND is_break = 0",
                        (guild_id,)).fetchone()[0]


# rooms

def rooms(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM rooms WHERE guild_id = ? ORDER BY id",
                        (guild_id,)).fetchall()


def get_room(conn: sqlite3.Connection, guild_id: int, room_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM rooms WHERE guild_id = ? AND id = ?",
                        (guild_id, room_id)).fetchone()


def room_name_taken(conn: sqlite3.Connection, guild_id: int, key: str,
                    exclude_id: int | None = None) -> bool:
    return conn.execute("SELECT 1 FROM rooms WHERE guild_id = ? AND name_key = ? AND id IS NOT ?",
                        (guild_id, key, exclude_id)).fetchone() is not None


def insert_room(conn: sqlite3.Connection, guild_id: int, name: str, key: str, capacity: int,
                link: str | None, voice_channel_id: int | None) -> int:
    return conn.execute(
        "INSERT INTO rooms (guild_id, name, name_key, capacity, link, voice_channel_id) "
        "VALUES (?, ?, ?, ?, ?, ?)", (guild_id, name, key, capacity, link, voice_channel_id)
    ).lastrowid


def update_room(conn: sqlite3.Connection, guild_id: int, room_id: int, changes: dict) -> None:
    _update(conn, "rooms", ROOM_COLUMNS, guild_id, room_id, changes)


def delete_room(conn: sqlite3.Connection, guild_id: int, room_id: int) -> None:
    conn.execute("DELETE FROM rooms WHERE guild_id = ? AND id = ?", (guild_id, room_id))


def delete_timetable(conn: sqlite3.Connection, guild_id: int) -> None:
    """Remove days, slots and rooms (placements referring to them go with them)."""
    conn.execute("DELETE FROM days WHERE guild_id = ?", (guild_id,))
    conn.execute("DELETE FROM rooms WHERE guild_id = ?", (guild_id,))
