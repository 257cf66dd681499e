"""Bad input at every entry point: a typed error with a friendly message, and nothing written."""

from __future__ import annotations

import pytest

from bot.event import Actor, EventError, InvalidInput, NotFound
from tests.bot.conftest import ADMIN, ALICE, EXAMPLE_TOML, GUILD, OTHER_GUILD, verified
from tests.bot.helpers import dump, table_names

SQL = "'); DROP TABLE sessions;--"
BAD_TEXTS = ["", "   \t ", "x" * 5000, "a\x00b", "a\x1bb", "\u200b\u2800\u3164", "bidi\u202etxet",
             "lone \ud800 surrogate", None, 12]
BAD_IDS = [0, -1, 2**70, "1", "1 OR 1=1", SQL, None, 1.5, True]


@pytest.fixture
async def world(event):
    """This guild's ids, and ids that exist only in another guild."""
    await verified(event, ALICE)
    mine = await event.propose(GUILD, ALICE, "Mine", "x")
    await event.setup_event(OTHER_GUILD, ADMIN, name="Other")
    await event.import_timetable_toml(OTHER_GUILD, ADMIN, EXAMPLE_TOML.read_text())
    theirs = await event.propose(OTHER_GUILD, ADMIN, "Theirs", "y")
    other_tt = await event.timetable(OTHER_GUILD, ADMIN)
    return {
        "session": mine.id,
        "foreign": {"session": theirs.id, "day": other_tt.days[0].id,
                    "slot": other_tt.days[0].slots[0].id, "room": other_tt.rooms[0].id},
    }


def _text_calls(svc, w):
    s = w["session"]
    return {
        "propose title": lambda v: svc.propose(GUILD, ALICE, v, "ok"),
        "propose description": lambda v: svc.propose(GUILD, ALICE, "ok", v),
        "edit title": lambda v: svc.edit_session(GUILD, ALICE, s, title=v if v else "\u200b"),
        "edit description": lambda v: svc.edit_session(GUILD, ALICE, s,
                                                       description=v if v else " "),
        "room name": lambda v: svc.add_room(GUILD, ADMIN, v, 10),
        "day label": lambda v: svc.add_day(GUILD, ADMIN, "2026-09-01", v if v else "\x00"),
        "event name": lambda v: svc.update_settings(GUILD, ADMIN, name=v),
        "admin code": lambda v: svc.set_code(GUILD, ADMIN, v),
        "timezone": lambda v: svc.update_settings(GUILD, ADMIN, timezone=v),
        "toml": lambda v: svc.import_timetable_toml(GUILD, ADMIN, v),
        "json import": lambda v: svc.import_event_json(GUILD, ADMIN, v),
        "slot start": lambda v: svc.add_slot(GUILD, ADMIN, 1, v, "23:59"),
    }


def _id_calls(svc):
    return {
        "get session": lambda i: svc.get_session(GUILD, ALICE, i),
        "set interest": lambda i: svc.set_interest(GUILD, ALICE, i, 100),
        "edit session": lambda i: svc.edit_session(GUILD, ALICE, i, title="New"),
        "withdraw": lambda i: svc.withdraw_session(GUILD, ALICE, i),
        "approve": lambda i: svc.approve(GUILD, ADMIN, i),
        "reject": lambda i: svc.reject(GUILD, ADMIN, i),
        "allowed slots": lambda i: svc.set_allowed_slots(GUILD, ADMIN, i, None),
        "edit day": lambda i: svc.edit_day(GUILD, ADMIN, i, label="x"),
        "remove day": lambda i: svc.remove_day(GUILD, ADMIN, i),
        "add slot": lambda i: svc.add_slot(GUILD, ADMIN, i, "20:00", "21:00"),
        "edit slot": lambda i: svc.edit_slot(GUILD, ADMIN, i, label="x"),
        "remove slot": lambda i: svc.remove_slot(GUILD, ADMIN, i),
        "lock slot": lambda i: svc.lock_slot(GUILD, ADMIN, i),
        "edit room": lambda i: svc.edit_room(GUILD, ADMIN, i, capacity=3),
        "remove room": lambda i: svc.remove_room(GUILD, ADMIN, i),
        "publish": lambda i: svc.publish(GUILD, ADMIN, i),
        "reassign owner": lambda i: svc.edit_session(GUILD, ADMIN, 1, owner_id=i),
        "guild id": lambda i: svc.list_sessions(i, ALICE),
        "user id": lambda i: svc.list_sessions(GUILD, Actor(i, "x")),
    }


async def _refused(call, before, svc, expected=EventError):
    with pytest.raises(expected) as info:
        await call
    msg = info.value.user_message
    assert msg and len(msg) < 400 and "Traceback" not in msg
    assert not {"sqlite", "psycopg", "postgres"} & set(msg.lower().split())
    assert await dump(svc) == before
    return info.value


async def test_bad_texts_everywhere(event, world):
    before = await dump(event)
    for name, call in _text_calls(event, world).items():
        for bad in BAD_TEXTS:
            err = await _refused(call(bad), before, event, InvalidInput)
            assert err, name


async def test_bad_and_unknown_ids_everywhere(event, world):
    before = await dump(event)
    for name, call in _id_calls(event).items():
        for bad in [*BAD_IDS, 987_654_321]:
            if name in ("reassign owner", "user id") and bad == 987_654_321:
                continue  # any Discord user id may become an owner or act
            await _refused(call(bad), before, event, (InvalidInput, NotFound))


async def test_ids_of_another_guild_are_not_found(event, world):
    before = await dump(event)
    calls = _id_calls(event)
    kinds = {"get session": "session", "set interest": "session", "edit session": "session",
             "withdraw": "session", "approve": "session", "reject": "session",
             "allowed slots": "session", "edit day": "day", "remove day": "day",
             "add slot": "day", "edit slot": "slot", "remove slot": "slot", "lock slot": "slot",
             "edit room": "room", "remove room": "room"}
    for name, kind in kinds.items():
        err = await _refused(calls[name](world["foreign"][kind]), before, event, NotFound)
        assert "no such" in err.user_message
    with pytest.raises(NotFound):
        await event.set_allowed_slots(GUILD, ADMIN, world["session"], [world["foreign"]["slot"]])
    assert await dump(event) == before


async def test_sql_looking_text_is_stored_verbatim_and_harmless(event, world):
    s = await event.propose(GUILD, ALICE, SQL, SQL + "\n" + SQL)
    assert s.title == SQL
    room = await event.add_room(GUILD, ADMIN, SQL, 3)
    assert room.name == SQL
    got = await event.get_session(GUILD, ALICE, s.id)
    assert got.description == SQL + "\n" + SQL
    assert "sessions" in await table_names(event.db)
    with pytest.raises(InvalidInput):  # a wrong code, not an error of the database
        await event.verify(GUILD, Actor(77, "Eve"), SQL)
