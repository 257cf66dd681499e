"""The whole event as JSON, both ways, and backups of the database."""

from __future__ import annotations

import json
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
from bot.event.models import Actor
from bot.event.text import check_upload
from bot.storage import BackupUnsupported, Tx, transfer

MAX_JSON_CHARS = 20_000_000


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

    async def import_event_json(self, guild_id: int, actor: Actor, text: str) -> dict[str, int]:
        """Replace this guild's whole event by an export (admins). Returns rows per table."""
        guild_id = check_id(guild_id, "server")
        require_admin(check_actor(actor))
        check_upload(text, "export file", MAX_JSON_CHARS)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"The export file is not valid JSON: {e}.") from None
        if not isinstance(doc, dict):
            raise InvalidInput("The export file is not a session-scheduler event export.")

        async def tx(conn: Tx) -> dict[str, int]:
            await event_row(conn, guild_id)
            try:
                counts = await transfer.import_event(conn, guild_id, doc)
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                raise InvalidInput(f"The export file is not a valid event export ({e}).") from None
            await touch(conn, guild_id, actor)
            return counts
        return await self.db.write(tx, guild=guild_id)

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
