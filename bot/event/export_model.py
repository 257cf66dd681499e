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
    title_key,
)
from bot.event.times import from_utc_text, instant_text, parse_date, zone
from bot.event.timetable_toml import parse_room
from bot.event.uploads import scan_json, upload_text
from bot.i18n import N_, NP_, Message
from bot.storage import transfer
from bot.storage.posting import SESSION_POST
from bot.storage.timetable import covered

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
            raise PydanticCustomError("rule", "{message}", {"message": e.message}) from None
    return PlainValidator(run)


def _whole(low: int, high: int, what: Message) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if type(value) is not int or not low <= value <= high:
            shown = {"low": f"{low:,}", "high": f"{high:,}"}
            raise InvalidInput(N_("The {what} must be a whole number from {low} to {high}.",
                                  what=what, **shown))
        return value
    return check


def _id(what: Message) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if type(value) is not int or not 1 <= value <= MAX_ID:
            raise InvalidInput(N_("A {what} must be a positive whole number below 2^63.",
                                  what=what))
        return value
    return check


def _flag(value: Any) -> bool:
    """true or false; 0 and 1 as older exports wrote them, nothing else."""
    if type(value) is bool or (type(value) is int and value in (0, 1)):
        return bool(value)
    raise InvalidInput(N_("This must be true or false."))


def _seconds(value: Any) -> float:
    if type(value) not in (int, float) or not math.isfinite(value) or not 0 <= value <= 1e6:
        raise InvalidInput(N_("The solving time must be a number of seconds."))
    return float(value)


def _label(field: str) -> Callable[[Any], str]:
    """Empty, or a one-line text (days and slots need no label)."""
    return lambda value: "" if value == "" else clean_title(value, field=field)


def _token(pattern: str, what: Message) -> Callable[[Any], str]:
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise InvalidInput(N_("The {what} is not one the bot writes.", what=what))
        return value
    return check


def _one_of(allowed: tuple[str, ...], what: Message) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if type(value) is not str or value not in allowed:
            raise InvalidInput(N_("The {what} must be one of: {allowed}.", what=what,
                                  allowed=", ".join(map(str, allowed))))
        return value
    return check


def _level(value: Any) -> int:
    """A stored interest: a little, yes or very (none is no row at all)."""
    levels = (Level.A_LITTLE, Level.YES, Level.VERY)
    if type(value) is not int or value not in levels:
        raise InvalidInput(N_("The interest level must be {levels}.", levels=", ".join(
            f"{int(x)} ({level_name(x)})" for x in levels)))
    return value


def _display_name(value: Any) -> str:
    """Tidied as the rules tidy the names Discord gives them."""
    if not isinstance(value, str):
        raise InvalidInput(N_("The display name must be text."))
    return clean_display_name(value)


def _timezone(value: Any) -> str:
    zone(value)
    return value


def _date(value: Any) -> str:
    if not isinstance(value, str):  # a JSON file holds days as text
        raise InvalidInput(N_("The date must be text such as 2026-07-06."))
    return parse_date(value).isoformat()


def _at(field: Message) -> Any:
    return _rule(lambda value: instant_text(value, field))


DiscordId = Annotated[int, _rule(_id(N_("Discord id")))]
RowId = Annotated[int, _rule(_id(N_("row id")))]
Flag = Annotated[bool, _rule(_flag)]
Figure = Annotated[int, _rule(_whole(0, MAX_INT, N_("figure")))]
Token = Annotated[str, _rule(_token(r"[a-z0-9][a-z0-9._:-]{0,63}", N_("record's kind or key")))]
Outcome = Annotated[str, _rule(_one_of(("sending", "sent", "closed", "failed"), N_("outcome")))]
Status = Annotated[str, _rule(_one_of(("pending", "public", "withdrawn"), N_("status")))]
Solution = Annotated[str, _rule(_one_of(("optimal", "feasible"), N_("version's status")))]
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
                "message": N_("not part of an event export: {names}.", names=names)})
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
    created_at: Annotated[str, _at(N_("event's creation time"))]
    mirror_events: Flag | None = None  # absent from version 1, where it means on
    seats_count: Flag | None = None  # absent from exports before it existed: on


class Attendee(_Part):
    user_id: DiscordId
    display_name: Annotated[str, _rule(_display_name)]
    verified: Flag
    is_admin: Flag
    first_seen: Annotated[str | None, _rule(  # exports before it was recorded have none
        lambda v: None if v is None else instant_text(v, N_("attendee's first contact")))] = None


class Day(_Part):
    id: RowId
    date: Annotated[str, _rule(_date)]
    label: Annotated[str, _rule(_label("day label"))]


