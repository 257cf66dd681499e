"""The whole event as JSON, both ways, and backups of the database."""

from __future__ import annotations

import json
from collections.abc import Collection
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
from bot.event.export_model import read_export
from bot.event.models import Actor, EventImport
from bot.event.uploads import off_loop
from bot.i18n import N_
from bot.storage import BackupUnsupported, Tx, transfer

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
            raise InvalidInput(N_("The server's channel and role ids must be numbers."))
        rows = await off_loop(read_export, text, vouched)

        async def tx(conn: Tx) -> dict[str, int]:
            await event_row(conn, guild_id)
            counts = await transfer.import_event(conn, guild_id, rows.event, rows.tables)
            await touch(conn, guild_id, actor)
            return counts
        return EventImport(rows=await self.db.write(tx, guild=guild_id), dropped=rows.dropped)

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
            last = self._backed_up.get(guild_id, -BACKUP_EVERY_SECONDS)
            wait = last + BACKUP_EVERY_SECONDS - self._clock()
            if wait > 0:
                raise RateLimited(wait, N_("This server made a backup a moment ago (one every "
                                           "10 minutes: each copies the whole database)"))
            self._backed_up[guild_id] = self._clock()  # taken now: a second ask waits
        if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int)
                                 or keep < 1):
            raise InvalidInput(N_("The number of backups to keep must be at least 1."))
        folder = Path(folder)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"{BACKUP_PREFIX}{stamp}.sqlite"
        for stale in folder.glob(f".{BACKUP_PREFIX}*.partial"):  # copies killed half-way
            stale.unlink(missing_ok=True)
        try:
            await self.db.backup(target)
        except BaseException as e:
            if guild_id is not None:  # this one did not happen: the server may ask again
                self._backed_up[guild_id] = last
            if isinstance(e, BackupUnsupported):
                raise Conflict(str(e)) from None
            raise
        if keep is not None:  # the names sort by time
            for old in sorted(folder.glob(f"{BACKUP_PREFIX}*.sqlite"))[:-keep]:
                old.unlink(missing_ok=True)
        return target
