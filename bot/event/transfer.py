"""The whole event as JSON, both ways, and backups of the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.event.base import (
    RulesBase,
    check_actor,
    check_id,
    event_row,
    require_admin,
    touch,
)
from bot.event.errors import Conflict, InvalidInput, RateLimited
from bot.event.models import Actor
from bot.event.text import check_upload
from bot.storage import BackupUnsupported, Tx, transfer

MAX_JSON_CHARS = 20_000_000
BACKUP_PREFIX = "session-scheduler-backup-"
BACKUP_EVERY_SECONDS = 600.0


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

    async def backup(self, folder: str | Path, *, guild_id: int | None = None,
                     actor: Actor | None = None, keep: int | None = None) -> Path:
        """A consistent copy of the whole database (all guilds), on SQLite, as
        `session-scheduler-backup-<UTC time>.sqlite` in `folder`; of those files there, the
        newest `keep` stay (None: all).

        The file holds every guild's event, so it stays on the operator's machine; never send
        it to a guild (give a guild admin `export_event_json` instead). Asked for from a guild
        (`guild_id`, `actor`), it needs that guild's event and an admin, and a guild gets one
        every 10 minutes: each copies every guild's data. On PostgreSQL the refusal says to
        use pg_dump.
        """
        if guild_id is not None or actor is not None:
            guild_id = check_id(guild_id, "server")
            require_admin(check_actor(actor))
            await self.db.read(lambda conn: event_row(conn, guild_id))
            wait = self._backed_up.get(guild_id, -BACKUP_EVERY_SECONDS) + BACKUP_EVERY_SECONDS \
                - self._clock()
            if wait > 0:
                raise RateLimited(wait, "This server made a backup a moment ago (one every 10 "
                                        "minutes: each copies the whole database)")
        if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int)
                                 or keep < 1):
            raise InvalidInput("The number of backups to keep must be at least 1.")
        folder = Path(folder)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"{BACKUP_PREFIX}{stamp}.sqlite"
        try:
            await self.db.backup(target)
        except BackupUnsupported as e:
            raise Conflict(str(e)) from None
        if guild_id is not None:
            self._backed_up[guild_id] = self._clock()
        if keep is not None:  # the names sort by time
            for old in sorted(folder.glob(f"{BACKUP_PREFIX}*.sqlite"))[:-keep]:
                old.unlink(missing_ok=True)
        return target
