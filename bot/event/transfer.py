"""The whole event as JSON, both ways, and backups of the database."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

from bot.event.base import (
    RulesBase,
    check_actor,
    check_id,
    event_row,
    require_admin,
    touch,
)
from bot.event.errors import Conflict, InvalidInput
from bot.event.export_model import read_export
from bot.event.models import Actor, EventImport
from bot.event.uploads import off_loop
from bot.storage import BackupUnsupported, Tx, transfer


class TransferRules(RulesBase):
    async def export_event_json(self, guild_id: int, actor: Actor) -> str:
        """The whole event as JSON (admins): settings, timetable, sessions, interest, versions."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))

        async def tx(conn: Tx) -> dict:
            await event_row(conn, guild_id)
            return await transfer.export_event(conn, guild_id)
        doc = await self.db.read(tx)
        return json.dumps(doc, ensure_ascii=False, indent=1)

    async def import_event_json(self, guild_id: int, actor: Actor, text: str | bytes, *,
                                server_ids: Collection[int] = ()) -> EventImport:
        """Replace this guild's whole event by an export (admins), all or nothing.

        The file (text, or the uploaded file's bytes) is checked whole, off the event loop,
        with the commands' own rules (bot/event/export_model.py); a refusal is one
        InvalidInput naming the first problems, and nothing is written. `server_ids`: the ids
        of this server's channels, threads and roles, as Discord lists them; any other
        channel or role id in the file is left out (`EventImport.dropped` says what), so the
        bot never posts into, or gates on, another server's channels and roles.
        """
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        vouched = frozenset(server_ids)
        if not all(type(i) is int for i in vouched):
            raise InvalidInput("The server's channel and role ids must be numbers.")
        rows = await off_loop(read_export, text, vouched)

        async def tx(conn: Tx) -> dict[str, int]:
            await event_row(conn, guild_id)
            counts = await transfer.import_event(conn, guild_id, rows.event, rows.tables)
            await touch(conn, guild_id, actor)
            return counts
        return EventImport(rows=await self.db.write(tx, guild=guild_id), dropped=rows.dropped)

    async def backup(self, path: str | Path | None = None, *, guild_id: int | None = None,
                     actor: Actor | None = None) -> Path:
        """A consistent copy of the whole database (all guilds), on SQLite.

        Default: `backups/<name>-<UTC time>.sqlite` next to the database (data/backups/).
        The file holds every guild's event, so it stays on the operator's machine; never send
        it to a guild (give a guild admin `export_event_json` instead). Asked for from a guild
        (`guild_id`, `actor`), it needs that guild's event and an admin. On PostgreSQL the
        refusal says to use pg_dump.
        """
        if guild_id is not None or actor is not None:
            guild_id = check_id(guild_id, "server")
            require_admin(check_actor(actor))
            await self.db.read(lambda conn: event_row(conn, guild_id))
        target = None if path is None else Path(path)
        if target is not None and target.exists():
            raise Conflict(f"{target} already exists; choose a new file name.")
        try:
            return await self.db.backup(target)
        except BackupUnsupported as e:
            raise Conflict(str(e)) from None
