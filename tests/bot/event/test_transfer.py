import asyncio
import json
from pathlib import Path

import pytest

from bot.event import Conflict, EventService, Forbidden, InvalidInput, NotFound, RateLimited
from bot.storage import is_postgresql
from tests.bot.conftest import ADMIN, ALICE, BOB, GUILD, OTHER_GUILD, verified
from tests.bot.helpers import rows, table_names

_REFS = {"day_id": "days", "session_id": "sessions", "slot_id": "slots", "room_id": "rooms",
         "version_id": "schedule_versions", "based_on": "schedule_versions",
         "from_version": "schedule_versions", "to_version": "schedule_versions"}


def canonical(text: str) -> dict:
    """The export with row ids replaced by their rank, so two databases can be compared."""
    doc = json.loads(text)
    rank = {t: {row["id"]: i for i, row in enumerate(doc[t])}
            for t in ("days", "slots", "rooms", "sessions", "schedule_versions")}
    for table, found in doc.items():
        if not isinstance(found, list):
            continue
        for row in found:
            if "id" in row:
                row["id"] = rank[table][row["id"]]
            for col, target in _REFS.items():
                if col in row:
                    row[col] = rank[target][row[col]]
            if table == "sent_announcements" and row["key"].startswith("slot:"):
                row["key"] = f"slot:{rank['slots'][int(row['key'][5:])]}"
            if table == "posted_messages" and row["kind"] == "session":
                row["key"] = str(rank["sessions"][int(row["key"])])
            if table == "schedule_versions":
                row["unplaced_json"] = [{**u, "session_id": rank["sessions"][u["session_id"]]}
                                        for u in json.loads(row["unplaced_json"])]
    pub = doc["event"]["published_version_id"]
    doc["event"]["published_version_id"] = None if pub is None else \
        rank["schedule_versions"][pub]
    return doc


#: The Discord channels (threads included) _rich_event records: this server's, as the Discord
#: layer lists them when it imports.
SERVER_IDS = frozenset({123456789012345678, 5, 1, 3})


async def _rich_event(svc: EventService) -> None:
    await verified(svc, ALICE)
    a = await svc.propose(GUILD, ALICE, "Ünïcode — talk 👩\u200d💻", "line 1\nline 2")
    b = await svc.propose(GUILD, BOB, "Pending one", "x")
    await svc.update_settings(GUILD, ADMIN, announcements_channel_id=123456789012345678,
                              schedule_visible=True)
    tt = await svc.timetable(GUILD, ADMIN)
    await svc.set_allowed_slots(GUILD, ALICE, a.id, [tt.days[0].slots[0].id])
    locked_out = await svc.propose(GUILD, ADMIN, "Locked out", "only in a locked slot")
    await svc.set_allowed_slots(GUILD, ADMIN, locked_out.id, [tt.days[1].slots[0].id])
    await svc.lock_slot(GUILD, ADMIN, tt.days[1].slots[0].id)
    await svc.set_interest(GUILD, ADMIN, a.id, 25)
    v1 = await svc.run_schedule(GUILD, ADMIN, time_limit=0.5, iterations=500)
    await svc.publish(GUILD, ADMIN, v1.id)
    v2 = await svc.run_schedule(GUILD, ADMIN, time_limit=0.5, iterations=500)
    slot = tt.days[0].slots[0].id
    # what the Discord layer records of what it did (written through its own stores in the bot)
    t = "2026-07-06T06:30:00+00:00"
    rows = {
        "posted_messages": ("kind, key, channel_id, message_id", ("session", str(a.id), 5, 6)),
        "sent_announcements": ("key, kind, sent_at", (f"slot:{slot}", "up-next", t)),
        "mirrored_events": ("session_id, discord_event_id, fingerprint", (a.id, 77, "f")),
        "session_threads": ("session_id, channel_id, message_id, thread_id", (a.id, 1, 2, 3)),
        "reminder_prefs": ("user_id, enabled, minutes_before, updated_at",
                           (ALICE.user_id, True, 30, t)),
        "dms_closed": ("user_id, closed_at", (BOB.user_id, t)),
        "sent_reminders": ("user_id, slot_id, session_id, outcome, sent_at",
                           (ALICE.user_id, slot, a.id, "sent", t)),
        "sent_notices": ("from_version, to_version, user_id, outcome, sent_at",
                         (v1.id, v2.id, ALICE.user_id, "sent", t)),
    }

    async def record(conn):
        for table, (cols, values) in rows.items():
            await conn.execute(f"INSERT INTO {table} (guild_id, {cols}) VALUES "
                               f"({', '.join('?' * (len(values) + 1))})", (GUILD, *values))
        await conn.execute("UPDATE version_baselines SET kept_utility = 1234 WHERE version_id = ?",
                           (v2.id,))
        await conn.execute("UPDATE events SET mirror_events = FALSE WHERE guild_id = ?", (GUILD,))
    await svc.db.write(record)
    del b


