"""Issue 11, finding 6: the JSON import checks the file with the commands' own rules, all or
nothing, and never lets the bot use another server's channels or roles."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable

import pytest

from bot.event import Conflict, InvalidInput
from bot.event.export_model import MAX_JSON_CHARS
from bot.event.text import title_key
from bot.event.uploads import MAX_JSON_VALUES
from tests.bot.conftest import ADMIN, ALICE, CODE, GUILD, OTHER_GUILD, solving, verified
from tests.bot.event.test_transfer import SERVER_IDS, _rich_event, canonical
from tests.bot.helpers import dump, rows

Change = Callable[[dict], object]


@pytest.fixture
async def exported(event, clock) -> dict:
    async with solving(event.db, clock):  # stopped before the test: its checks keep the loop busy
        await _rich_event(event)
    return json.loads(await event.export_event_json(GUILD, ADMIN))


def edited(doc: dict, change: Change) -> str:
    """The export after `change` (which edits a copy in place, or returns the whole text)."""
    doc = copy.deepcopy(doc)
    text = change(doc)
    return text if isinstance(text, str) else json.dumps(doc)


def put(table: str, row: int, **values: object) -> Change:
    return lambda doc: (doc[table] if table == "event" else doc[table][row]).update(values)


def both(*changes: Change) -> Change:
    return lambda doc: [change(doc) for change in changes][-1]


def _second_slot_at_first(doc: dict) -> None:
    doc["slots"][1]["start_utc"] = doc["slots"][0]["start_utc"]
    doc["slots"][1]["end_utc"] = doc["slots"][0]["end_utc"]


def _a_long_session_over_another(doc: dict) -> None:
    """A placement made two slots long, and another session placed in its room in the second
    slot it runs through, in the same version."""
    by_id = {s["id"]: s for s in doc["slots"]}
    order = sorted(doc["slots"], key=lambda s: s["start_utc"])
    for p in doc["placements"]:
        first = by_id[p["slot_id"]]
        later = order[order.index(first) + 1:order.index(first) + 2]
        if later and later[0]["day_id"] == first["day_id"] and not later[0]["is_break"]:
            break
    else:
        raise AssertionError("no placement with a slot after it on its day")
    placed = {q["session_id"] for q in doc["placements"] if q["version_id"] == p["version_id"]}
    other = next(s["id"] for s in doc["sessions"] if s["id"] not in placed)
    p["length"] = 2
    doc["placements"].append({**p, "session_id": other, "slot_id": later[0]["id"],
                              "length": 1})


def _a_table_missing(doc: dict) -> None:
    del doc["dms_closed"]


def _days(n: int) -> Change:
    return lambda doc: doc.update(days=[{"id": i + 1, "date": "2026-07-06", "label": ""}
                                        for i in range(n)])


#: name → (the change to a real export, words the refusal must contain)
HOSTILE: dict[str, tuple[Change, str]] = {
    "NUL in a title": (put("sessions", 0, title="a\x00b"), "sessions, row 1, title"),
    "bidi override in a title": (put("sessions", 0, title="evil\u202egnp.exe"), "invisible"),
    "CRLF in a title": (put("sessions", 0, title="two\r\nlines"), "line breaks"),
    "100,000-character title": (put("sessions", 0, title="x" * 100_000), "limit is 100"),
    "NUL in a description": (put("sessions", 0, description="a\x00b"), "description"),
    "control character in a room": (put("rooms", 0, name="a\x1bb"), "rooms, row 1"),
    "invisible day label": (put("days", 0, label="\u200b"), "days, row 1, label"),
    "timezone Mars/Olympus": (put("event", 0, timezone="Mars/Olympus"), "Unknown timezone"),
    "ambiguous code": (put("event", 0, verification_code="OIL01"), "verification_code"),
    "'no' as a flag": (put("event", 0, proposals_open="no"), "true or false"),
    "2 as a flag": (put("slots", 0, locked=2), "slots, row 1, locked"),
    "null flag": (put("attendees", 0, verified=None), "true or false"),
    "a second title under another key": (
        put("sessions", 1, title="ÜNÏCODE  — talk 👩\u200d💻", title_key="not the title's",
            status="public"), "same title"),
    "list as a title": (put("sessions", 0, title=["a"]), "must be text"),
    "object as a name": (put("event", 0, name={"a": 1}), "must be text"),
    "list as an id": (put("days", 0, id=[1]), "row id"),
    "float as an id": (put("days", 0, id=1.5), "row id"),
    "huge user id": (put("attendees", 0, user_id=2**64), "Discord id"),
    "huge capacity": (put("rooms", 0, capacity=10**30), "capacity"),
    "huge voice channel id": (put("rooms", 0, voice_channel_id=2**63), "Discord channel id"),
    "huge figure": (put("schedule_versions", 0, utility=2**40), "figure"),
    "number of thousands of digits": (
        lambda doc: json.dumps(doc).replace('"utility": ', '"utility": ' + "9" * 5000, 1),
        "number too long"),
    "deep nesting": (lambda doc: json.dumps(doc)[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000
                     + "}", "too deeply"),
    "day in year 9999": (put("days", 0, date="9999-12-31"), "years 2000 to 2100"),
    "day in year 1": (put("days", 0, date="0001-01-01"), "years 2000 to 2100"),
    "day as a number": (put("days", 0, date=20260706), "days, row 1, date"),
    "instant in year 1": (put("sessions", 0, created_at="0001-01-01T00:00:00+01:00"),
                          "years 2000 to 2100"),
    "instant without an offset": (put("interest", 0, updated_at="2026-07-06T09:30:00"),
                                  "UTC offset"),
    "interest level 50": (put("interest", 0, level=50), "interest level"),
    "unknown status": (put("sessions", 0, status="deleted"), "status"),
    "unknown version status": (put("schedule_versions", 0, status="best"), "status"),
    "unknown outcome": (put("sent_reminders", 0, outcome="lost"), "outcome"),
    "reminder time of a day": (put("reminder_prefs", 0, minutes_before=1440), "reminder time"),
    "infinite solving time": (lambda doc: json.dumps(doc).replace(
        '"solve_seconds": ', '"solve_seconds": Infinity, "x": ', 1), "solving time"),
    "slot of another day": (put("slots", 0, day_id=424242), "there is no day 424242"),
    "interest of a stranger": (put("interest", 0, user_id=999), "no attendee 999"),
    "session of a stranger": (put("sessions", 0, owner_id=999), "no attendee 999"),
    "placement in an unknown room": (put("placements", 0, room_id=424242), "no room 424242"),
    "unknown published version": (put("event", 0, published_version_id=424242),
                                  "no schedule version 424242"),
    "unplaced unknown session": (put("schedule_versions", 0, unplaced_json=json.dumps(
        [{"session_id": 424242, "reason": "x"}])), "no session 424242"),
    "unplaced not JSON": (put("schedule_versions", 0, unplaced_json="[{"), "not JSON"),
    "announcement of an unknown slot": (put("sent_announcements", 0, key="slot:424242"),
                                        "no slot 424242"),
    "announcement of a far day": (put("sent_announcements", 0, key="day:9999-12-31"),
                                  "years 2000 to 2100"),
    "overlapping slots": (_second_slot_at_first, "overlap"),
    "a session of two slots over another in its room": (_a_long_session_over_another,
                                                         "also taken by row"),
    "slot ending before it starts": (put("slots", 0, end_utc="2020-01-01T00:00:00+00:00"),
                                     "ends before"),
    "two rooms of one name": (put("rooms", 1, name="MAIN  hall"), "same name_key"),
    "two days of one date": (put("days", 1, date="2026-07-06"), "same date"),
    "two slots of one id": (lambda doc: doc["slots"][1].update(id=doc["slots"][0]["id"]),
                            "same id"),
    "unknown field": (put("rooms", 0, colour="red"), "not part of an event export: colour"),
    "many unknown fields": (lambda doc: doc["event"].update({f"k{i}": i for i in range(10**5)}),
                            "k0, k1, k2…"),
    "missing field": (lambda doc: doc["sessions"][0].update(description=None) or
                      doc["sessions"][0].pop("description") and None, "missing"),
    "missing table": (_a_table_missing, "dms_closed: missing"),
    "unknown table": (lambda doc: doc.update(secrets=[]), "secrets"),
    "table as an object": (lambda doc: doc.update(days={}), "must be a list"),
    "row as a number": (lambda doc: doc["days"].append(1), "must be an object"),
    "too many days": (_days(1001), "more than 1,000 rows"),
    "too many values": (lambda doc: doc.update(x=[0] * MAX_JSON_VALUES), "values"),
    "too large": (lambda doc: json.dumps(doc) + " " * MAX_JSON_CHARS, "too large"),
    "another format": (lambda doc: doc.update(format="other/thing"), "not a session-scheduler"),
    "a newer format": (lambda doc: doc.update(format_version=4), "cannot read (format 4"),
    "binary junk": (lambda doc: "\x00\x01\x02\xff", "NUL"),
}


@pytest.mark.parametrize("name", HOSTILE)
async def test_a_hostile_export_is_refused_in_plain_words_and_changes_nothing(event, exported,
                                                                               name):
    change, words = HOSTILE[name]
    before = await dump(event)
    with pytest.raises(InvalidInput) as info:
        await event.import_event_json(GUILD, ADMIN, edited(exported, change),
                                      server_ids=SERVER_IDS)
    message = info.value.user_message
    assert words in message, message
    assert len(message) < 700 and "Traceback" not in message and "pydantic" not in message
    assert await dump(event) == before


async def test_wrong_encodings_are_refused_and_a_byte_order_mark_is_not(event, exported):
    text = json.dumps(exported)
    for raw, words in ((text.encode("utf-16"), "UTF-16"), (text.encode("latin-1", "replace")
                       .replace(b"talk", b"t\xe9lk"), "not UTF-8")):
        with pytest.raises(InvalidInput, match=words):
            await event.import_event_json(GUILD, ADMIN, raw)
    await event.import_event_json(GUILD, ADMIN, text.encode("utf-8-sig"), server_ids=SERVER_IDS)
    assert canonical(await event.export_event_json(GUILD, ADMIN)) == canonical(text)


async def test_a_refusal_names_the_first_problems_and_counts_the_others(event, exported):
    def five_problems(doc: dict) -> None:
        doc["event"].update(name=" ", timezone="Mars/Olympus")
        doc["sessions"][0]["title"] = " "
        doc["days"][0]["label"] = "\u200b"
        doc["rooms"][0]["capacity"] = 0
    with pytest.raises(InvalidInput) as info:
        await event.import_event_json(GUILD, ADMIN, edited(exported, five_problems))
    message = info.value.user_message
    assert message.startswith("The export file was not imported, nothing changed: ")
    assert "event, name" in message and "event, timezone" in message
    assert message.endswith("(and 2 more problems)"), message


async def test_what_the_commands_accept_is_stored_as_the_commands_store_it(event, exported):
    """A code as an organiser may type it, 0 and 1 as older exports wrote flags, instants with
    any offset, and a title key that is not the title's: stored as the commands would."""
    def older_style(doc: dict) -> None:
        doc["event"].update(verification_code="abcd-2345", proposals_open=0, interest_open=1)
        doc["sessions"][0].update(title_key="bogus", created_at="2026-07-06T09:30:00+02:00")
        doc["attendees"][-1].update(display_name="  Bob\u200b  the\x07 builder ")
    await event.import_event_json(GUILD, ADMIN, edited(exported, older_style))
    settings = await event.settings(GUILD, ADMIN)
    assert settings.verification_code == CODE
    assert (settings.proposals_open, settings.interest_open) == (False, True)
    title = exported["sessions"][0]["title"]
    [stored] = await rows(event.db, "SELECT title_key, created_at FROM sessions WHERE title = ?",
                          (title,))
    assert stored == {"title_key": title_key(title), "created_at": "2026-07-06T07:30:00+00:00"}
    names = {r["display_name"] for r in await rows(event.db, "SELECT display_name FROM attendees")}
    assert "Bob the builder" in names
    with pytest.raises(Conflict):  # the duplicate check sees the stored key
        await event.propose(GUILD, ADMIN, title.upper(), "again")
    await verified(event, ALICE)  # the code works as typed


