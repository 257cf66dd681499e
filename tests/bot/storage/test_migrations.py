import sqlite3

import pytest

from bot.storage import Database, DatabaseTooNew
from bot.storage.database import connect
from bot.storage.migrations import SCHEMA_VERSION, migrate


async def test_fresh_database_gets_current_schema_and_pragmas(tmp_path):
    db = await Database.open(tmp_path / "sub" / "x.sqlite")
    try:
        def read(conn):
            return (conn.execute("PRAGMA user_version").fetchone()[0],
                    conn.execute("PRAGMA journal_mode").fetchone()[0],
                    conn.execute("PRAGMA foreign_keys").fetchone()[0],
                    conn.execute("PRAGMA busy_timeout").fetchone()[0])
        version, mode, fk, busy = await db.read(read)
    finally:
        await db.close()
    assert version == SCHEMA_VERSION >= 1
    assert mode == "wal"
    assert fk == 1
    assert busy >= 1000


async def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "x.sqlite"
    await (await Database.open(path)).close()
    conn = connect(path)
    assert migrate(conn, path) == SCHEMA_VERSION  # found already up to date
    conn.close()


async def test_newer_database_refuses_to_open_with_clear_message(tmp_path):
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew, match="newer release") as info:
        await Database.open(path)
    assert str(path) in str(info.value)


def test_failed_migration_leaves_version_unchanged(tmp_path, monkeypatch):
    from bot.storage import migrations
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, "CREATE TABLE x (;"])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(migrations.MIGRATIONS))
    conn = connect(tmp_path / "x.sqlite")
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
