"""SQLite through aiosqlite: the embedded default.

One connection writes, a few read. Writes take turns on an asyncio lock and run as `BEGIN
IMMEDIATE` … `COMMIT`, so a rules call that reads before it writes is never interleaved with
another write. In WAL mode the readers see the last committed state and never wait for the
writer; they are read-only connections, so a read that tried to write fails here as it does on
PostgreSQL. `synchronous = NORMAL` keeps every committed transaction across a crash of the
process (the WAL is written before COMMIT returns); only a power loss may lose the last ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TypeVar

import aiosqlite

from bot.storage import migrations
from bot.storage.database import BadData, Database, Params, Row, Tx

T = TypeVar("T")
BUSY_TIMEOUT_MS = 10_000
READERS = 3
PRAGMAS = (f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}", "PRAGMA journal_mode = WAL",
           "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON")
#: What SQLite raises for values it refuses (see BadData).
REFUSED = (sqlite3.IntegrityError, sqlite3.InterfaceError, OverflowError)


async def connect(path: Path, *, read_only: bool = False) -> aiosqlite.Connection:
    """A connection with the settings every user of the file needs."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row  # read by name in C; a dict per row cost 5-10 %
        for pragma in PRAGMAS + (("PRAGMA query_only = ON",) if read_only else ()):
            await conn.execute(pragma)
    except BaseException:
        await conn.close()
        raise
    return conn


class SqliteTx(Tx):
    def __init__(self, conn: aiosqlite.Connection):
        self._conn = conn

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return list(await self._conn.execute_fetchall(sql, params))
        except REFUSED as e:
            raise BadData(str(e)) from e

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            return (await self._conn.execute(sql, params)).rowcount
        except REFUSED as e:
            raise BadData(str(e)) from e

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        try:
            await self._conn.executemany(sql, rows)
        except REFUSED as e:
            raise BadData(str(e)) from e


class SqliteDatabase(Database):
    kind = "sqlite"

    def __init__(self, path: Path, writer: aiosqlite.Connection,
                 readers: list[aiosqlite.Connection]):
        self.path = path
        self._writer = writer
        self._write_turn = asyncio.Lock()
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for reader in readers:
            self._readers.put_nowait(reader)
        self._reader_count = len(readers)
        self._closed = False

    @classmethod
    async def open(cls, path: Path, readers: int = READERS) -> SqliteDatabase:
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await connect(path)
        opened = [writer]
        try:
            await _migrate(writer, path)
            for _ in range(readers):
                opened.append(await connect(path, read_only=True))
        except BaseException:
            for conn in opened:
                await conn.close()
            raise
        return cls(path, writer, opened[1:])

    async def write(self, fn: Callable[[Tx], Awaitable[T]], *, guild: int | None = None,
                    shared: bool = False) -> T:
        self._check_open()
        async with self._write_turn:
            return await _transaction(self._writer, "BEGIN IMMEDIATE", fn)

    async def read(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        self._check_open()
        conn = await self._readers.get()
        try:
            return await _transaction(conn, "BEGIN", fn)
        finally:
            self._readers.put_nowait(conn)

    async def backup(self, target: Path) -> None:
        """`VACUUM INTO` a temporary name next to `target`, renamed once complete. It reads one
        snapshot on a connection of its own, so writes go on meanwhile."""
        self._check_open()
        if target.exists():
            raise FileExistsError(f"{target} exists already")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        conn = await connect(self.path)
        try:
            await conn.execute("VACUUM INTO ?", (str(partial),))
            partial.replace(target)
        finally:
            await conn.close()
            partial.unlink(missing_ok=True)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the database is closed")

    async def close(self) -> None:
        """Waits for the calls in flight, then closes every connection."""
        if self._closed:
            return
        self._closed = True
        async with self._write_turn:
            await self._writer.close()
        for _ in range(self._reader_count):
            await (await self._readers.get()).close()


async def _transaction(conn: aiosqlite.Connection, begin: str,
                       fn: Callable[[Tx], Awaitable[T]]) -> T:
    """`fn` between `begin` and COMMIT; ROLLBACK when anything fails or the caller is
    cancelled. aiosqlite runs each statement it was given even when its caller is cancelled, in
    order, so the ROLLBACK always comes after whatever was sent (and is a no-op when nothing
    was begun)."""
    try:
        await conn.execute(begin)
        result = await fn(SqliteTx(conn))
        await conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.OperationalError, ValueError):
            await conn.execute("ROLLBACK")
        raise
    return result


async def _migrate(conn: aiosqlite.Connection, path: Path) -> None:
    found = (await (await conn.execute("PRAGMA user_version")).fetchone())[0]
    for version, script in migrations.pending("sqlite", found, str(path)):
        try:
            await conn.executescript(f"BEGIN IMMEDIATE;\n{script}\n"
                                     f"PRAGMA user_version = {version};\nCOMMIT;")
        except BaseException:
            with contextlib.suppress(sqlite3.OperationalError):
                await conn.execute("ROLLBACK")
            raise
