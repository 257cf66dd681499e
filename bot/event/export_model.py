"""The event export (written by bot/storage/transfer.py) as pydantic models: what an import
accepts, checked before anything is written.

Every field is checked with the rule the commands apply to it: texts with bot/event/text.py,
the timezone with `times.zone`, days with `times.parse_date`, instants with
`times.instant_text` (stored as the rules store them: UTC ISO-8601 text), the verification
code with `codes.clean_code`, rooms with `timetable_toml.parse_room`. Flags are JSON
booleans (0 and 1 from older exports too), ids positive 64-bit integers, every list bounded.
The keys that detect duplicates (a session's `title_key`, a room's `name_key`) are computed
again from the title or name, never taken from the file. Then the file is checked as a whole:
row ids unique, every reference pointing at a row of the same file, no duplicate among what
the database keeps unique (titles of sessions that are not withdrawn included), no two slots
overlapping.

Discord channel and role ids are kept only when the caller vouches that they belong to the
server the event is imported into (`server_ids`); any other is left out, because the bot
would otherwise post into, or gate on, another server's channels and roles. Left out are
the event's channels and roles (run /admin setup again), a room's voice channel, and the
bot's records of messages it posted and threads it opened in a channel that is not vouched
for. The Discord scheduled events the bot created are kept: Discord finds them only within
the event's own server, and the bot creates an event again when the old one is not found.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.event.base import MAX_ID, MAX_LENGTH
from bot.event.codes import clean_code
from bot.event.errors import InvalidInput
from bot.event.models import Level, level_name
from bot.event.reminders import MAX_MINUTES, MIN_MINUTES
from bot.event.text import (
    clean_description,
    clean_display_name,
    clean_title,
    clean_track,
    plural,
    title_key,
)
from bot.event.times import from_utc_text, instant_text, parse_date, zone
from bot.event.timetable_toml import parse_room
from bot.event.uploads import scan_json, upload_text
from bot.storage import transfer
from bot.storage.posting import SESSION_POST

MAX_JSON_CHARS = 20_000_000
#: Problems named in a refusal; the others are counted.
SHOWN_PROBLEMS = 3
MAX_INT = 2**31 - 1  # the database's INTEGER columns


# ------------------------------------------------------------------ one value: the rules

def _rule(check: Callable[[Any], Any]) -> Any:
    """A pydantic validator that runs one of the commands' rules on the value as the file
    gives it; its refusal becomes the problem's reason."""
    def run(value: Any) -> Any:
        try:
            return check(value)
        except InvalidInput as e:
            raise PydanticCustomError("rule", "{message}", {"message": e.user_message}) from None
    return PlainValidator(run)


