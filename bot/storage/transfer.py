"""SQL for exporting one guild's whole event as plain data and importing it back, on either
engine: an export of SQLite imports into PostgreSQL and back as it was.

Row ids are database-wide, so an import gives every row a new id and rewrites the references
(the sessions a schedule version left out included); everything else (texts, times, levels,
figures, flags, the published version) comes back as it was. Flags are exported as JSON
booleans whatever the engine stores (SQLite: 0/1).
"""

from __future__ import annotations

import json
from typing import Any

from bot.storage.database import Tx
from bot.storage.events import delete_event
from bot.storage.posting import SESSION_POST

FORMAT = "session-scheduler/event"
FORMAT_VERSION = 3
# version 1 predates the Discord records, version 2 the session constraints: they import empty
READABLE_VERSIONS = (1, 2, 3)

# table -> (columns exported besides guild_id, {column: table the id refers to}); every table
# of the schema is here, in NOT_EXPORTED, or `events` (a test checks)
TABLES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "attendees": (("user_id", "display_name", "verified", "is_admin", "first_seen"), {}),
    "days": (("id", "date", "label"), {}),
    "slots": (("id", "day_id", "start_utc", "end_utc", "is_break", "locked", "label"),
              {"day_id": "days"}),
    "rooms": (("id", "name", "name_key", "capacity", "link", "voice_channel_id"), {}),
    "sessions": (("id", "title", "title_key", "description", "owner_id", "status", "created_at",
                  "updated_at", "length", "track"), {}),
    "session_allowed_slots": (("session_id", "slot_id"),
                              {"session_id": "sessions", "slot_id": "slots"}),
    "interest": (("session_id", "user_id", "level", "updated_at"), {"session_id": "sessions"}),
    "session_hosts": (("session_id", "user_id"), {"session_id": "sessions"}),
    "not_in_parallel": (("session_a", "session_b"),
                        {"session_a": "sessions", "session_b": "sessions"}),
    "session_pins": (("session_id", "slot_id", "room_id"),
                     {"session_id": "sessions", "slot_id": "slots", "room_id": "rooms"}),
    "attendee_availability": (("user_id", "slot_id"), {"slot_id": "slots"}),
    "schedule_versions": (("id", "created_at", "created_by", "status", "utility", "upper_bound",
                           "seed_heuristic_utility", "solve_seconds", "moved", "unplaced_json",
                           "published_at"), {}),
    "placements": (("version_id", "session_id", "slot_id", "room_id", "expected_attendance",
                    "length"),
                   {"version_id": "schedule_versions", "session_id": "sessions",
                    "slot_id": "slots", "room_id": "rooms"}),
    "version_baselines": (("version_id", "based_on", "kept_utility"),
                          {"version_id": "schedule_versions", "based_on": "schedule_versions"}),
    # What the bot did in Discord, so a restored event edits its own messages, events and
    # threads and neither repeats nor loses an announcement, reminder or notice.
    "posted_messages": (("kind", "key", "channel_id", "message_id"), {}),
    "sent_announcements": (("key", "kind", "sent_at"), {}),
    "mirrored_events": (("session_id", "discord_event_id", "fingerprint"),
                        {"session_id": "sessions"}),
    "session_threads": (("session_id", "channel_id", "message_id", "thread_id"),
                        {"session_id": "sessions"}),
    "reminder_prefs": (("user_id", "enabled", "minutes_before", "updated_at"), {}),
    "dms_closed": (("user_id", "closed_at"), {}),
    "sent_reminders": (("user_id", "slot_id", "session_id", "outcome", "sent_at"),
                       {"slot_id": "slots", "session_id": "sessions"}),
    "sent_notices": (("from_version", "to_version", "user_id", "outcome", "sent_at"),
                     {"from_version": "schedule_versions", "to_version": "schedule_versions"}),
}
# announcement keys that name a slot by id ("slot:<id>")
_SLOT_KEYS = {"sent_announcements": "key"}
_EVENT_COLUMNS = ("name", "timezone", "verification_code", "verification_required",
                  "proposals_open", "interest_open", "schedule_visible",
                  "announcements_channel_id", "proposals_channel_id", "moderation_channel_id",
                  "verified_role_id", "organiser_role_id", "published_version_id", "created_at",
                  "mirror_events", "seats_count")