async def test_another_servers_channels_and_roles_are_never_imported(event, exported):
    """The file's channel and role ids are another server's unless the caller (the Discord
    layer, which lists the server's channels) vouches for them: the bot then neither posts
    into them nor gates on them."""
    def foreign(doc: dict) -> None:
        doc["event"].update(proposals_channel_id=777, moderation_channel_id=778,
                            verified_role_id=779, organiser_role_id=780)
        doc["rooms"][0]["voice_channel_id"] = 781
    text = edited(exported, foreign)
    await event.setup_event(OTHER_GUILD, ADMIN)
    done = await event.import_event_json(OTHER_GUILD, ADMIN, text)
    settings = await event.settings(OTHER_GUILD, ADMIN)
    assert (settings.announcements_channel_id, settings.proposals_channel_id,
            settings.moderation_channel_id, settings.verified_role_id,
            settings.organiser_role_id) == (None,) * 5
    assert all(r.voice_channel_id is None for r in (await event.timetable(OTHER_GUILD,
                                                                          ADMIN)).rooms)
    kept = json.loads(await event.export_event_json(OTHER_GUILD, ADMIN))
    assert kept["posted_messages"] == [] and kept["session_threads"] == []
    assert len(kept["mirrored_events"]) == 1  # found by Discord within the server only
    assert tuple(map(str, done.dropped)) == ("the announcements channel", "the proposals channel",
                            "the moderation channel", "the attendee role", "the organiser role",
                            "the voice channel of 1 room", "the bot's record of 1 posted message",
                            "the bot's record of 1 session's thread")
    for table in ("posted_messages", "session_threads"):
        assert done.rows[table] == 0
    # what the server vouches for is kept, the rest still left out
    done = await event.import_event_json(OTHER_GUILD, ADMIN, text,
                                         server_ids={*SERVER_IDS, 777, 781})
    settings = await event.settings(OTHER_GUILD, ADMIN)
    assert (settings.announcements_channel_id, settings.proposals_channel_id,
            settings.verified_role_id) == (123456789012345678, 777, None)
    assert (await event.timetable(OTHER_GUILD, ADMIN)).rooms[0].voice_channel_id == 781
    assert tuple(map(str, done.dropped)) == ("the moderation channel", "the attendee role",
                                             "the organiser role")
    with pytest.raises(InvalidInput, match="must be numbers"):
        await event.import_event_json(OTHER_GUILD, ADMIN, text, server_ids=["777"])


