"""Test helpers that read the database directly, to check what was (not) written."""

from __future__ import annotations

from bot.event import EventService

TABLES = ("events", "attendees", "days", "slots", "rooms", "sessions", "session_allowed_slots",
          "interest", "schedule_versions", "placements", "verify_failures")


async def dump(service: EventService) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    def read(conn):
        return {t: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {t}"))
                for t in TABLES}
    return await service.db.read(read)
