"""SQL for days, slots and rooms."""

from __future__ import annotations

from bot.storage.database import Row, Tx, assignments

SLOT_COLUMNS = frozenset({"start_utc", "end_utc", "is_break", "locked", "label", "day_id"})
ROOM_COLUMNS = frozenset({"name", "name_key", "capacity", "link", "voice_channel_id"})
DAY_COLUMNS = frozenset({"date", "label"})


async def _update(conn: Tx, table: str, columns: frozenset[str], guild_id: int, row_id: int,
                  changes: dict[str, object]) -> None:
    if changes:
        await conn.execute(f"UPDATE {table} SET {assignments(changes, columns)} "
                           "WHERE guild_id = ? AND id = ?", (*changes.values(), guild_id, row_id))


# days

async def days(conn: Tx, guild_id: int) -> list[Row]:
    return await conn.fetchall("SELECT * FROM days WHERE guild_id = ? ORDER BY date",
                               (guild_id,))


async def get_day(conn: Tx, guild_id: int, day_id: int) -> Row | None:
    return await conn.fetchone("SELECT * FROM days WHERE guild_id = ? AND id = ?",
                               (guild_id, day_id))


async def day_by_date(conn: Tx, guild_id: int, date: str) -> Row | None:
    return await conn.fetchone("SELECT * FROM days WHERE guild_id = ? AND date = ?",
                               (guild_id, date))


async def insert_day(conn: Tx, guild_id: int, date: str, label: str) -> int:
    return await conn.fetchval(
        "INSERT INTO days (guild_id, date, label) VALUES (?, ?, ?) RETURNING id",
        (guild_id, date, label))


async def update_day(conn: Tx, guild_id: int, day_id: int, changes: dict) -> None:
    await _update(conn, "days", DAY_COLUMNS, guild_id, day_id, changes)


async def delete_day(conn: Tx, guild_id: int, day_id: int) -> None:
    await conn.execute("DELETE FROM days WHERE guild_id = ? AND id = ?", (guild_id, day_id))


# slots

async def slots(conn: Tx, guild_id: int) -> list[Row]:
    return await conn.fetchall("SELECT * FROM slots WHERE guild_id = ? ORDER BY start_utc, id",
                               (guild_id,))


def covered(slot_rows: list[Row], slot_id: int, length: int) -> list[Row]:
    """The slots a session of `length` slots placed in `slot_id` takes: that slot and the ones
    after it on its day, up to `length`, stopping at a break (fewer than `length` when the
    timetable changed since; none when the slot is gone)."""
    first = next((r for r in slot_rows if r["id"] == slot_id), None)
    if first is None:
        return []
    out = [first]
    for r in slot_rows[slot_rows.index(first) + 1:]:
        if len(out) >= length or r["day_id"] != first["day_id"] or r["is_break"]:
            break
        out.append(r)
    return out


async def get_slot(conn: Tx, guild_id: int, slot_id: int) -> Row | None:
    return await conn.fetchone("SELECT * FROM slots WHERE guild_id = ? AND id = ?",
                               (guild_id, slot_id))


async def overlapping_slot(conn: Tx, guild_id: int, start: str, end: str,
                           exclude_id: int | None = None) -> Row | None:
    return await conn.fetchone(
        "SELECT * FROM slots WHERE guild_id = ? AND start_utc < ? AND end_utc > ? "
        "AND id IS DISTINCT FROM ? LIMIT 1", (guild_id, end, start, exclude_id))


async def insert_slot(conn: Tx, guild_id: int, day_id: int, start: str, end: str,
                      is_break: bool, label: str, locked: bool = False) -> int:
    return await conn.fetchval(
        "INSERT INTO slots (guild_id, day_id, start_utc, end_utc, is_break, locked, label) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (guild_id, day_id, start, end, bool(is_break), bool(locked), label))


async def update_slot(conn: Tx, guild_id: int, slot_id: int, changes: dict) -> None:
    await _update(conn, "slots", SLOT_COLUMNS, guild_id, slot_id, changes)


async def delete_slot(conn: Tx, guild_id: int, slot_id: int) -> None:
    await conn.execute("DELETE FROM slots WHERE guild_id = ? AND id = ?", (guild_id, slot_id))


async def count_schedulable_slots(conn: Tx, guild_id: int) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM slots WHERE guild_id = ? AND NOT is_break", (guild_id,))


# rooms

async def rooms(conn: Tx, guild_id: int) -> list[Row]:
    return await conn.fetchall("SELECT * FROM rooms WHERE guild_id = ? ORDER BY id", (guild_id,))


async def get_room(conn: Tx, guild_id: int, room_id: int) -> Row | None:
    return await conn.fetchone("SELECT * FROM rooms WHERE guild_id = ? AND id = ?",
                               (guild_id, room_id))


async def room_name_taken(conn: Tx, guild_id: int, key: str,
                          exclude_id: int | None = None) -> bool:
    return await conn.fetchone(
        "SELECT 1 FROM rooms WHERE guild_id = ? AND name_key = ? AND id IS DISTINCT FROM ?",
        (guild_id, key, exclude_id)) is not None


async def insert_room(conn: Tx, guild_id: int, name: str, key: str, capacity: int,
                      link: str | None, voice_channel_id: int | None) -> int:
    return await conn.fetchval(
        "INSERT INTO rooms (guild_id, name, name_key, capacity, link, voice_channel_id) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (guild_id, name, key, capacity, link, voice_channel_id))


async def update_room(conn: Tx, guild_id: int, room_id: int, changes: dict) -> None:
    await _update(conn, "rooms", ROOM_COLUMNS, guild_id, room_id, changes)


async def delete_room(conn: Tx, guild_id: int, room_id: int) -> None:
    await conn.execute("DELETE FROM rooms WHERE guild_id = ? AND id = ?", (guild_id, room_id))


async def delete_timetable(conn: Tx, guild_id: int) -> None:
    """Remove days, slots and rooms (placements referring to them go with them)."""
    await conn.execute("DELETE FROM days WHERE guild_id = ?", (guild_id,))
    await conn.execute("DELETE FROM rooms WHERE guild_id = ?", (guild_id,))
