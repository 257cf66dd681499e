"""SQL for what the engine is told beside interest: co-hosts, sessions that must not run at
the same time, pinned sessions, and the slots attendees are here (session length and track
are columns of `sessions`)."""

from __future__ import annotations

from bot.storage.database import Row, Tx
from bot.storage.sessions import CHUNK, per_session

# ---------------------------------------------------------------------------- co-hosts

async def hosts_of(conn: Tx, guild_id: int, session_ids: list[int] | None = None
                   ) -> dict[int, list[int]]:
    """session id → its co-hosts (user ids, ascending), for these sessions or all the guild's."""
    out: dict[int, list[int]] = {}
    if session_ids is None:
        rows = await conn.fetchall("SELECT session_id, user_id FROM session_hosts "
                                   "WHERE guild_id = ? ORDER BY session_id, user_id",
                                   (guild_id,))
    else:
        rows = []
        for i in range(0, len(session_ids), CHUNK):
            chunk = session_ids[i:i + CHUNK]
            rows += await conn.fetchall(
                "SELECT session_id, user_id FROM session_hosts WHERE guild_id = ? AND "
                f"session_id IN ({','.join('?' * len(chunk))}) ORDER BY session_id, user_id",
                (guild_id, *chunk))
    for r in rows:
        out.setdefault(r["session_id"], []).append(r["user_id"])
    return out


async def hosts_of_sessions(conn: Tx, session_ids: list[int]) -> dict[int, list[int]]:
    """session id → its co-hosts, for sessions the caller has read from its own guild."""
    return await per_session(conn, "session_hosts", "user_id", session_ids)


async def set_hosts(conn: Tx, guild_id: int, session_id: int, user_ids: list[int]) -> None:
    await conn.execute("DELETE FROM session_hosts WHERE guild_id = ? AND session_id = ?",
                       (guild_id, session_id))
    if user_ids:
        await conn.executemany(
            "INSERT INTO session_hosts (guild_id, session_id, user_id) VALUES (?, ?, ?)",
            [(guild_id, session_id, u) for u in user_ids])


# ---------------------------------------------------------------------- not in parallel

async def not_in_parallel(conn: Tx, guild_id: int) -> list[tuple[int, int]]:
    rows = await conn.fetchall("SELECT session_a, session_b FROM not_in_parallel "
                               "WHERE guild_id = ? ORDER BY session_a, session_b", (guild_id,))
    return [(r["session_a"], r["session_b"]) for r in rows]


async def set_not_in_parallel(conn: Tx, guild_id: int, a: int, b: int, apart: bool) -> None:
    """Add (`apart`) or remove the pair; `a < b`."""
    if apart:
        await conn.execute("INSERT INTO not_in_parallel (guild_id, session_a, session_b) "
                           "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (guild_id, a, b))
    else:
        await conn.execute("DELETE FROM not_in_parallel WHERE guild_id = ? AND session_a = ? "
                           "AND session_b = ?", (guild_id, a, b))


# -------------------------------------------------------------------------------- pins

async def pins(conn: Tx, guild_id: int) -> list[Row]:
    """session_id, slot_id, room_id (None: any room) and the session's length (slots) of the
    guild's pinned sessions."""
    return await conn.fetchall(
        "SELECT p.session_id, p.slot_id, p.room_id, s.length FROM session_pins p "
        "JOIN sessions s ON s.id = p.session_id WHERE p.guild_id = ? ORDER BY p.session_id",
        (guild_id,))


async def set_pin(conn: Tx, guild_id: int, session_id: int, slot_id: int | None,
                  room_id: int | None) -> None:
    """Pin the session (a slot, optionally a room), or unpin it (`slot_id` None)."""
    if slot_id is None:
        await conn.execute("DELETE FROM session_pins WHERE guild_id = ? AND session_id = ?",
                           (guild_id, session_id))
        return
    await conn.execute(
        "INSERT INTO session_pins (guild_id, session_id, slot_id, room_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (session_id) DO UPDATE SET slot_id = excluded.slot_id, "
        "room_id = excluded.room_id", (guild_id, session_id, slot_id, room_id))


# ------------------------------------------------------------------ attendee availability

async def availability(conn: Tx, guild_id: int, user_id: int | None = None
                       ) -> dict[int, list[int]]:
    """user id → the slots they said they are here (ascending), for one user or all."""
    if user_id is None:
        rows = await conn.fetchall("SELECT user_id, slot_id FROM attendee_availability "
                                   "WHERE guild_id = ? ORDER BY user_id, slot_id", (guild_id,))
    else:
        rows = await conn.fetchall("SELECT user_id, slot_id FROM attendee_availability "
                                   "WHERE guild_id = ? AND user_id = ? ORDER BY slot_id",
                                   (guild_id, user_id))
    out: dict[int, list[int]] = {}
    for r in rows:
        out.setdefault(r["user_id"], []).append(r["slot_id"])
    return out


async def set_availability(conn: Tx, guild_id: int, user_id: int, slot_ids: list[int]) -> None:
    await conn.execute("DELETE FROM attendee_availability WHERE guild_id = ? AND user_id = ?",
                       (guild_id, user_id))
    if slot_ids:
        await conn.executemany(
            "INSERT INTO attendee_availability (guild_id, user_id, slot_id) VALUES (?, ?, ?)",
            [(guild_id, user_id, s) for s in slot_ids])