#: Values put, one at a time, into every field of a real export.
ODD_VALUES = [None, "", " ", "x" * 5000, -1, 0, 2**63, 2**64, 1.5, True, [], {}, [[[1]]],
              "a\x00b", "\u202e", "2026-07-06", "0001-01-01T00:00:00+00:00", "NaN"]


async def test_no_value_in_any_field_escapes_as_an_untyped_error(event, exported):
    """Each field of the first row of each table, and of the event, given each odd value:
    refused plainly, or stored; never another error."""
    tried, stored = 0, []
    for table, found in exported.items():
        row = found if table == "event" else (found[0] if isinstance(found, list) and found
                                              else None)
        if not isinstance(row, dict):
            continue
        for column in row:
            for value in ODD_VALUES:
                tried += 1
                text = edited(exported, lambda doc, t=table, c=column, v=value: (
                    doc[t] if t == "event" else doc[t][0]).update({c: v}))
                try:
                    await event.import_event_json(GUILD, ADMIN, text, server_ids=SERVER_IDS)
                except InvalidInput:
                    continue
                stored.append((table, column, value))
                await event.import_event_json(GUILD, ADMIN, json.dumps(exported),
                                              server_ids=SERVER_IDS)
    assert canonical(await event.export_event_json(GUILD, ADMIN)) == canonical(
        json.dumps(exported))
    assert tried > 1500 and 0 < len(stored) < tried / 10, (tried, stored)


