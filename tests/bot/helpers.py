"""Test helpers that read the database directly, to check what was (not) written."""

from __future__ import annotations

from typing import Any

from bot.event import EventService
from bot.storage import Database


async def table_names(db: Database) -> list[str]:
    """Every table of the schema (the migrations' bookkeeping left out)."""
    sql = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
           if db.kind == "sqlite" else
           "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' "
           "AND tablename <> 'schema_version'")
    return sorted(r["name"] for r in await db.read(lambda conn: conn.fetchall(sql)))


async def rows(db: Database, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """The rows of a query, as plain dicts."""
    return [dict(r) for r in await db.read(lambda conn: conn.fetchall(sql, params))]


async def dump(service: EventService) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    out = {}
    for table in await table_names(service.db):
        found = [tuple(r.values()) for r in await rows(service.db, f"SELECT * FROM {table}")]
        out[table] = sorted(found, key=repr)
    return out