#: Flags, whichever table they are in: JSON booleans in the export.
_FLAGS = frozenset({"verification_required", "proposals_open", "interest_open",
                    "schedule_visible", "mirror_events", "seats_count", "verified", "is_admin",
                    "is_break", "locked", "enabled"})
#: Tables that hold nothing worth moving to another database: wrong verification codes, the
#: one-off fixes done, the runs of the scheduler (the versions they stored are exported), the
#: solve workers, the shards' gateway sessions, the runs' messages, and the web links (an
#: imported event gets a new public key; personal links are asked for again).
NOT_EXPORTED = frozenset({"verify_failures", "maintenance", "solve_runs", "solve_workers",
                          "shard_connections", "run_replies", "web_events",
                          "personal_links"})
# tables without a guild_id column are reached through the row they belong to
_SCOPE = {
    "session_allowed_slots": "session_id IN (SELECT id FROM sessions WHERE guild_id = ?)",
    "placements": "version_id IN (SELECT id FROM schedule_versions WHERE guild_id = ?)",
    "version_baselines": "version_id IN (SELECT id FROM schedule_versions WHERE guild_id = ?)",
}


def _plain(row: Any) -> dict[str, Any]:
    return {k: bool(v) if k in _FLAGS and v is not None else v for k, v in dict(row).items()}


async def export_event(conn: Tx, guild_id: int) -> dict[str, Any]:
    event = await conn.fetchone(f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events "
                                "WHERE guild_id = ?", (guild_id,))
    doc: dict[str, Any] = {"format": FORMAT, "format_version": FORMAT_VERSION,
                           "event": _plain(event)}
    for table, (cols, _refs) in TABLES.items():
        where = _SCOPE.get(table, "guild_id = ?")
        rows = [_plain(r) for r in await conn.fetchall(
            f"SELECT {', '.join(cols)} FROM {table} WHERE {where}", (guild_id,))]
        # sorted here, not by the database: PostgreSQL sorts text by its locale
        doc[table] = sorted(rows, key=lambda r: [(v is None, str(type(v)), v) for v in r.values()])
    return doc


async def import_event(conn: Tx, guild_id: int, event: dict[str, Any],
                       tables: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Replace the guild's event by `event` (its columns) and the rows of `tables`, whose
    references are the file's ids; return how many rows of each table were written.

    Trusts its caller: the rows must have been checked whole (bot/event/export_model.py).
    """
    await delete_event(conn, guild_id)
    event = dict(event)
    published = event.pop("published_version_id")
    await conn.execute(f"INSERT INTO events (guild_id, {', '.join(event)}) VALUES "
                       f"(?, {', '.join('?' for _ in event)})", (guild_id, *event.values()))
    new_ids: dict[str, dict[int, int]] = {}
    counts: dict[str, int] = {}
    for table, (cols, refs) in TABLES.items():
        ids = new_ids.setdefault(table, {})
        has_guild = table not in _SCOPE
        rows = tables.get(table, [])
        for row in rows:
            values = {c: row[c] for c in cols}
            old_id = values.pop("id", None)
            for col, target in refs.items():
                if values[col] is not None:  # a pin's room may be open
                    values[col] = new_ids[target][values[col]]
            if table == "not_in_parallel":  # stored as (smaller id, larger id)
                values["session_a"], values["session_b"] = sorted(
                    (values["session_a"], values["session_b"]))
            key = _SLOT_KEYS.get(table)
            if key and values[key].startswith("slot:"):
                values[key] = f"slot:{new_ids['slots'][int(values[key][5:])]}"
            if table == "posted_messages" and values["kind"] == SESSION_POST:
                values["key"] = str(new_ids["sessions"][int(values["key"])])
            if table == "schedule_versions":  # the sessions a version left out, by id
                values["unplaced_json"] = json.dumps(
                    [{"session_id": new_ids["sessions"][u["session_id"]], "reason": u["reason"]}
                     for u in values["unplaced_json"]])
            names = (["guild_id"] if has_guild else []) + list(values)
            params = ([guild_id] if has_guild else []) + list(values.values())
            insert = (f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                      f"({', '.join('?' for _ in names)})")
            if "id" in cols:
                ids[old_id] = await conn.fetchval(insert + " RETURNING id", params)
            else:
                await conn.execute(insert, params)
        counts[table] = len(rows)
    if published is not None:
        await conn.execute("UPDATE events SET published_version_id = ? WHERE guild_id = ?",
                           (new_ids["schedule_versions"][published], guild_id))
    return counts
