import asyncio

import pytest

from bot.storage import Database


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "x.sqlite")
    await database.write(lambda c: c.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v)"))
    yield database
    await database.close()


async def test_a_failing_call_is_rolled_back_alone_in_a_shared_transaction(db):
    def ok(k):
        return lambda c: c.execute("INSERT INTO t VALUES (?, 'ok')", (k,)).lastrowid

    def half_then_fail(c):
        c.execute("INSERT INTO t VALUES (100, 'half')")
        raise ValueError("refused")

    results = await asyncio.gather(db.write(ok(1)), db.write(half_then_fail), db.write(ok(2)),
                                   return_exceptions=True)
    assert results[0] == 1 and results[2] == 2
    assert isinstance(results[1], ValueError)
    rows = await db.read(lambda c: c.execute("SELECT k, v FROM t ORDER BY k").fetchall())
    assert [tuple(r) for r in rows] == [(1, "ok"), (2, "ok")]


async def test_reads_see_committed_writes(db):
    await db.write(lambda c: c.execute("INSERT INTO t VALUES (1, 'a')"))
    assert await db.read(lambda c: c.execute("SELECT v FROM t").fetchone()[0]) == "a"


async def test_outside_transaction_runs_vacuum_into(db, tmp_path):
    await db.write(lambda c: c.execute("INSERT INTO t VALUES (1, 'a')"))
    target = tmp_path / "copy.sqlite"
    await db.outside_transaction(lambda c: c.execute("VACUUM INTO ?", (str(target),)))
    copy = await Database.open(target)
    try:
        assert await copy.read(lambda c: c.execute("SELECT v FROM t").fetchone()[0]) == "a"
    finally:
        await copy.close()


async def test_closed_database_refuses_work(db):
    await db.close()
    with pytest.raises(RuntimeError, match="closed"):
        await db.read(lambda c: 1)