class Slot(_Part):
    id: RowId
    day_id: RowId
    start_utc: Annotated[str, _at(N_("slot's start"))]
    end_utc: Annotated[str, _at(N_("slot's end"))]
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
                              N_("the room"))
        except InvalidInput as e:
            raise PydanticCustomError("rule", "{message}", {"message": e.message}) from None
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
    created_at: Annotated[str, _at(N_("session's creation time"))]
    updated_at: Annotated[str, _at(N_("session's change time"))]
    length: Annotated[int, _rule(_whole(1, MAX_LENGTH, N_("session's length in slots")))] = 1
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
    updated_at: Annotated[str, _at(N_("interest's change time"))]


class Unplaced(_Part):
    session_id: RowId
    reason: Annotated[str, _rule(lambda v: clean_title(v, field="reason", limit=500))]


_UNPLACED = TypeAdapter(Annotated[list[Unplaced], Field(max_length=10_000)])


def _unplaced(text: Any) -> list[dict[str, Any]]:
    """The sessions a version left out, with why: JSON text, as the rules store it."""
    if not isinstance(text, str):
        raise InvalidInput(N_("The list of unplaced sessions must be JSON text."))
    try:
        return [u.model_dump() for u in _UNPLACED.validate_json(text)]
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise InvalidInput(N_("The list of unplaced sessions is not JSON text.")) from None
        raise InvalidInput(N_("The list of unplaced sessions, {where}: {reason}",
                              where=_where(first["loc"]), reason=_reason(first))) from None


class ScheduleVersion(_Part):
    id: RowId
    created_at: Annotated[str, _at(N_("version's creation time"))]
    created_by: Annotated[int, _rule(_whole(0, MAX_ID, N_("author's id")))]  # 0: the bot itself
    status: Solution
    utility: Figure
    upper_bound: Figure
    seed_heuristic_utility: Figure
    solve_seconds: Annotated[float, _rule(_seconds)]
    moved: Figure
    unplaced_json: Annotated[list[dict[str, Any]], _rule(_unplaced)]
    published_at: Annotated[str | None, _rule(
        lambda v: None if v is None else instant_text(v, N_("version's publication time")))]


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
    kind: Annotated[str, _rule(_one_of(("up-next", "agenda"), N_("announcement's kind")))]
    sent_at: Annotated[str, _at(N_("announcement's time"))]


class MirroredEvent(_Part):
    session_id: RowId
    discord_event_id: DiscordId
    fingerprint: Annotated[str, _rule(_token(r"[0-9a-f]{1,64}", N_("fingerprint")))]


class SessionThread(_Part):
    session_id: RowId
    channel_id: DiscordId
    message_id: DiscordId
    thread_id: DiscordId


class ReminderPrefs(_Part):
    user_id: DiscordId
    enabled: Flag
    minutes_before: Annotated[int, _rule(_whole(MIN_MINUTES, MAX_MINUTES, N_("reminder time")))]
    updated_at: Annotated[str, _at(N_("reminder setting's time"))]


class DmsClosed(_Part):
    user_id: DiscordId
    closed_at: Annotated[str, _at(N_("time direct messages were found closed"))]


class SentReminder(_Part):
    user_id: DiscordId
    slot_id: RowId
    session_id: RowId
    outcome: Outcome
    sent_at: Annotated[str, _at(N_("reminder's time"))]


class SentNotice(_Part):
    from_version: RowId
    to_version: RowId
    user_id: DiscordId
    outcome: Outcome
    sent_at: Annotated[str, _at(N_("notice's time"))]


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


def _not_in_file(target: str, value: int) -> Message:
    """A reference to a row the file does not hold, named by its table."""
    return {
        "attendees": N_("there is no attendee {id} in the file.", id=value),
        "days": N_("there is no day {id} in the file.", id=value),
        "slots": N_("there is no slot {id} in the file.", id=value),
        "rooms": N_("there is no room {id} in the file.", id=value),
        "sessions": N_("there is no session {id} in the file.", id=value),
        "schedule_versions": N_("there is no schedule version {id} in the file.", id=value),
    }[target]


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
        self.shown: list[Message] = []
        self.count = 0

    def add(self, where: str | Message, reason: str | Message) -> None:
        self.count += 1
        if len(self.shown) < SHOWN_PROBLEMS:
            self.shown.append(N_("{where}: {reason}", where=where, reason=reason))

    def refusal(self) -> InvalidInput:
        more = self.count - len(self.shown)
        problems: str | Message = ""
        for shown in self.shown:  # one after another, each in the reader's language
            problems = shown if not problems else N_("{first} {then}", first=problems,
                                                     then=shown)
        if more:
            return InvalidInput(NP_(
                "The export file was not imported, nothing changed: {problems} (and {n} more "
                "problem)",
                "The export file was not imported, nothing changed: {problems} (and {n} more "
                "problems)", more, problems=problems))
        return InvalidInput(N_("The export file was not imported, nothing changed: {problems}",
                               problems=problems))


