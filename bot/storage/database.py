"""The database behind every event: one interface, two engines.

SQLite through aiosqlite is the embedded default (a file under data/, nothing to install);
PostgreSQL through psycopg 3 serves deployments that outgrow one machine. Everything above this
package sees only `Database` and `Tx`:

    async def tx(conn: Tx) -> int:
        row = await conn.fetchone("SELECT count(*) AS n FROM sessions WHERE guild_id = ?", (g,))
        return row["n"]
    n = await db.read(tx)

`write(fn)` runs `await fn(tx)` as one transaction that commits when `fn` returns and rolls
back, alone, when it raises; `read(fn)` sees one consistent snapshot of committed data. Rows
are read by column name. SQL is written in SQLite's dialect with `?`/`:name` placeholders
(bot/storage/dialect.py says what else the two engines must share).
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from bot.storage.dialect import Kind

T = TypeVar("T")
DEFAULT_DATABASE_PATH = "data/session-scheduler.sqlite"

#: A row: read it by column name (`row["title"]`) or copy it with `dict(row)`, nothing else
#: (SQLite gives `sqlite3.Row`, PostgreSQL a dict).
Row = Mapping[str, Any]
Params = Sequence[Any] | Mapping[str, Any]


def assignments(changes: Mapping[str, object], columns: frozenset[str]) -> str:
    """`a = ?, b = ?` for an UPDATE of `changes`, whose keys must be among `columns` (the
    names go into the SQL text; values always go as parameters)."""
    unknown = set(changes) - columns
    if unknown:
        raise ValueError(f"not columns here: {sorted(unknown)}")
    return ", ".join(f"{c} = ?" for c in changes)


def now_text() -> str:
    """The current instant as stored (UTC ISO-8601 text, to the microsecond: what happened
    first is told apart even within a second, e.g. a withdrawal and a publish)."""
    return datetime.now(UTC).isoformat()


async def claim(conn: Tx, insert: str, params: Params,
                take_over: tuple[str, str, tuple[str, str]] | None = None) -> bool:
    """Run an INSERT whose row says "done" (a message sent, a reminder claimed): True when
    this call wrote it, False when it was there already, so exactly one caller goes on.

    take_over: (table, its key columns, (from, to) instants) for rows with a `holder`
    column, whose last value in `params` is the caller's: a row another holder still holds,
    claimed from `from` and before `to` (a process killed while sending, before the caller
    started), is taken over with this call's values."""
    if take_over is None:
        return await conn.execute(insert + " ON CONFLICT DO NOTHING", params) == 1
    table, key, (since, until) = take_over
    return await conn.execute(
        f"{insert} ON CONFLICT ({key}) DO UPDATE SET holder = excluded.holder, "
        f"sent_at = excluded.sent_at WHERE {table}.holder IS NOT NULL "
        f"AND {table}.holder <> excluded.holder AND {table}.sent_at >= ? "
        f"AND {table}.sent_at < ?", (*params, since, until)) == 1


class DatabaseUnavailable(RuntimeError):
    """The database server could not be reached or refused us; the message says which."""


class BadData(ValueError):
    """The database refused the values of a statement (a constraint, a type, a range): the
    same error from either engine, for code that writes data it did not check itself."""


class BackupUnsupported(RuntimeError):
    """The engine's own tools make backups (PostgreSQL: pg_dump); the message says which."""


class Tx(abc.ABC):
    """The statements of one transaction."""

    @abc.abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    @abc.abstractmethod
    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row, or None (for queries that find at most one)."""

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else next(iter(dict(row).values()))

    @abc.abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; how many rows it changed."""

    @abc.abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...


class Database(abc.ABC):
    kind: ClassVar[Kind]

    @abc.abstractmethod
    async def read(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """`await fn(tx)` on one consistent snapshot; it must not write."""

    @abc.abstractmethod
    async def write(self, fn: Callable[[Tx], Awaitable[T]], *, guild: int | None = None,
                    shared: bool = False) -> T:
        """`await fn(tx)` in one transaction, committed before this returns.

        Writes to one event (`guild`) run one at a time, so a rule that reads before it writes
        (a duplicate title, a limit) sees no other write of that event in between. `shared`
        marks calls that only add or change the actor's own rows (interest): those may run
        side by side with each other, never beside another write of the event. SQLite runs
        every write one at a time anyway.
        """

    @abc.abstractmethod
    async def backup(self, target: Path) -> None:
        """A consistent copy of the whole database (every guild) at `target`; a copy that was
        interrupted never appears under that name. Raises BackupUnsupported where the engine's
        own tools should be used."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def is_postgresql(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


async def open_database(target: str | Path = DEFAULT_DATABASE_PATH) -> Database:
    """Open and migrate the database: a `postgresql://` URL, else the path of a SQLite file
    (created with its folder if needed). Refuses a database newer than the code."""
    if is_postgresql(target):
        from bot.storage.postgresql import PostgresDatabase
        return await PostgresDatabase.open(str(target))
    from bot.storage.sqlite import SqliteDatabase
    return await SqliteDatabase.open(Path(target))
