"""PostgreSQL through psycopg 3 and its connection pool: for deployments past one machine.

Several processes may write to the database at once: the bot's processes, each running some
of its shards (ShardLocks), and the benchmarks. Writes run at PostgreSQL's default
isolation (READ COMMITTED) under a transaction-scoped advisory lock on the event's guild id:
writes to one event take turns, as on SQLite, while other events' writes run beside them;
`shared` writes (interest) take the lock in shared mode, so they run beside each other but
never beside another write of the event. Reads run as REPEATABLE READ, READ ONLY: one snapshot.

Values come back as the rules use them (bot/storage/dialect.py): TIMESTAMPTZ as UTC ISO-8601
text and DATE as ISO text, through psycopg's own loaders.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from psycopg import pq, sql
from psycopg.rows import dict_row
from psycopg.types.datetime import DateLoader, TimestamptzLoader
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from bot.shards import Process, ShardOwner, Shards
from bot.storage import migrations
from bot.storage.database import (
    BackupUnsupported,
    BadData,
    Database,
    DatabaseUnavailable,
    Params,
    Row,
    Tx,
)
from bot.storage.dialect import pyformat

T = TypeVar("T")
POOL_SIZE = 10
#: Seconds a statement waits for a pooled connection while the server cannot be reached
#: before it fails with DatabaseUnavailable.
POOL_TIMEOUT = 30.0
#: Advisory lock key of the migrations; guilds use their (positive) ids, shards two int4 keys
#: (ShardLocks).
MIGRATION_LOCK = -1
READ = sql.SQL("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")


class IsoTimestamptzLoader(TimestamptzLoader):
    def load(self, data: Any) -> str:
        return super().load(data).astimezone(UTC).isoformat()


class IsoDateLoader(DateLoader):
    def load(self, data: Any) -> str:
        return super().load(data).isoformat()


async def _configure(conn: psycopg.AsyncConnection) -> None:
    """Every pooled connection gives values as the rules use them."""
    conn.adapters.register_loader("timestamptz", IsoTimestamptzLoader)
    conn.adapters.register_loader("date", IsoDateLoader)


#: What PostgreSQL raises for values it refuses (see BadData).
REFUSED = (psycopg.IntegrityError, psycopg.DataError)


class PostgresTx(Tx):
    """One cursor for the whole transaction (each statement's rows are read before the next)."""

    def __init__(self, conn: psycopg.AsyncConnection):
        self._cursor = conn.cursor()

    async def _run(self, sql: str, params: Params) -> psycopg.AsyncCursor:
        try:
            return await self._cursor.execute(pyformat(sql), params)
        except REFUSED as e:
            raise BadData(str(e)) from e

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await (await self._run(sql, params)).fetchall()

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await (await self._run(sql, params)).fetchone()

    async def execute(self, sql: str, params: Params = ()) -> int:
        return (await self._run(sql, params)).rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        try:
            await self._cursor.executemany(pyformat(sql), list(rows))
        except REFUSED as e:
            raise BadData(str(e)) from e


class PostgresDatabase(Database):
    kind = "postgresql"

    def __init__(self, url: str, pool: AsyncConnectionPool, size: int):
        self.url = url
        self._pool = pool
        # Callers queue here, where waiting costs little, so the pool always has a connection
        # free when asked (its own queue arms a timeout per waiting caller).
        self._turns = asyncio.Semaphore(size)
        self._closed = False

    @classmethod
    async def open(cls, url: str, pool_size: int = POOL_SIZE) -> PostgresDatabase:
        try:
            conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
        except psycopg.OperationalError as e:
            raise DatabaseUnavailable(f"cannot connect to PostgreSQL ({_safe(url)}): "
                                      f"{str(e).strip()}") from None
        async with conn:
            await _migrate(conn, _safe(url))
        pool = AsyncConnectionPool(url, min_size=1, max_size=pool_size, open=False,
                                   configure=_configure, timeout=POOL_TIMEOUT,
                                   kwargs={"autocommit": True, "row_factory": dict_row})
        try:
            await pool.open(wait=True)
        except BaseException:
            await pool.close()
            raise
        return cls(url, pool, pool_size)

    async def write(self, fn: Callable[[Tx], Awaitable[T]], *, guild: int | None = None,
                    shared: bool = False) -> T:
        begin = sql.SQL("BEGIN")
        if guild is not None:  # in the same round trip as BEGIN
            lock = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
            begin = sql.SQL("BEGIN; SELECT {}({})").format(sql.Identifier(lock),
                                                           sql.Literal(int(guild)))
        self._check_open()
        async with self._connection() as conn:
            return await _transaction(conn, begin, fn)

    async def read(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        self._check_open()
        async with self._connection() as conn:
            return await _transaction(conn, READ, fn)

    @contextlib.asynccontextmanager
    async def _connection(self):
        """A pooled connection. Losing the server, or finding none within `POOL_TIMEOUT`, is
        DatabaseUnavailable, which callers may wait out; other errors stay what they are."""
        try:
            async with self._turns, self._pool.connection() as conn:
                try:
                    yield conn
                except psycopg.OperationalError as e:
                    if not conn.broken:
                        raise
                    raise DatabaseUnavailable(f"lost PostgreSQL ({_safe(self.url)}): "
                                              f"{str(e).strip()}") from e
        except PoolTimeout as e:
            raise DatabaseUnavailable(f"cannot connect to PostgreSQL ({_safe(self.url)}): "
                                      f"{str(e).strip()}") from e

    async def backup(self, target: Path) -> None:
        raise BackupUnsupported(
            "This bot keeps its data in PostgreSQL, which backs up with its own tools: the "
            "bot's operator runs `pg_dump` (or the hosting's database backups). /admin export "
            "gives you a copy of this event.")

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the database is closed")

    async def close(self) -> None:
        self._closed = True
        await self._pool.close()


async def _transaction(conn: psycopg.AsyncConnection, begin: sql.Composable,
                       fn: Callable[[Tx], Awaitable[T]]) -> T:
    try:
        await conn.execute(begin)
        result = await fn(PostgresTx(conn))
        if conn.info.transaction_status == pq.TransactionStatus.INERROR:
            # a statement failed and `fn` carried on: COMMIT would roll back without a word
            raise RuntimeError("a statement of this transaction failed; nothing was written")
        await conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(psycopg.Error):
            await conn.execute("ROLLBACK")
        raise
    return result


async def _migrate(conn: psycopg.AsyncConnection, where: str) -> None:
    """Apply pending migrations under a session lock, so processes starting together take
    turns and each version is applied once."""
    await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_version "
                           "(version INTEGER NOT NULL)")
        row = await (await conn.execute("SELECT version FROM schema_version")).fetchone()
        if row is None:
            await conn.execute("INSERT INTO schema_version (version) VALUES (0)")
        found = 0 if row is None else row[0]
        for version, script in migrations.pending("postgresql", found, where):
            async with conn.transaction():
                await conn.execute(script)
                await conn.execute("UPDATE schema_version SET version = %s", (version,))
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    info.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in info.items())