def _row(table: str, n: int, column: str = "") -> Message:
    """Where a problem is: "sessions, row 3, title" (table and column as the file names them)."""
    if column:
        return N_("{table}, row {row}, {column}", table=table, row=n + 1, column=column)
    return N_("{table}, row {row}", table=table, row=n + 1)


def _where(loc: Iterable[int | str]) -> str | Message:
    """A place pydantic names: keys as the file writes them, rows counted from 1."""
    where: str | Message = ""
    for part in loc:
        if isinstance(part, int):
            where = N_("{where}, row {row}", where=where, row=part + 1) if where else N_(
                "row {row}", row=part + 1)
        else:
            where = N_("{where}, {key}", where=where, key=str(part)) if where else str(part)
    return where or N_("the file")


def _reason(error: ErrorDetails) -> str | Message:
    kind, msg = error["type"], error["msg"]
    if kind == "rule":
        return error.get("ctx", {}).get("message", msg)
    if kind == "missing":
        return N_("missing.")
    if kind == "too_long":
        limit = error.get("ctx", {}).get("max_length", 0)
        shown = f"{limit:,}"
        return N_("more than {limit} rows; no event has so many.", limit=shown)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return N_("must be an object ({…}).")
    if kind == "list_type":
        return N_("must be a list ([…]).")
    return msg.replace("Input should be", "must be").rstrip(".") + "."


def _rooms_held_once(rows: dict[str, list], problems: _Problems) -> None:
    """A session of several slots holds its room in each slot it runs through
    (`bot.storage.timetable.covered`, as the timetable shows it): no other session of that
    version may be placed there. Two sessions starting in one room and slot are the key
    check's."""
    slot_rows = sorted((s.model_dump() for s in rows["slots"]), key=lambda r: r["start_utc"])
    withdrawn = {s.id for s in rows["sessions"] if s.status == "withdrawn"}  # hold no room
    held: dict[tuple[int, int, int], tuple[int, bool]] = {}
    for n, p in enumerate(rows["placements"]):
        through = covered(slot_rows, p.slot_id, 1 if p.session_id in withdrawn else p.length)
        for i, slot in enumerate(through):
            key = (p.version_id, slot["id"], p.room_id)
            if key in held and not (i == 0 and held[key][1]):
                problems.add(_row("placements", n), N_(
                    "its room is also taken by row {row} in a slot the session runs in.",
                    row=held[key][0] + 1))
                break
            held.setdefault(key, (n, i == 0))

