"""The Database interface, the same on both engines: a transaction per call, a failing call
rolled back alone, reads of committed data, writes of one event taking turns."""

import asyncio

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
    with pytest.raises(Exception, match="closed"):
        await db.read(lambda c: c.fetchval("SELECT 1"))