@pytest.fixture
def other_database(database: str, tmp_path, request) -> str:
    """A new database on the other engine than the test's own."""
    if is_postgresql(database):
        return str(tmp_path / "other.sqlite")
    return request.getfixturevalue("postgres").new_database()


async def test_export_import_round_trip_is_lossless(event, database, other_database,
                                                     solve_worker):
    """From one engine into the other and back: SQLite → PostgreSQL → SQLite, and the
    reverse (the test runs on each engine)."""
    await _rich_event(event)
    exported = await event.export_event_json(GUILD, ADMIN)
    async with await EventService.open(other_database) as other:
        await other.setup_event(OTHER_GUILD, ADMIN)
        await other.propose(OTHER_GUILD, ADMIN, "to be replaced", "x")
        done = await other.import_event_json(OTHER_GUILD, ADMIN, exported,
                                             server_ids=SERVER_IDS)
        assert done.rows["sessions"] == 3 and done.rows["slots"] == 10 and not done.dropped
        again = await other.export_event_json(OTHER_GUILD, ADMIN)
        sessions = await other.list_sessions(OTHER_GUILD, ALICE)
    assert canonical(again) == canonical(exported)
    await event.import_event_json(GUILD, ADMIN, again, server_ids=SERVER_IDS)  # and back
    assert canonical(await event.export_event_json(GUILD, ADMIN)) == canonical(exported)
    doc = json.loads(exported)
    assert doc["event"]["mirror_events"] is False
    assert "Locked out" in [next(t for t in doc["sessions"] if t["id"] == u["session_id"])["title"]
                            for v in doc["schedule_versions"]
                            for u in json.loads(v["unplaced_json"])]
    for table in ("posted_messages", "sent_announcements", "mirrored_events", "session_threads",
                  "reminder_prefs", "dms_closed", "sent_reminders", "sent_notices",
                  "version_baselines"):
        assert len(doc[table]) == 1, table  # the round trip above compares their contents
    assert "to be replaced" not in again
    assert sessions[0].title == "Ünïcode — talk 👩\u200d💻"


async def test_an_export_from_before_the_discord_records_still_imports(event, solve_worker):
    await _rich_event(event)
    doc = json.loads(await event.export_event_json(GUILD, ADMIN))
    doc["format_version"] = 1
    for table in ("version_baselines", "posted_messages", "sent_announcements",
                  "mirrored_events", "session_threads", "reminder_prefs", "dms_closed",
                  "sent_reminders", "sent_notices"):
        del doc[table]
    del doc["event"]["mirror_events"]
    done = await event.import_event_json(GUILD, ADMIN, json.dumps(doc))
    assert done.rows["sessions"] == 3 and done.rows["posted_messages"] == 0
    assert (await event.settings(GUILD, ADMIN)).mirror_events is True


@pytest.mark.parametrize("text", ["{", "[]", '{"format": "other"}',
                                  '{"format": "session-scheduler/event", "format_version": 1}'])