def _whole(low: int, high: int, what: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if type(value) is not int or not low <= value <= high:
            raise InvalidInput(f"The {what} must be a whole number from {low:,} to {high:,}.")
        return value
    return check


def _id(what: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if type(value) is not int or not 1 <= value <= MAX_ID:
            raise InvalidInput(f"A {what} must be a positive whole number below 2^63.")
        return value
    return check


def _flag(value: Any) -> bool:
    """true or false; 0 and 1 as older exports wrote them, nothing else."""
    if type(value) is bool or (type(value) is int and value in (0, 1)):
        return bool(value)
    raise InvalidInput("This must be true or false.")


def _seconds(value: Any) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or not 0 <= value <= 1e6:
        raise InvalidInput("The solving time must be a number of seconds.")
    return float(value)


def _label(field: str) -> Callable[[Any], str]:
    """Empty, or a one-line text (days and slots need no label)."""
    return lambda value: "" if value == "" else clean_title(value, field=field)


def _token(pattern: str, what: str) -> Callable[[Any], str]:
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise InvalidInput(f"The {what} is not one the bot writes.")
        return value
    return check


def _one_of(allowed: tuple[str, ...], what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if type(value) is not str or value not in allowed:
            raise InvalidInput(f"The {what} must be one of: {', '.join(map(str, allowed))}.")
        return value
    return check


def _level(value: Any) -> int:
    """A stored interest: a little, yes or very (none is no row at all)."""
    levels = (Level.A_LITTLE, Level.YES, Level.VERY)
    if type(value) is not int or value not in levels:
        raise InvalidInput("The interest level must be "
                           + ", ".join(f"{int(x)} ({level_name(x)})" for x in levels) + ".")
    return value


def _display_name(value: Any) -> str:
    """Tidied as the rules tidy the names Discord gives them."""
    if not isinstance(value, str):
        raise InvalidInput("The display name must be text.")
    return clean_display_name(value)


def _timezone(value: Any) -> str:
    zone(value)
    return value


def _date(value: Any) -> str:
    if not isinstance(value, str):  # a JSON file holds days as text
        raise InvalidInput("The date must be text such as 2026-07-06.")
    return parse_date(value).isoformat()


def _at(field: str) -> Any:
    return _rule(lambda value: instant_text(value, field))


DiscordId = Annotated[int, _rule(_id("Discord id"))]
RowId = Annotated[int, _rule(_id("row id"))]
Flag = Annotated[bool, _rule(_flag)]
Figure = Annotated[int, _rule(_whole(0, MAX_INT, "figure"))]
Token = Annotated[str, _rule(_token(r"[a-z0-9][a-z0-9._:-]{0,63}", "record's kind or key"))]
Outcome = Annotated[str, _rule(_one_of(("sending", "sent", "closed", "failed"), "outcome"))]
Status = Annotated[str, _rule(_one_of(("pending", "public", "withdrawn"), "status"))]
Solution = Annotated[str, _rule(_one_of(("optimal", "feasible"), "version's status"))]
Title = Annotated[str, _rule(clean_title)]


# --------------------------------------------------------------------------- the rows

class _Part(BaseModel):
    """A part of the export. Fields it does not have are one problem, however many there are
    (pydantic would report each, which costs memory a file could make large)."""

    model_config = ConfigDict(extra="allow")

    @model_validator(mode="after")
    def _no_unknown_fields(self) -> Any:
        if self.model_extra:
            names = ", ".join(list(self.model_extra)[:3]) + ("…" if len(self.model_extra) > 3
                                                             else "")
            raise PydanticCustomError("rule", "{message}", {
                "message": f"not part of an event export: {names}."})
        return self


class Event(_Part):
    name: Annotated[str, _rule(lambda v: clean_title(v, field="event name"))]
    timezone: Annotated[str, _rule(_timezone)]
    verification_code: Annotated[str, _rule(clean_code)]
    verification_required: Flag
    proposals_open: Flag
    interest_open: Flag
    schedule_visible: Flag
    announcements_channel_id: DiscordId | None
    proposals_channel_id: DiscordId | None
    moderation_channel_id: DiscordId | None
    verified_role_id: DiscordId | None
    organiser_role_id: DiscordId | None
    published_version_id: RowId | None
    created_at: Annotated[str, _at("event's creation time")]
    mirror_events: Flag | None = None  # absent from version 1, where it means on
    seats_count: Flag | None = None  # absent from exports before it existed: on


class Attendee(_Part):
    user_id: DiscordId
    display_name: Annotated[str, _rule(_display_name)]
    verified: Flag
    is_admin: Flag
    first_seen: Annotated[str | None, _rule(  # exports before it was recorded have none
        lambda v: None if v is None else instant_text(v, "attendee's first contact"))] = None


class Day(_Part):
    id: RowId
    date: Annotated[str, _rule(_date)]
    label: Annotated[str, _rule(_label("day label"))]


class Slot(_Part):
    id: RowId
    day_id: RowId
    start_utc: Annotated[str, _at("slot's start")]
    end_utc: Annotated[str, _at("slot's end")]
    is_break: Flag
    locked: Flag
    label: Annotated[str, _rule(_label("slot label"))]


class Room(_Part):
    id: RowId
    name: str
    name_key: str  # computed again from the name
    capacity: int
    link: str | None
    voice_channel_id: int | None

    @model_validator(mode="before")
    @classmethod
    def _as_the_commands(cls, data: Any) -> Any:
        """The room as /admin room add and the TOML import check it; its key from its name."""
        if not isinstance(data, dict):
            return data  # pydantic says what it should be
        fields = ("name", "capacity", "link", "voice_channel_id")
        try:
            room = parse_room({k: data[k] for k in fields if data.get(k) is not None},
                              "the room")
        except InvalidInput as e:
            raise PydanticCustomError("rule", "{message}", {"message": e.user_message}) from None
        return {**data, "name": room.name, "name_key": title_key(room.name),
                "capacity": room.capacity, "link": room.link,
                "voice_channel_id": room.voice_channel_id}


class Session(_Part):
    id: RowId
    title: Title
    title_key: str | None = None  # computed again from the title
    description: Annotated[str, _rule(clean_description)]
    owner_id: DiscordId
    status: Status
    created_at: Annotated[str, _at("session's creation time")]
    updated_at: Annotated[str, _at("session's change time")]
    length: Annotated[int, _rule(_whole(1, MAX_LENGTH, "session's length in slots"))] = 1
    track: Annotated[str | None, _rule(
        lambda v: None if v is None else clean_track(v))] = None


class AllowedSlot(_Part):
    session_id: RowId
    slot_id: RowId


class SessionHost(_Part):
    session_id: RowId
    user_id: DiscordId


class NotInParallel(_Part):
    session_a: RowId
    session_b: RowId


class SessionPin(_Part):
    session_id: RowId
    slot_id: RowId
    room_id: RowId | None


class AttendeeAvailability(_Part):
    user_id: DiscordId
    slot_id: RowId


class Interest(_Part):
    session_id: RowId
    user_id: DiscordId
    level: Annotated[int, _rule(_level)]
    updated_at: Annotated[str, _at("interest's change time")]


class Unplaced(_Part):
    session_id: RowId
    reason: Annotated[str, _rule(lambda v: clean_title(v, field="reason", limit=500))]


_UNPLACED = TypeAdapter(Annotated[list[Unplaced], Field(max_length=10_000)])


def _unplaced(text: Any) -> list[dict[str, Any]]:
    """The sessions a version left out, with why: JSON text, as the rules store it."""
    if not isinstance(text, str):
        raise InvalidInput("The list of unplaced sessions must be JSON text.")
    try:
        return [u.model_dump() for u in _UNPLACED.validate_json(text)]
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise InvalidInput("The list of unplaced sessions is not JSON text.") from None
        raise InvalidInput(f"The list of unplaced sessions, {_where(first['loc'])}: "
                           f"{_reason(first)}") from None


class ScheduleVersion(_Part):
    id: RowId
    created_at: Annotated[str, _at("version's creation time")]
    created_by: Annotated[int, _rule(_whole(0, MAX_ID, "author's id"))]  # 0: the bot itself
    status: Solution
    utility: Figure
    upper_bound: Figure
    seed_heuristic_utility: Figure
    solve_seconds: Annotated[float, _rule(_seconds)]
    moved: Figure
    unplaced_json: Annotated[list[dict[str, Any]], _rule(_unplaced)]
    published_at: Annotated[str | None, _rule(
        lambda v: None if v is None else instant_text(v, "version's publication time"))]


class Placement(_Part):
    version_id: RowId
    session_id: RowId
    slot_id: RowId
    room_id: RowId
    expected_attendance: Figure
    length: Annotated[int, _rule(_whole(1, MAX_LENGTH, "placement's length in slots"))] = 1


class Baseline(_Part):
    version_id: RowId
    based_on: RowId
    kept_utility: Figure


class PostedMessage(_Part):
    kind: Token
    key: Token
    channel_id: DiscordId
    message_id: DiscordId


class SentAnnouncement(_Part):
    key: Token  # slot:<slot id> or day:<date>, checked with the whole file
    kind: Annotated[str, _rule(_one_of(("up-next", "agenda"), "announcement's kind"))]
    sent_at: Annotated[str, _at("announcement's time")]


class MirroredEvent(_Part):
    session_id: RowId
    discord_event_id: DiscordId
    fingerprint: Annotated[str, _rule(_token(r"[0-9a-f]{1,64}", "fingerprint"))]


class SessionThread(_Part):
    session_id: RowId
    channel_id: DiscordId
    message_id: DiscordId
    thread_id: DiscordId


class ReminderPrefs(_Part):
    user_id: DiscordId
    enabled: Flag
    minutes_before: Annotated[int, _rule(_whole(MIN_MINUTES, MAX_MINUTES, "reminder time"))]
    updated_at: Annotated[str, _at("reminder setting's time")]


class DmsClosed(_Part):
    user_id: DiscordId
    closed_at: Annotated[str, _at("time direct messages were found closed")]


class SentReminder(_Part):
    user_id: DiscordId
    slot_id: RowId
    session_id: RowId
    outcome: Outcome
    sent_at: Annotated[str, _at("reminder's time")]


class SentNotice(_Part):
    from_version: RowId
    to_version: RowId
    user_id: DiscordId
    outcome: Outcome
    sent_at: Annotated[str, _at("notice's time")]


def _rows(model: type[_Part], limit: int) -> Any:
    return Annotated[list[model], Field(max_length=limit, fail_fast=True)]  # type: ignore[valid-type]


# Far above what an event holds, so that no file can make an import costly.
_FEW, _MANY, _MOST = 1_000, 100_000, 1_000_000


class Export(_Part):
    """One event as `export_event_json` writes it, format version 1, 2 or 3."""

    format: Literal[transfer.FORMAT]  # type: ignore[valid-type]
    format_version: Literal[transfer.READABLE_VERSIONS]  # type: ignore[valid-type]
    event: Event
    attendees: _rows(Attendee, _MANY) = []
    days: _rows(Day, _FEW) = []
    slots: _rows(Slot, _MANY) = []
    rooms: _rows(Room, _FEW) = []
    sessions: _rows(Session, _MANY) = []
    session_allowed_slots: _rows(AllowedSlot, _MOST) = []
    interest: _rows(Interest, _MOST) = []
    session_hosts: _rows(SessionHost, _MANY) = []
    not_in_parallel: _rows(NotInParallel, _MANY) = []
    session_pins: _rows(SessionPin, _MANY) = []
    attendee_availability: _rows(AttendeeAvailability, _MOST) = []
    schedule_versions: _rows(ScheduleVersion, _MANY) = []
    placements: _rows(Placement, _MOST) = []
    version_baselines: _rows(Baseline, _MANY) = []
    posted_messages: _rows(PostedMessage, _MANY) = []
    sent_announcements: _rows(SentAnnouncement, _MOST) = []
    mirrored_events: _rows(MirroredEvent, _MANY) = []
    session_threads: _rows(SessionThread, _MANY) = []
    reminder_prefs: _rows(ReminderPrefs, _MANY) = []
    dms_closed: _rows(DmsClosed, _MANY) = []
    sent_reminders: _rows(SentReminder, _MOST) = []
    sent_notices: _rows(SentNotice, _MOST) = []


#: The tables, in the order they are stored (a row's references come before it). Missing
#: from an older export they are empty; each version holds the tables it knew.
TABLES = tuple(transfer.TABLES)
_SINCE = {"session_hosts": 3, "not_in_parallel": 3, "session_pins": 3,
          "attendee_availability": 3}


# ----------------------------------------------------------------------- the whole file

_NOUNS = {"attendees": "attendee", "days": "day", "slots": "slot", "rooms": "room",
          "sessions": "session", "schedule_versions": "schedule version"}
# what each table's rows must not share (the database's unique keys)
_UNIQUE: dict[str, tuple[tuple[str, ...], ...]] = {
    "attendees": (("user_id",),), "days": (("id",), ("date",)), "slots": (("id",),),
    "rooms": (("id",), ("name_key",)), "sessions": (("id",),),
    "session_allowed_slots": (("session_id", "slot_id"),),
    "interest": (("session_id", "user_id"),), "schedule_versions": (("id",),),
    "session_hosts": (("session_id", "user_id"),),
    "not_in_parallel": (("session_a", "session_b"),), "session_pins": (("session_id",),),
    "attendee_availability": (("user_id", "slot_id"),),
    "placements": (("version_id", "session_id"), ("version_id", "slot_id", "room_id")),
    "version_baselines": (("version_id",),), "posted_messages": (("kind", "key"),),
    "sent_announcements": (("key", "kind"),), "mirrored_events": (("session_id",),),
    "session_threads": (("session_id",),), "reminder_prefs": (("user_id",),),
    "dms_closed": (("user_id",),), "sent_reminders": (("user_id", "slot_id"),),
    "sent_notices": (("from_version", "to_version", "user_id"),),
}
# references: the storage's own, and the attendees that sessions and interest belong to
_REFS = {table: {**refs, **({"owner_id": "attendees"} if table == "sessions" else {}),
                 **({"user_id": "attendees"} if table == "interest" else {})}
         for table, (_cols, refs) in transfer.TABLES.items()}
_ANNOUNCEMENT_KEY = re.compile(r"slot:([0-9]{1,19})|day:([0-9-]{10})")


class _Problems:
    """The first few problems in words, and how many there are."""

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.count = 0

    def add(self, where: str, reason: str) -> None:
        self.count += 1
        if len(self.shown) < SHOWN_PROBLEMS:
            self.shown.append(f"{where}: {reason}")

    def refusal(self) -> InvalidInput:
        more = self.count - len(self.shown)
        tail = f" (and {more:,} more {'problem' if more == 1 else 'problems'})" if more else ""
        return InvalidInput("The export file was not imported, nothing changed: "
                            + " ".join(self.shown) + tail)


def _where(loc: Iterable[int | str]) -> str:
    return ", ".join(f"row {part + 1}" if isinstance(part, int) else str(part)
                     for part in loc) or "the file"


def _reason(error: ErrorDetails) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "rule":
        return msg
    if kind == "missing":
        return "missing."
    if kind == "too_long":
        limit = error.get("ctx", {}).get("max_length", 0)
        return f"more than {limit:,} rows; no event has so many."
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be an object ({…})."
    if kind == "list_type":
        return "must be a list ([…])."
    return msg.replace("Input should be", "must be").rstrip(".") + "."


def _check_file(doc: Export, problems: _Problems) -> None:
    """What no single value shows: missing tables, ids, references, duplicates, overlaps."""
    if doc.format_version >= 2:
        for table in TABLES:
            if (table not in doc.model_fields_set
                    and _SINCE.get(table, 2) <= doc.format_version):
                problems.add(table, "missing.")
        if doc.event.mirror_events is None:
            problems.add("event, mirror_events", "missing.")
    rows = {table: getattr(doc, table) for table in TABLES}
    for table, keys in _UNIQUE.items():
        for columns in keys:
            first: dict[tuple, int] = {}
            for n, row in enumerate(rows[table]):
                value = tuple(getattr(row, c) for c in columns)
                if value in first:
                    problems.add(f"{table}, row {n + 1}", f"the same {' and '.join(columns)} as "
                                 f"row {first[value] + 1}.")
                first.setdefault(value, n)
    pairs: dict[tuple[int, int], int] = {}
    for n, p in enumerate(rows["not_in_parallel"]):
        pair = (min(p.session_a, p.session_b), max(p.session_a, p.session_b))
        if pair[0] == pair[1]:
            problems.add(f"not_in_parallel, row {n + 1}", "a session is paired with itself.")
        elif pair in pairs:
            problems.add(f"not_in_parallel, row {n + 1}",
                         f"the same pair as row {pairs[pair] + 1}.")
        pairs.setdefault(pair, n)
    running: dict[str, int] = {}
    for n, s in enumerate(rows["sessions"]):
        if s.status != "withdrawn":
            key = title_key(s.title)
            if key in running:
                problems.add(f"sessions, row {n + 1}, title",
                             f"row {running[key] + 1} has the same title; titles of sessions "
                             "that are not withdrawn must differ by more than case and spacing.")
            running.setdefault(key, n)
    ids = {table: {row.id for row in rows[table]} for table in _NOUNS if table != "attendees"}
    ids["attendees"] = {a.user_id for a in rows["attendees"]}

    def refer(where: str, value: int, target: str) -> None:
        if value not in ids[target]:
            problems.add(where, f"there is no {_NOUNS[target]} {value} in the file.")

    for table, refs in _REFS.items():
        for n, row in enumerate(rows[table]):
            for column, target in refs.items():
                if getattr(row, column) is not None:  # a pin's room may be open
                    refer(f"{table}, row {n + 1}, {column}", getattr(row, column), target)
    if doc.event.published_version_id is not None:
        refer("event, published_version_id", doc.event.published_version_id,
              "schedule_versions")
    for n, v in enumerate(rows["schedule_versions"]):
        for u in v.unplaced_json:
            refer(f"schedule_versions, row {n + 1}, unplaced_json", u["session_id"], "sessions")
    for n, p in enumerate(rows["posted_messages"]):  # a session's post is keyed by its id
        if p.kind == SESSION_POST:
            where = f"posted_messages, row {n + 1}, key"
            if not p.key.isdigit() or len(p.key) > 19:
                problems.add(where, "must be a session id.")
            else:
                refer(where, int(p.key), "sessions")
    for n, a in enumerate(rows["sent_announcements"]):
        where = f"sent_announcements, row {n + 1}, key"
        m = _ANNOUNCEMENT_KEY.fullmatch(a.key)
        if m is None:
            problems.add(where, "must be slot:<slot id> or day:<date>.")
        elif m.group(1):
            refer(where, int(m.group(1)), "slots")
        else:
            try:
                parse_date(m.group(2))
            except InvalidInput as e:
                problems.add(where, e.user_message)
    slots = sorted(enumerate(rows["slots"]), key=lambda x: from_utc_text(x[1].start_utc))
    for n, s in slots:
        if from_utc_text(s.end_utc) <= from_utc_text(s.start_utc):
            problems.add(f"slots, row {n + 1}", "the slot ends before it starts.")
    for (n, a), (m, b) in zip(slots, slots[1:], strict=False):
        if from_utc_text(b.start_utc) < from_utc_text(a.end_utc):
            problems.add(f"slots, rows {n + 1} and {m + 1}", "the two slots overlap.")


# ------------------------------------------------------------------------- the reading

@dataclass(frozen=True, slots=True)
class ImportRows:
    """A checked export, ready to store: the event's columns, each table's rows (referring
    to one another by the file's ids), and what was left out, in plain words."""

    event: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    dropped: tuple[str, ...]


_EVENT_IDS = {"announcements_channel_id": "the announcements channel",
              "proposals_channel_id": "the proposals channel",
              "moderation_channel_id": "the moderation channel",
              "verified_role_id": "the attendee role", "organiser_role_id": "the organiser role"}


def _to_store(doc: Export, server_ids: Collection[int]) -> ImportRows:
    """The rows to store; Discord channel and role ids the caller does not vouch for left out."""
    dropped: list[str] = []
    event = doc.event.model_dump()
    if event["mirror_events"] is None:
        event["mirror_events"] = True
    if event["seats_count"] is None:
        event["seats_count"] = True
    for column, what in _EVENT_IDS.items():
        if event[column] is not None and event[column] not in server_ids:
            event[column] = None
            dropped.append(what)
    tables = {table: [row.model_dump() for row in getattr(doc, table)] for table in TABLES}
    for s in tables["sessions"]:
        s["title_key"] = title_key(s["title"])
    foreign = [r for r in tables["rooms"]
               if r["voice_channel_id"] is not None and r["voice_channel_id"] not in server_ids]
    for r in foreign:
        r["voice_channel_id"] = None
    if foreign:
        dropped.append(f"the voice channel of {plural(len(foreign), 'room', 'rooms')}")
    for table, columns, what in (
            ("posted_messages", ("channel_id",), ("posted message", "posted messages")),
            ("session_threads", ("channel_id", "thread_id"), ("session's thread",
                                                              "sessions' threads"))):
        kept = [r for r in tables[table] if all(r[c] in server_ids for c in columns)]
        if len(kept) < len(tables[table]):
            dropped.append(f"the bot's record of {plural(len(tables[table]) - len(kept), *what)}")
        tables[table] = kept
    return ImportRows(event, tables, tuple(dropped))


def read_export(raw: str | bytes, server_ids: Collection[int] = ()) -> ImportRows:
    """The export file (text, or the file's bytes) checked whole, ready to store; raises one
    InvalidInput naming the first problems. Synchronous and CPU-bound: run it off the event
    loop (`uploads.off_loop`). `server_ids`: the ids of the channels, threads and roles of the
    server the event is imported into, as Discord lists them (see the module's docstring)."""
    text = upload_text(raw, "export file", MAX_JSON_CHARS)
    scan_json(text, "export file")
    problems = _Problems()
    try:
        doc = Export.model_validate_json(text)
    except ValidationError as e:
        errors = e.errors(include_url=False)
        whole = [err for err in errors if err["type"] != "rule" and len(err["loc"]) <= 1
                 and (not err["loc"] or err["loc"][0] in ("format", "format_version"))]
        if whole:
            raise _file_refusal(whole[0]) from None
        for err in errors:
            problems.add(_where(err["loc"]), _reason(err))
        raise problems.refusal() from None
    _check_file(doc, problems)
    if problems.count:
        raise problems.refusal()
    return _to_store(doc, server_ids)


def _file_refusal(error: ErrorDetails) -> InvalidInput:
    """A file that is not an event export at all, or not JSON."""
    if error["type"] == "json_invalid":
        detail = error.get("ctx", {}).get("error", "")
        if "recursion limit" in detail:
            return InvalidInput("The export file nests lists or objects too deeply; an event "
                                "export has three levels. Is it the right file?")
        if "number out of range" in detail:
            return InvalidInput("The export file holds a number too long to read; is it the "
                                "right file?")
        return InvalidInput(f"The export file is not valid JSON ({detail}).")
    if error["loc"] == ("format_version",) and error["type"] != "missing":
        return InvalidInput("The export file was written by a version of the bot this one "
                            f"cannot read (format {error['input']!r}; it reads "
                            f"{' and '.join(map(str, transfer.READABLE_VERSIONS))}).")
    return InvalidInput("The file is not a session-scheduler event export (made by /admin "
                        "export).")
