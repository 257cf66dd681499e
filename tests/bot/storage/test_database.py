"""The Database interface, the same on both engines: a transaction per call, a failing call
rolled back alone, reads of committed data, writes of one event taking turns."""

import asyncio
import contextlib

import pytest

from bot.storage import BadData, open_database


@pytest.fixture
async def db(database):
    opened = await open_database(database)
    await opened.write(lambda c: c.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"))
    yield opened
    await opened.close()


async def values(db) -> list[tuple]:
    rows = await db.read(lambda c: c.fetchall("SELECT k, v FROM t ORDER BY k"))
    return [(r["k"], r["v"]) for r in rows]


async def test_a_failing_call_is_rolled_back_alone(db):
    async def ok(c, k):
        await c.execute("INSERT INTO t VALUES (?, 'ok')", (k,))
        return k

    async def half_then_fail(c):
        await c.execute("INSERT INTO t VALUES (100, 'half')")
        raise ValueError("refused")

    results = await asyncio.gather(db.write(lambda c: ok(c, 1)), db.write(half_then_fail),
                                   db.write(lambda c: ok(c, 2)), return_exceptions=True)
    assert results[0] == 1 and results[2] == 2
    assert isinstance(results[1], ValueError)
    assert await values(db) == [(1, "ok"), (2, "ok")]


async def test_refused_values_are_bad_data_on_either_engine(db):
    await db.write(lambda c: c.execute("INSERT INTO t VALUES (1, 'a')"))
    with pytest.raises(BadData):
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (1, 'again')"))
    with pytest.raises(BadData):
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (?, 'huge')", (2**70,)))
    assert await values(db) == [(1, "a")]


async def test_placeholders_named_and_positional_and_literal_text(db):
    async def tx(c):
        await c.executemany("INSERT INTO t VALUES (?, ?)", [(1, "50%"), (2, "x:y ?")])
        return await c.fetchall("SELECT k, v FROM t WHERE v <> 'a?b :c %' AND k >= :low "
                                "ORDER BY k", {"low": 1})
    rows = await db.write(tx)
    assert [(r["k"], r["v"]) for r in rows] == [(1, "50%"), (2, "x:y ?")]
    assert await db.read(lambda c: c.fetchval("SELECT count(*) FROM t")) == 2
    assert await db.read(lambda c: c.fetchone("SELECT v FROM t WHERE k = 3")) is None


async def test_writes_to_one_event_take_turns(db):
    """Read-then-write calls of one guild never interleave: no increment is lost."""
    await db.write(lambda c: c.execute("INSERT INTO t VALUES (1, '0')"))

    async def increment(c):
        n = int(await c.fetchval("SELECT v FROM t WHERE k = 1"))
        await asyncio.sleep(0)  # let every other call reach the same point, if it can
        await c.execute("UPDATE t SET v = ? WHERE k = 1", (str(n + 1),))

    await asyncio.gather(*(db.write(increment, guild=7) for _ in range(30)))
    assert await values(db) == [(1, "30")]


async def test_closed_database_refuses_work(db):
    await db.close()
    with pytest.raises(RuntimeError, match="closed"):
        await db.read(lambda c: c.fetchval("SELECT 1"))


async def test_a_write_cancelled_at_any_point_leaves_the_next_writes_working(db):
    """Cancelled while BEGIN, a statement or COMMIT is in flight: the engine still runs what
    it was sent, and the transaction must not stay open behind the next caller's back."""
    async def slow_insert(c):
        await c.execute("INSERT INTO t VALUES (1, 'maybe')")
        await asyncio.sleep(0.05)

    for delay in (0, 0.001, 0.01, 0.03, 0.06):
        task = asyncio.ensure_future(db.write(slow_insert, guild=1))
        await asyncio.sleep(delay)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, BadData):
            await task
        await db.write(lambda c: c.execute("DELETE FROM t"), guild=1)
        await db.write(lambda c: c.execute("INSERT INTO t VALUES (2, 'next')"), guild=1)
        assert await values(db) == [(2, "next")]


async def test_a_failed_statement_the_caller_caught_does_not_commit_the_rest(db):
    """On SQLite the other statements commit; on PostgreSQL the failed statement spoiled the
    transaction, so the call must fail rather than return as if it had written."""
    async def swallow(c):
        await c.execute("INSERT INTO t VALUES (1, 'a')")
        with contextlib.suppress(BadData):
            await c.execute("INSERT INTO t VALUES (1, 'dup')")
        return "done"

    if db.kind == "sqlite":
        assert await db.write(swallow) == "done"
        assert await values(db) == [(1, "a")]
    else:
        with pytest.raises(RuntimeError, match="nothing was written"):
            await db.write(swallow)
        assert await values(db) == []


async def test_reads_cannot_write(db):
    with pytest.raises(Exception):  # noqa: B017 - each engine words its refusal its own way
        await db.read(lambda c: c.execute("INSERT INTO t VALUES (1, 'x')"))
    assert await values(db) == []


async def test_shared_writes_run_side_by_side_but_never_beside_an_exclusive_one(db):
    """Interest presses (shared) of one event overlap each other; a write that needs the event
    to itself waits for them and holds them off. On SQLite every write takes its turn."""
    inside = {"shared": 0, "exclusive": 0}
    seen: list[tuple[str, int, int]] = []  # (kind entering, shared inside, exclusive inside)

    async def body(c, kind):
        inside[kind] += 1
        seen.append((kind, inside["shared"], inside["exclusive"]))
        await c.fetchval("SELECT 1")
        await asyncio.sleep(0.02)
        inside[kind] -= 1

    def shared():
        return db.write(lambda c: body(c, "shared"), guild=5, shared=True)

    await asyncio.gather(*(shared() for _ in range(4)),
                         db.write(lambda c: body(c, "exclusive"), guild=5),
                         *(shared() for _ in range(4)))
    assert [s for s in seen if s[0] == "exclusive"] == [("exclusive", 0, 1)]
    assert all(ex == 0 for kind, _, ex in seen if kind == "shared")
    most = max(n for kind, n, _ in seen if kind == "shared")
    assert most == 1 if db.kind == "sqlite" else most > 1
