"""SQL for sessions, their allowed slots and interest."""

from __future__ import annotations

import sqlite3

SESSION_COLUMNS = frozenset({"title", "title_key", "description", "owner_id", "status",
                             "updated_at"})


def get_session(conn: sqlite3.Connection, guild_id: int, session_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sessions WHERE guild_id = ? AND id = ?",
                        (guild_id, session_id)).fetchone()


def get_session_with_level(conn: sqlite3.Connection, guild_id: int, session_id: int,
                           user_id: int) -> sqlite3.Row | None:
    """The session row plus `my_level`, the user's current level in it (0 if none)."""
    return conn.execute(
        "SELECT s.*, coalesce(i.level, 0) AS my_level FROM sessions s "
        "LEFT JOIN interest i ON i.session_id = s.id AND i.user_id = ? "
        "WHERE s.guild_id = ? AND s.id = ?", (user_id, guild_id, session_id)).fetchone()


def titles(conn: sqlite3.Connection, guild_id: int) -> dict[int, str]:
    """Every session of the guild, any status: id → title."""
    return dict(conn.execute("SELECT id, title FROM sessions WHERE guild_id = ?",
                             (guild_id,)).fetchall())


def title_taken(conn: sqlite3.Connection, guild_id: int, key: str,
                exclude_id: int | None = None) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sessions WHERE guild_id = ? AND title_key = ? AND status <> 'withdrawn' "
        "AND id IS NOT ?", (guild_id, key, exclude_id)).fetchone()
    return row is not None


def count_owned(conn: sqlite3.Connection, guild_id: int, user_id: int) -> int:
    return conn.execute(
        "SELECT count(*) FROM sessions WHERE guild_id = ? AND owner_id = ? "
        "AND status <> 'withdrawn'", (guild_id, user_id)).fetchone()[0]


def insert_session(conn: sqlite3.Connection, guild_id: int, title: str, key: str,
                   description: str, owner_id: int, status: str, now: str) -> int:
    cur = conn.execute(
        "INSERT INTO sessions (guild_id, title, title_key, description, owner_id, status, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (guild_id, title, key, description, owner_id, status, now, now))
    return cur.lastrowid


def update_session(conn: sqlite3.Connection, guild_id: int, session_id: int,
                   changes: dict[str, object]) -> None:
    unknown = set(changes) - SESSION_COLUMNS
    if unknown:
        raise ValueError(f"not session columns: {sorted(unknown)}")
    cols = ", ".join(f"{c} = ?" for c in changes)
    conn.execute(f"UPDATE sessions SET {cols} WHERE guild_id = ? AND id = ?",
                 (*changes.values(), guild_id, session_id))


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


def list_sessions(conn: sqlite3.Connection, guild_id: int, user_id: int,
                  statuses: tuple[str, ...], own_any_status: bool) -> list[sqlite3.Row]:
    """Sessions with the given statuses, plus (optionally) all of the user's own."""
    where, params = _which(guild_id, user_id, statuses, own_any_status)
    return conn.execute(_LIST.format(where=where), params).fetchall()


def list_titles(conn: sqlite3.Connection, guild_id: int, user_id: int,
                statuses: tuple[str, ...], own_any_status: bool) -> list[sqlite3.Row]:
    """id, title, status and owner_id of the sessions `list_sessions` returns, without the
    joins and counts (autocomplete reads this on every keystroke)."""
    where, params = _which(guild_id, user_id, statuses, own_any_status)
    return conn.execute(
        "SELECT s.id, s.title, s.status, s.owner_id FROM sessions s "
        "JOIN attendees a ON a.guild_id = s.guild_id AND a.user_id = s.owner_id "
        f"WHERE s.guild_id = :guild AND {where} ORDER BY s.id", params).fetchall()


def _which(guild_id: int, user_id: int, statuses: tuple[str, ...],
           own_any_status: bool) -> tuple[str, dict[str, object]]:
    names = {f"st{i}": st for i, st in enumerate(statuses)}
    where = f"(s.status IN ({', '.join(':' + n for n in names) or 'NULL'})" + (
        " OR s.owner_id = :user)" if own_any_status else ")")
    return where, {"guild": guild_id, "user": user_id, **names}


def allowed_slots(conn: sqlite3.Connection, session_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    if not session_ids:
        return out
    q = ",".join("?" for _ in session_ids)
    for r in conn.execute(f"SELECT session_id, slot_id FROM session_allowed_slots "
                          f"WHERE session_id IN ({q}) ORDER BY slot_id", session_ids):
        out.setdefault(r[0], []).append(r[1])
    return out


def set_allowed_slots(conn: sqlite3.Connection, session_id: int,
                      slot_ids: list[int] | None) -> None:
    conn.execute("DELETE FROM session_allowed_slots WHERE session_id = ?", (session_id,))
    for sl in slot_ids or []:
        conn.execute("INSERT INTO session_allowed_slots (session_id, slot_id) VALUES (?, ?)",
                     (session_id, sl))




def set_level(conn: sqlite3.Connection, guild_id: int, session_id: int, user_id: int,
              level: int, now: str) -> None:
    """Store a level; 0 removes the row."""
    if level == 0:
        conn.execute("DELETE FROM interest WHERE session_id = ? AND user_id = ?",
                     (session_id, user_id))
        return
    conn.execute(
        "INSERT INTO interest (guild_id, session_id, user_id, level, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, user_id) DO UPDATE SET "
        "level = excluded.level, updated_at = excluded.updated_at",
        (guild_id, session_id, user_id, level, now))


def levels_of(conn: sqlite3.Connection, guild_id: int, user_id: int) -> dict[int, int]:
    return {r[0]: r[1] for r in conn.execute(
        "SELECT session_id, level FROM interest WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id))}


def public_sessions(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM sessions WHERE guild_id = ? AND status = 'public' "
                        "ORDER BY id", (guild_id,)).fetchall()


def public_interest(conn: sqlite3.Connection, guild_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT i.user_id, i.session_id, i.level FROM interest i "
        "JOIN sessions s ON s.id = i.session_id "
        "WHERE i.guild_id = ? AND s.status = 'public' ORDER BY i.session_id, i.user_id",
        (guild_id,)).fetchall()


def get_session_full(conn: sqlite3.Connection, guild_id: int, session_id: int,
                     user_id: int) -> sqlite3.Row | None:
    """One session with its owner's name, the user's level and the interested count."""
    return conn.execute(_LIST.format(where="s.id = :sid"),
                        {"guild": guild_id, "user": user_id, "sid": session_id}).fetchone()


def interest_in(conn: sqlite3.Connection, guild_id: int,
                session_ids: list[int] | None) -> list[sqlite3.Row]:
    """Everyone's level in these sessions (all the guild's sessions when None), any status."""
    if session_ids is None:
        return conn.execute("SELECT session_id, user_id, level FROM interest WHERE guild_id = ? "
                            "ORDER BY session_id, user_id", (guild_id,)).fetchall()
    rows: list[sqlite3.Row] = []
    for i in range(0, len(session_ids), 500):
        chunk = session_ids[i:i + 500]
        rows += conn.execute(
            "SELECT session_id, user_id, level FROM interest WHERE guild_id = ? AND session_id "
            f"IN ({','.join('?' * len(chunk))}) ORDER BY session_id, user_id",
            (guild_id, *chunk)).fetchall()
    return rows