async def test_malformed_import_changes_nothing(event, text, solve_worker):
    await _rich_event(event)
    before = await event.export_event_json(GUILD, ADMIN)
    with pytest.raises(InvalidInput):
        await event.import_event_json(GUILD, ADMIN, text)
    assert await event.export_event_json(GUILD, ADMIN) == before


async def test_import_with_broken_reference_changes_nothing(event, solve_worker):
    await _rich_event(event)
    before = await event.export_event_json(GUILD, ADMIN)
    doc = json.loads(before)
    doc["slots"][0]["day_id"] = 424242
    with pytest.raises(InvalidInput):
        await event.import_event_json(GUILD, ADMIN, json.dumps(doc))
    assert await event.export_event_json(GUILD, ADMIN) == before


async def test_only_admins_export_or_import(event):
    with pytest.raises(Forbidden):
        await event.export_event_json(GUILD, ALICE)
    with pytest.raises(Forbidden):
        await event.import_event_json(GUILD, ALICE, "{}")


async def test_backup_is_a_consistent_openable_copy(event, tmp_path, solve_worker):
    if event.db.kind != "sqlite":
        pytest.skip("SQLite backs up the file; PostgreSQL's refusal is tested below")
    await _rich_event(event)
    target = await event.backup(tmp_path / "backups")
    assert target.parent == tmp_path / "backups"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no partial file left
    copy = await EventService.open(target)
    try:
        assert await copy.export_event_json(GUILD, ADMIN) == \
            await event.export_event_json(GUILD, ADMIN)
        [ok] = await rows(copy.db, "PRAGMA integrity_check")
        assert list(ok.values()) == ["ok"]
    finally:
        await copy.close()



async def test_backups_are_rate_limited_per_server_and_the_oldest_removed(event, tmp_path,
                                                                          clock):
    if event.db.kind != "sqlite":
        pytest.skip("SQLite backs up the file")
    folder = tmp_path / "backups"
    (folder / "keep-me.sqlite").parent.mkdir()
    (folder / "keep-me.sqlite").write_text("not ours")  # other files are left alone
    (folder / ".session-scheduler-backup-1.sqlite.partial").write_text("killed half-way")
    both = await asyncio.gather(*(event.backup(folder, guild_id=GUILD, actor=ADMIN, keep=2)
                                  for _ in range(2)), return_exceptions=True)
    made = [b for b in both if isinstance(b, Path)]
    assert len(made) == 1 and isinstance(next(b for b in both if b not in made), RateLimited)
    with pytest.raises(RateLimited, match="one every 10 minutes"):
        await event.backup(folder, guild_id=GUILD, actor=ADMIN, keep=2)
    await event.setup_event(OTHER_GUILD, ADMIN)  # another server is not held back
    made.append(await event.backup(folder, guild_id=OTHER_GUILD, actor=ADMIN, keep=2))
    clock.now += 601
    made.append(await event.backup(folder, guild_id=GUILD, actor=ADMIN, keep=2))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["keep-me.sqlite", made[1].name, made[2].name])


async def test_a_backup_asked_from_a_guild_needs_its_event_and_an_admin(event, tmp_path,
                                                                        solve_worker):
    folder = tmp_path / "backups"
    await _rich_event(event)
    with pytest.raises(NotFound):
        await event.backup(folder, guild_id=OTHER_GUILD, actor=ADMIN)  # no event there
    with pytest.raises(Forbidden):
        await event.backup(folder, guild_id=GUILD, actor=ALICE)
    assert not folder.exists()
    if event.db.kind == "postgresql":  # said plainly, and nothing written
        with pytest.raises(Conflict, match="pg_dump"):
            await event.backup(folder, guild_id=GUILD, actor=ADMIN)
        assert not folder.exists()
        return
    made = await event.backup(folder, guild_id=GUILD, actor=ADMIN)
    assert made.parent == folder and made.exists()


async def test_every_table_is_exported_or_said_not_to_be(event):
    """A table added to the schema and forgotten in the export would be lost on a move."""
    from bot.storage import transfer
    covered = {"events", *transfer.TABLES, *transfer.NOT_EXPORTED}
    assert set(await table_names(event.db)) == covered
