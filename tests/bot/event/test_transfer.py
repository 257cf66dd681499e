import json

import pytest

from bot.event import Conflict, EventService, Forbidden, InvalidInput
from tests.bot.conftest import ADMIN, ALICE, BOB, GUILD, OTHER_GUILD, verified

_REFS = {"day_id": "days", "session_id": "sessions", "slot_id": "slots", "room_id": "rooms",
         "version_id": "schedule_versions"}


def canonical(text: str) -> dict:
    """The export with row ids replaced by their rank, so two databases can be compared."""
    doc = json.loads(text)
    rank = {t: {row["id"]: i for i, row in enumerate(doc[t])}
            for t in ("days", "slots", "rooms", "sessions", "schedule_versions")}
    for table, rows in doc.items():
        if not isinstance(rows, list):
            continue
        for row in rows:
            if "id" in row:
                row["id"] = rank[table][row["id"]]
            for col, target in _REFS.items():
                if col in row:
                    row[col] = rank[target][row[col]]
    pub = doc["event"]["published_version_id"]
    doc["event"]["published_version_id"] = None if pub is None else \
        rank["schedule_versions"][pub]
    return doc


async def _rich_event(svc: EventService) -> None:
    await verified(svc, ALICE)
    a = await svc.propose(GUILD, ALICE, "Ünïcode — talk 👩\u200d💻", "line 1\nline 2")
    b = await svc.propose(GUILD, BOB, "Pending one", "x")
    await svc.update_settings(GUILD, ADMIN, announcements_channel_id=123456789012345678,
                              schedule_visible=True)
    tt = await svc.timetable(GUILD, ADMIN)
    await svc.set_allowed_slots(GUILD, ALICE, a.id, [tt.days[0].slots[0].id])
    await svc.lock_slot(GUILD, ADMIN, tt.days[1].slots[0].id)
    await svc.set_interest(GUILD, ADMIN, a.id, 25)
    del b


async def test_export_import_round_trip_is_lossless(event, tmp_path):
    await _rich_event(event)
    exported = await event.export_event_json(GUILD, ADMIN)
    other = await EventService.open(tmp_path / "other.sqlite")
    try:
        await other.setup_event(OTHER_GUILD, ADMIN)
        await other.propose(OTHER_GUILD, ADMIN, "to be replaced", "x")
        counts = await other.import_event_json(OTHER_GUILD, ADMIN, exported)
        assert counts["sessions"] == 2 and counts["slots"] == 10
        again = await other.export_event_json(OTHER_GUILD, ADMIN)
        sessions = await other.list_sessions(OTHER_GUILD, ALICE)
    finally:
        await other.close()
    assert canonical(again) == canonical(exported)
    assert "to be replaced" not in again
    assert sessions[0].title == "Ünïcode — talk 👩\u200d💻"


@pytest.mark.parametrize("text", ["{", "[]", '{"format": "other"}',
                                  '{"format": "session-scheduler/event", "format_version": 1}'])
async def test_malformed_import_changes_nothing(event, text):
    await _rich_event(event)
    before = await event.export_event_json(GUILD, ADMIN)
    with pytest.raises(InvalidInput):
        await event.import_event_json(GUILD, ADMIN, text)
    assert await event.export_event_json(GUILD, ADMIN) == before


async def test_import_with_broken_reference_changes_nothing(event):
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


async def test_backup_is_a_consistent_openable_copy(event, tmp_path):
    await _rich_event(event)
    target = await event.backup(tmp_path / "backups" / "b1.sqlite")
    copy = await EventService.open(target)
    try:
        assert await copy.export_event_json(GUILD, ADMIN) == \
            await event.export_event_json(GUILD, ADMIN)
        ok = await copy.db.read(lambda c: c.execute("PRAGMA integrity_check").fetchone()[0])
        assert ok == "ok"
    finally:
        await copy.close()
    with pytest.raises(Conflict, match="already exists"):
        await event.backup(target)
    default = await event.backup()
    assert default.parent == event.db.path.parent / "backups" and default.exists()
