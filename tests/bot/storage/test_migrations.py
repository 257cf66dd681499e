"""Migrations on both engines: a new database gets the current schema, the same tables and
columns on each; reopening migrates nothing; a database newer than the code refuses to open."""

import sqlite3

import psycopg
import pytest

from bot.storage import DatabaseTooNew, migrations, open_database
from tests.bot.helpers import rows, table_names


async def test_fresh_sqlite_database_gets_current_schema_and_pragmas(tmp_path):
    db = await open_database(tmp_path / "sub" / "x.sqlite")
    try:
        found = {}
        for pragma in ("user_version", "journal_mode", "foreign_keys", "busy_timeout"):
            [row] = await rows(db, f"PRAGMA {pragma}")
            found[pragma] = next(iter(row.values()))
    finally:
        await db.close()
    assert found["user_version"] == migrations.schema_version() >= 4
    assert found["journal_mode"] == "wal"
    assert found["foreign_keys"] == 1
    assert found["busy_timeout"] >= 1000


async def test_fresh_postgresql_database_gets_current_schema(postgres):
    db = await open_database(postgres.new_database(migrated=False))
    try:
        [row] = await rows(db, "SELECT version FROM schema_version")
    finally:
        await db.close()
    assert row["version"] == migrations.schema_version()


async def stored_version(db) -> int:
    [row] = await rows(db, "PRAGMA user_version" if db.kind == "sqlite"
                       else "SELECT version AS user_version FROM schema_version")
    return row["user_version"]


async def _columns(db) -> dict[str, list[tuple[str, bool]]]:
    """table → (column, may be NULL) in name order."""
    out = {}
    for table in await table_names(db):
        if db.kind == "sqlite":
            cols = [(r["name"], not (r["notnull"] or r["pk"]))
                    for r in await rows(db, f"PRAGMA table_info({table})")]
        else:
            cols = [(r["column_name"], r["is_nullable"] == "YES") for r in await rows(
                db, "SELECT column_name, is_nullable FROM information_schema.columns "
                "WHERE table_name = ?", (table,))]
        out[table] = sorted(cols)
    return out


async def test_both_engines_have_the_same_tables_and_columns(tmp_path, postgres):
    lite = await open_database(tmp_path / "x.sqlite")
    pg = await open_database(postgres.new_database(migrated=False))
    try:
        assert await _columns(lite) == await _columns(pg)
    finally:
        await lite.close()
        await pg.close()


async def test_reopening_migrates_nothing(database, monkeypatch):
    await (await open_database(database)).close()
    current = migrations.schema_version()
    # a script run a second time would fail: reopening must run none
    monkeypatch.setattr(migrations, "scripts", lambda kind: {1: "CREATE TABLE (;"})
    monkeypatch.setattr(migrations, "schema_version", lambda: current)
    db = await open_database(database)
    try:
        assert await stored_version(db) == current
    finally:
        await db.close()


async def test_newer_sqlite_database_refuses_to_open_with_clear_message(tmp_path):
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.schema_version() + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew, match="newer release") as info:
        await open_database(path)
    assert str(path) in str(info.value)


async def test_newer_postgresql_database_refuses_to_open_with_clear_message(postgres):
    url = postgres.new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE schema_version SET version = version + 1")
    with pytest.raises(DatabaseTooNew, match="newer release") as info:
        await open_database(url)
    assert "password" not in str(info.value)


async def test_a_failed_migration_leaves_the_version_unchanged(tmp_path, postgres, monkeypatch):
    lite, pg = tmp_path / "x.sqlite", postgres.new_database()
    for target in (lite, pg):
        await (await open_database(target)).close()
    broken = {kind: {**migrations.scripts(kind), migrations.schema_version() + 1:
                     "CREATE TABLE broken (x INTEGER); CREATE TABLE (;"}
              for kind in ("sqlite", "postgresql")}
    monkeypatch.setattr(migrations, "scripts", broken.__getitem__)
    with pytest.raises(sqlite3.OperationalError):
        await open_database(lite)
    with pytest.raises(psycopg.errors.SyntaxError):
        await open_database(pg)
    monkeypatch.undo()
    for target in (lite, pg):
        db = await open_database(target)
        try:
            assert "broken" not in await table_names(db)
            assert await stored_version(db) == migrations.schema_version()
        finally:
            await db.close()