async def test_the_file_is_read_off_the_event_loop(event, exported, monkeypatch):
    from bot.event import transfer as rules
    threads = []
    read = rules.read_export

    def watched(*args):
        threads.append(threading.current_thread())
        return read(*args)
    monkeypatch.setattr(rules, "read_export", watched)
    await event.import_event_json(GUILD, ADMIN, json.dumps(exported))
    assert threads and threading.current_thread() not in threads


@pytest.mark.parametrize("name", ["deep nesting", "many unknown fields", "too many values",
                                  "number of thousands of digits"])
async def test_a_costly_hostile_export_is_refused(event, exported, name):
    """The files that would cost most to read (other servers meanwhile: benchmarks/uploads.py)."""
    change, words = HOSTILE[name]
    with pytest.raises(InvalidInput) as refused:
        await event.import_event_json(GUILD, ADMIN, edited(exported, change))
    assert words in refused.value.user_message


async def test_a_large_export_is_imported_whole(event, exported):
    """Thousands of attendees' interest: a file of several megabytes, checked whole."""
    session = exported["sessions"][0]["id"]
    t = exported["interest"][0]["updated_at"]
    people = [{"user_id": 10**15 + u, "display_name": f"Attendee {u}", "verified": True,
               "is_admin": False} for u in range(5_000)]
    big = {**exported, "attendees": exported["attendees"] + people,
           "interest": exported["interest"] + [
               {"session_id": session, "user_id": p["user_id"], "level": 75, "updated_at": t}
               for p in people]}
    outcome = await event.import_event_json(GUILD, ADMIN, json.dumps(big, indent=1))
    assert outcome.rows["interest"] == len(big["interest"])