def _check_file(doc: Export, problems: _Problems) -> None:
    """What no single value shows: missing tables, ids, references, duplicates, overlaps."""
    if doc.format_version >= 2:
        for table in TABLES:
            if (table not in doc.model_fields_set
                    and _SINCE.get(table, 2) <= doc.format_version):
                problems.add(table, N_("missing."))
        if doc.event.mirror_events is None:
            problems.add("event, mirror_events", N_("missing."))
    rows = {table: getattr(doc, table) for table in TABLES}
    for table, keys in _UNIQUE.items():
        for columns in keys:
            first: dict[tuple, int] = {}
            for n, row in enumerate(rows[table]):
                value = tuple(getattr(row, c) for c in columns)
                if value in first:
                    problems.add(_row(table, n), N_("the same {columns} as row {row}.",
                                                    columns=", ".join(columns),
                                                    row=first[value] + 1))
                first.setdefault(value, n)
    _rooms_held_once(rows, problems)
    pairs: dict[tuple[int, int], int] = {}
    for n, p in enumerate(rows["not_in_parallel"]):
        pair = (min(p.session_a, p.session_b), max(p.session_a, p.session_b))
        if pair[0] == pair[1]:
            problems.add(_row("not_in_parallel", n), N_("a session is paired with itself."))
        elif pair in pairs:
            problems.add(_row("not_in_parallel", n),
                         N_("the same pair as row {row}.", row=pairs[pair] + 1))
        pairs.setdefault(pair, n)
    running: dict[str, int] = {}
    for n, s in enumerate(rows["sessions"]):
        if s.status != "withdrawn":
            key = title_key(s.title)
            if key in running:
                problems.add(_row("sessions", n, "title"), N_(
                    "row {row} has the same title; titles of sessions that are not withdrawn "
                    "must differ by more than case and spacing.", row=running[key] + 1))
            running.setdefault(key, n)
    ids = {table: {row.id for row in rows[table]} for table in _NOUNS if table != "attendees"}
    ids["attendees"] = {a.user_id for a in rows["attendees"]}

    def refer(where: str | Message, value: int, target: str) -> None:
        if value not in ids[target]:
            problems.add(where, _not_in_file(target, value))

    for table, refs in _REFS.items():
        for n, row in enumerate(rows[table]):
            for column, target in refs.items():
                if getattr(row, column) is not None:  # a pin's room may be open
                    refer(_row(table, n, column), getattr(row, column), target)
    if doc.event.published_version_id is not None:
        refer("event, published_version_id", doc.event.published_version_id,
              "schedule_versions")
    for n, v in enumerate(rows["schedule_versions"]):
        for u in v.unplaced_json:
            refer(_row("schedule_versions", n, "unplaced_json"), u["session_id"], "sessions")
    for n, p in enumerate(rows["posted_messages"]):  # a session's post is keyed by its id
        if p.kind == SESSION_POST:
            where = _row("posted_messages", n, "key")
            if not p.key.isdigit() or len(p.key) > 19:
                problems.add(where, N_("must be a session id."))
            else:
                refer(where, int(p.key), "sessions")
    for n, a in enumerate(rows["sent_announcements"]):
        where = _row("sent_announcements", n, "key")
        m = _ANNOUNCEMENT_KEY.fullmatch(a.key)
        if m is None:
            problems.add(where, N_("must be slot:<slot id> or day:<date>."))
        elif m.group(1):
            refer(where, int(m.group(1)), "slots")
        else:
            try:
                parse_date(m.group(2))
            except InvalidInput as e:
                problems.add(where, e.message)
    slots = sorted(enumerate(rows["slots"]), key=lambda x: from_utc_text(x[1].start_utc))
    for n, s in slots:
        if from_utc_text(s.end_utc) <= from_utc_text(s.start_utc):
            problems.add(_row("slots", n), N_("the slot ends before it starts."))
    for (n, a), (m, b) in zip(slots, slots[1:], strict=False):
        if from_utc_text(b.start_utc) < from_utc_text(a.end_utc):
            problems.add(N_("{table}, rows {row} and {other}", table="slots", row=n + 1,
                            other=m + 1), N_("the two slots overlap."))


# ------------------------------------------------------------------------- the reading

@dataclass(frozen=True, slots=True)
class ImportRows:
    """A checked export, ready to store: the event's columns, each table's rows (referring
    to one another by the file's ids), and what was left out, in plain words."""

    event: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    dropped: tuple[Message, ...]


_EVENT_IDS = {"announcements_channel_id": N_("the announcements channel"),
              "proposals_channel_id": N_("the proposals channel"),
              "moderation_channel_id": N_("the moderation channel"),
              "verified_role_id": N_("the attendee role"),
              "organiser_role_id": N_("the organiser role")}


def _to_store(doc: Export, server_ids: Collection[int]) -> ImportRows:
    """The rows to store; Discord channel and role ids the caller does not vouch for left out."""
    dropped: list[Message] = []
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
        dropped.append(NP_("the voice channel of {n} room", "the voice channel of {n} rooms",
                           len(foreign)))
    for table, columns, what in (
            ("posted_messages", ("channel_id",),
             lambda n: NP_("the bot's record of {n} posted message",
                           "the bot's record of {n} posted messages", n)),
            ("session_threads", ("channel_id", "thread_id"),
             lambda n: NP_("the bot's record of {n} session's thread",
                           "the bot's record of {n} sessions' threads", n))):
        kept = [r for r in tables[table] if all(r[c] in server_ids for c in columns)]
        if len(kept) < len(tables[table]):
            dropped.append(what(len(tables[table]) - len(kept)))
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
            return InvalidInput(N_("The export file nests lists or objects too deeply; an "
                                   "event export has three levels. Is it the right file?"))
        if "number out of range" in detail:
            return InvalidInput(N_("The export file holds a number too long to read; is it the "
                                   "right file?"))
        return InvalidInput(N_("The export file is not valid JSON ({detail}).", detail=detail))
    if error["loc"] == ("format_version",) and error["type"] != "missing":
        return InvalidInput(N_("The export file was written by a version of the bot this one "
                               "cannot read (format {format}; it reads {readable}).",
                               format=repr(error["input"]),
                               readable=", ".join(map(str, transfer.READABLE_VERSIONS))))
    return InvalidInput(N_("The file is not a session-scheduler event export (made by /admin "
                           "export)."))
