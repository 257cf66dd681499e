"""The whole event as JSON, both ways, and consistent backups of the database."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from bot.event._common import (
    MAX_JSON_CHARS,
    ServiceBase,
    Tx,
    _check_actor,
    _check_id,
    _event,
    _require_admin,
    _touch,
)
from bot.event.errors import Conflict, InvalidInput
from bot.event.models import Actor
from bot.event.text import check_upload
from bot.storage import transfer


class TransferRules(ServiceBase):
    async def export_event_json(self, guild_id: int, actor: Actor) -> str:
        """The whole event as JSON (admins): settings, timetable, sessions, interest, versions."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))

        def tx(conn: Tx) -> dict:
            _event(conn, guild_id)
            return transfer.export_event(conn, guild_id)
        doc = await self.db.read(tx)
        return json.dumps(doc, ensure_ascii=False, indent=1)

    async def import_event_json(self, guild_id: int, actor: Actor, text: str) -> dict[str, int]:
        """Replace this guild's whole event by an export (admins). Returns rows per table."""
        guild_id = _check_id(guild_id, "server")
        _require_admin(_check_actor(actor))
        check_upload(text, "export file", MAX_JSON_CHARS)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"The export file is not valid JSON: {e}.") from None
        if not isinstance(doc, dict):
            raise InvalidInput("The export file is not a session-scheduler event export.")

        def tx(conn: Tx) -> dict[str, int]:
            _event(conn, guild_id)
            try:
                counts = transfer.import_event(conn, guild_id, doc)
            except (KeyError, TypeError, ValueError, AttributeError, sqlite3.IntegrityError,
                    sqlite3.InterfaceError) as e:
                raise InvalidInput(f"The export file is not a valid event export ({e}).") from None
            _touch(conn, guild_id, actor)
            return counts
        return await self.db.write(tx)

    async def backup(self, path: str | Path | None = None, *, guild_id: int | None = None,
                     actor: Actor | None = None) -> Path:
        """A consistent copy of the whole database (all guilds) via VACUUM INTO.

        Default: `backups/<name>-<UTC time>.sqlite` next to the database (data/backups/).
        The file holds every guild's event, so it stays on the operator's machine; never send
        it to a guild (give a guild admin `export_event_json` instead). Asked for from a guild
        (`guild_id`, `actor`), it needs that guild's event and an admin.
        """
        if guild_id is not None or actor is not None:
            guild_id = _check_id(guild_id, "server")
            _require_admin(_check_actor(actor))
            await self.db.read(lambda conn: _event(conn, guild_id))
        if path is None:
            stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
            path = self.db.path.parent / "backups" / f"{self.db.path.stem}-{stamp}.sqlite"
        target = Path(path)
        if target.exists():
            raise Conflict(f"{target} already exists; choose a new file name.")
        target.parent.mkdir(parents=True, exist_ok=True)
        await self.db.outside_transaction(lambda conn: transfer.vacuum_into(conn, str(target)))
        return target
