"""SQL for sessions, their allowed slots and interest."""

from __future__ import annotations

from bot.storage.database import Row, Tx, assignments

SESSION_COLUMNS = frozenset({"title", "title_key", "description", "owner_id", "status",
                             "updated_at", "length", "track"})
#: Most ids one query lists in `IN (...)` (SQLite allows 32,766 parameters).
CHUNK = 500


async def get_session(conn: Tx, guild_id: int, session_id: int) -> Row | None:
    return await conn.fetchone("SELECT * FROM sessions WHERE guild_id = ? AND id = ?",
                               (guild_id, session_id))


async def titles(conn: Tx, guild_id: int) -> dict[int, str]:
    """Every session of the guild, any status: id → title."""
    rows = await conn.fetchall("SELECT id, title FROM sessions WHERE guild_id = ?", (guild_id,))
    return {r["id"]: r["title"] for r in rows}


async def title_taken(conn: Tx, guild_id: int, key: str, exclude_id: int | None = None) -> bool:
    row = await conn.fetchone(
        "SELECT 1 FROM sessions WHERE guild_id = ? AND title_key = ? AND status <> 'withdrawn' "
        "AND id IS DISTINCT FROM ?", (guild_id, key, exclude_id))
    return row is not None


async def count_owned(conn: Tx, guild_id: int, user_id: int) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM sessions WHERE guild_id = ? AND owner_id = ? "
        "AND status <> 'withdrawn'", (guild_id, user_id))


async def insert_session(conn: Tx, guild_id: int, title: str, key: str, description: str,
                         owner_id: int, status: str, now: str) -> int:
    return await conn.fetchval(
        "INSERT INTO sessions (guild_id, title, title_key, description, owner_id, status, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (guild_id, title, key, description, owner_id, status, now, now))


async def update_session(conn: Tx, guild_id: int, session_id: int,
                         changes: dict[str, object]) -> None:
    await conn.execute(
        f"UPDATE sessions SET {assignments(changes, SESSION_COLUMNS)} "
        "WHERE guild_id = ? AND id = ?", (*changes.values(), guild_id, session_id))


_LIST = """
SELECT s.*, a.display_name AS owner_name,
       coalesce(mine.level, 0) AS my_level,
       (SELECT count(*) FROM interest i WHERE i.session_id = s.id) AS interested
FROM sessions s
JOIN attendees a ON a.guild_id = s.guild_id AND a.user_id = s.owner_id
LEFT JOIN interest mine ON mine.session_id = s.id AND mine.user_id = :user
WHERE s.guild_id = :guild AND {where}
ORDER BY s.id
"""


async def list_sessions(conn: Tx, guild_id: int, user_id: int, statuses: tuple[str, ...],
                        own_any_status: bool) -> list[Row]:
    """Sessions with the given statuses, plus (optionally) all of the user's own."""
    where, params = _which(guild_id, user_id, statuses, own_any_status)
    return await conn.fetchall(_LIST.format(where=where), params)


async def list_titles(conn: Tx, guild_id: int, user_id: int, statuses: tuple[str, ...],
                      own_any_status: bool) -> list[Row]:
    """id, title, status and owner_id of the sessions `list_sessions` returns, without the
    joins and counts (autocomplete reads this on every keystroke)."""
    where, params = _which(guild_id, user_id, statuses, own_any_status)
    return await conn.fetchall(
        "SELECT s.id, s.title, s.status, s.owner_id FROM sessions s "
        "JOIN attendees a ON a.guild_id = s.guild_id AND a.user_id = s.owner_id "
        f"WHERE s.guild_id = :guild AND {where} ORDER BY s.id", params)


def _which(guild_id: int, user_id: int, statuses: tuple[str, ...],
           own_any_status: bool) -> tuple[str, dict[str, object]]:
    names = {f"st{i}": st for i, st in enumerate(statuses)}
    where = f"(s.status IN ({', '.join(':' + n for n in names) or 'NULL'})" + (
        " OR s.owner_id = :user)" if own_any_status else ")")
    return where, {"guild": guild_id, "user": user_id, **names}


async def allowed_slots(conn: Tx, session_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for i in range(0, len(session_ids), CHUNK):
        chunk = session_ids[i:i + CHUNK]
        for r in await conn.fetchall(
                "SELECT session_id, slot_id FROM session_allowed_slots "
                f"WHERE session_id IN ({','.join('?' * len(chunk))}) ORDER BY slot_id", chunk):
            out.setdefault(r["session_id"], []).append(r["slot_id"])
    return out


async def set_allowed_slots(conn: Tx, session_id: int, slot_ids: list[int] | None) -> None:
    await conn.execute("DELETE FROM session_allowed_slots WHERE session_id = ?", (session_id,))
    if slot_ids:
        await conn.executemany(
            "INSERT INTO session_allowed_slots (session_id, slot_id) VALUES (?, ?)",
            [(session_id, sl) for sl in slot_ids])


async def set_level(conn: Tx, guild_id: int, session_id: int, user_id: int, level: int,
                    now: str) -> None:
    """Store a level; 0 removes the row."""
    if level == 0:
        await conn.execute("DELETE FROM interest WHERE session_id = ? AND user_id = ?",
                           (session_id, user_id))
        return
    await conn.execute(
        "INSERT INTO interest (guild_id, session_id, user_id, level, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, user_id) DO UPDATE SET "
        "level = excluded.level, updated_at = excluded.updated_at",
        (guild_id, session_id, user_id, level, now))


async def levels_of(conn: Tx, guild_id: int, user_id: int) -> dict[int, int]:
    rows = await conn.fetchall(
        "SELECT session_id, level FROM interest WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id))
    return {r["session_id"]: r["level"] for r in rows}


async def public_sessions(conn: Tx, guild_id: int) -> list[Row]:
    return await conn.fetchall("SELECT * FROM sessions WHERE guild_id = ? AND status = 'public' "
                               "ORDER BY id", (guild_id,))


async def public_interest(conn: Tx, guild_id: int) -> list[Row]:
    return await conn.fetchall(
        "SELECT i.user_id, i.session_id, i.level FROM interest i "
        "JOIN sessions s ON s.id = i.session_id "
        "WHERE i.guild_id = ? AND s.status = 'public' ORDER BY i.session_id, i.user_id",
        (guild_id,))


async def get_session_full(conn: Tx, guild_id: int, session_id: int,
                           user_id: int) -> Row | None:
    """One session with its owner's name, the user's level and the interested count."""
    return await conn.fetchone(_LIST.format(where="s.id = :sid"),
                               {"guild": guild_id, "user": user_id, "sid": session_id})


async def interest_in(conn: Tx, guild_id: int, session_ids: list[int] | None) -> list[Row]:
    """Everyone's level in these sessions (all the guild's sessions when None), any status."""
    if session_ids is None:
        return await conn.fetchall(
            "SELECT session_id, user_id, level FROM interest WHERE guild_id = ? "
            "ORDER BY session_id, user_id", (guild_id,))
    rows: list[Row] = []
    for i in range(0, len(session_ids), CHUNK):
        chunk = session_ids[i:i + CHUNK]
        rows += await conn.fetchall(
            "SELECT session_id, user_id, level FROM interest WHERE guild_id = ? AND session_id "
            f"IN ({','.join('?' * len(chunk))}) ORDER BY session_id, user_id",
            (guild_id, *chunk))
    return rows
