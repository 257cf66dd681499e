"""Forward-only schema migrations, as numbered SQL files, for both engines.

- `NNNN_name.sql` here: a migration shared by both engines, column types named by what they
  hold (`{snowflake}`, `{bool}`..., see bot/storage/dialect.py).
- `sqlite/NNNN_name.sql`, `postgresql/NNNN_name.sql`: the same version written for one engine
  only, where the two cannot share a script (it then replaces the shared one for that engine).
- `postgresql/0004_baseline.sql` creates version 4 at once: PostgreSQL came after it, so a
  new PostgreSQL database starts there and never sees versions 1-3.

Each version is applied in its own transaction with the version number it reaches (SQLite:
`PRAGMA user_version`; PostgreSQL: the `schema_version` table). A database at a version newer
than the code refuses to open. Never edit a released migration: add the next number.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from bot.storage.dialect import Kind, ddl

_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


class DatabaseTooNew(RuntimeError):
    """The database was written by a newer version of the bot; opening it could corrupt it."""


@functools.cache
def scripts(kind: Kind) -> dict[int, str]:
    """version → SQL that brings the schema from the version before to it, for one engine."""
    found: dict[int, str] = {}
    root = resources.files(__name__)
    for folder, own in ((root, False), (root / kind, True)):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            match = _NAME.fullmatch(entry.name)
            if match:
                text = entry.read_text(encoding="utf-8")
                found[int(match[1])] = text if own else ddl(text, kind)
    return dict(sorted(found.items()))


def schema_version() -> int:
    """The version this code writes (the same for both engines)."""
    versions = {max(scripts(k)) for k in ("sqlite", "postgresql")}
    if len(versions) != 1:
        raise RuntimeError(f"the engines' migrations end at different versions: {versions}")
    return versions.pop()


def pending(kind: Kind, found: int, where: str) -> list[tuple[int, str]]:
    """The migrations to apply to a database at version `found`, in order."""
    latest = schema_version()
    if found > latest:
        raise DatabaseTooNew(
            f"The database {where} has schema version {found}, but this version of "
            f"session-scheduler only knows up to version {latest}. It was written by a newer "
            "release: upgrade the bot (or open a backup made by this version).")
    todo = [(v, sql) for v, sql in scripts(kind).items() if v > found]
    if found and todo and todo[0][0] != found + 1:
        raise RuntimeError(f"no migration from version {found} to {found + 1} for {kind}")
    return todo
