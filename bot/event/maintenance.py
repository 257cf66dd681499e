"""One-off fixes of stored data, run when the rules open a database, each once: what a
release changes in the rules' own computations (title keys) and SQL migrations cannot redo."""

from __future__ import annotations

import logging

from bot.event.text import title_key
from bot.storage import Database, Tx, maintenance

log = logging.getLogger(__name__)


async def _title_keys(conn: Tx) -> None:
    """Title and room-name keys under the current text rules (invisible characters folded
    out), so a look-alike of a title stored earlier is found a duplicate. A key that would now
    clash with another live title of the server keeps its old value (both stay)."""
    for table in ("sessions", "rooms"):
        rows = await maintenance.titled(conn, table)
        taken = {(r["guild_id"], r["key"]) for r in rows if r["live"]}
        for r in rows:
            new = title_key(r["text"])
            if new == r["key"]:
                continue
            if r["live"] and (r["guild_id"], new) in taken:
                log.warning("%s %s keeps its old key: its new one is another's", table, r["id"])
                continue
            await maintenance.set_key(conn, table, r["id"], new)
            if r["live"]:
                taken.discard((r["guild_id"], r["key"]))
                taken.add((r["guild_id"], new))


FIXES = (("title-keys-ignorables", _title_keys),)


async def run(db: Database) -> None:
    """Each fix not done yet, in a transaction of its own that also records it done (so two
    processes opening the database together do it once)."""
    for name, fix in FIXES:
        async def tx(conn: Tx, name: str = name, fix=fix) -> None:
            if await maintenance.begin(conn, name):
                await fix(conn)
        await db.write(tx, guild=0)