class ShardLocks:
    """The shards a process runs, each a session advisory lock held by one connection for as
    long as it stays open: two processes never run one shard, and a process that dies lets go
    at once (its connection closes; keepalives find a machine gone within about a minute).

    Keys are two int4, (shard_count, shard_id): PostgreSQL keeps that key space apart from the
    bigint one of the guilds' write locks and MIGRATION_LOCK. Processes with different shard
    counts would deal the guilds differently, so their shards overlap: a process that finds
    another count's lock held in the database gives its own up. Synchronous, like the file
    lock it stands in for, so that it is taken before the bot's event loop starts."""

    def __init__(self, url: str, shards: Shards, process: Process):
        self._url, self._shards, self._process = url, shards, process
        self._conn: psycopg.Connection | None = None
        self._conflict = ""

    def try_take(self) -> bool:
        conn = self._connect()
        count = self._shards.count
        taken: list[int] = []
        for shard in self._shards.ids:
            if not conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                                (count, shard)).fetchone()[0]:
                self._conflict = self._held_by(conn, count, shard)
                break
            taken.append(shard)
        else:
            other = conn.execute(
                "SELECT l.classid::bigint, a.application_name FROM pg_locks l "
                "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted "
                "AND l.database = (SELECT oid FROM pg_database "
                "                  WHERE datname = current_database()) "
                "AND l.pid <> pg_backend_pid() AND l.classid::bigint <> %s LIMIT 1",
                (count,)).fetchone()
            if other is None:
                return True
            self._conflict = (
                f"Another session-scheduler ({other[1] or 'another process'}) runs this "
                f"database's bot in {other[0]} shards, this one in {count}; every process on "
                "one database uses the same shard_count (to change it, stop them all)")
        for shard in taken:
            conn.execute("SELECT pg_advisory_unlock(%s, %s)", (count, shard))
        return False

    def conflict(self) -> str:
        """What stopped the last `try_take`, as a sentence for the operator."""
        return self._conflict

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connect(self) -> psycopg.Connection:
        if self._conn is None:
            try:
                self._conn = psycopg.connect(
                    self._url, autocommit=True, keepalives=1, keepalives_idle=30,
                    keepalives_interval=10, keepalives_count=3,
                    application_name=f"session-scheduler {self._process} "
                                     f"shards {self._shards}")
            except psycopg.OperationalError as e:
                raise DatabaseUnavailable(f"cannot connect to PostgreSQL ({_safe(self._url)}): "
                                          f"{str(e).strip()}") from None
        return self._conn

    @staticmethod
    def owners(url: str) -> list[ShardOwner]:
        """Every shard lock held on the database, with the label (application_name) of the
        process holding it."""
        try:
            with psycopg.connect(url, autocommit=True,
                                 application_name="session-scheduler status") as conn:
                rows = conn.execute(
                    "SELECT l.classid::bigint, l.objid::bigint, a.application_name, "
                    "a.backend_start, host(a.client_addr) FROM pg_locks l "
                    "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted "
                    "AND l.database = (SELECT oid FROM pg_database "
                    "                  WHERE datname = current_database()) "
                    "ORDER BY 1, 2").fetchall()
        except psycopg.OperationalError as e:
            raise DatabaseUnavailable(f"cannot connect to PostgreSQL ({_safe(url)}): "
                                      f"{str(e).strip()}") from None
        return [ShardOwner(count, shard, label or "", since and since.astimezone(UTC).isoformat(),
                           client)
                for count, shard, label, since, client in rows]

    def _held_by(self, conn: psycopg.Connection, count: int, shard: int) -> str:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted "
            "AND l.classid::bigint = %s AND l.objid::bigint = %s "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (count, shard)).fetchone()
        holder = row[0] if row and row[0] else "another process"
        what = "is running" if count == 1 else f"runs shard {shard} of {count}"
        return f"Another session-scheduler ({holder}) {what} on this database"
