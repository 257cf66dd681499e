"""SQL of the one-off data fixes (bot/event/maintenance.py): which are done, and the keys they
recompute."""

from __future__ import annotations

from bot.storage.database import Row, Tx, claim, now_text


async def begin(conn: Tx, name: str) -> bool:
    """Record the fix as done; False when it was done already (nothing to do)."""
    return await claim(conn, "INSERT INTO maintenance (name, done_at) VALUES (?, ?)",
                       (name, now_text()))


async def titled(conn: Tx, table: str) -> list[Row]:
    """id, guild, text and key of every session (title) or room (name)."""
    text, key, live = (("title", "title_key", "status <> 'withdrawn'") if table == "sessions"
                       else ("name", "name_key", "TRUE"))
    return await conn.fetchall(
        f"SELECT id, guild_id, {text} AS text, {key} AS key, {live} AS live FROM {table} "
        "ORDER BY guild_id, id")


async def set_key(conn: Tx, table: str, row_id: int, key: str) -> None:
    column = "title_key" if table == "sessions" else "name_key"
    await conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (key, row_id))
