"""Typed inputs and results of the rules; plain data the Discord layer renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum
from typing import Literal

from bot.i18n import ENGLISH, N_, Language, Message

SessionStatus = Literal["pending", "public", "withdrawn"]


class Level(IntEnum):
    """Interest levels, as the attendee sees them: none, a little, yes, very."""

    NONE = 0
    A_LITTLE = 25
    YES = 75
    VERY = 100


#: The levels' names in English (the texts' own language), as commands and exports write them.
LEVEL_NAMES = {Level.NONE: "none", Level.A_LITTLE: "a little", Level.YES: "yes",
               Level.VERY: "very"}
#: The same names, to show in the reader's language (`level_name`).
LEVEL_TEXTS = {Level.NONE: N_("none"), Level.A_LITTLE: N_("a little"), Level.YES: N_("yes"),
               Level.VERY: N_("very")}


def level_name(level: int, language: Language = ENGLISH) -> str:
    """The level's name in `language` ("a little", "ein wenig"), or the number itself when it
    is not one of the levels."""
    found = LEVEL_TEXTS.get(level)  # Level is an IntEnum: plain ints look it up
    return str(level) if found is None else language.text(found)


#: How sending one direct message went: delivered, refused because the user's DMs are closed
#: (Discord's 50007), or failed for a passing reason (tried again later).
DmOutcome = Literal["sent", "closed", "failed"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts. `is_admin` comes from Discord (Manage Server); the rules check it themselves."""

    user_id: int
    display_name: str = ""
    is_admin: bool = False

    @property
    def is_system(self) -> bool:
        """The bot's own scheduled work (announcements, reminders, gates), not a person."""
        return self == SYSTEM


#: No Discord snowflake is 0, so the system actor can never be mistaken for a person.
SYSTEM_USER_ID = 0
#: The one actor of scheduled work: reads like an organiser, is never recorded as an attendee.
SYSTEM = Actor(user_id=SYSTEM_USER_ID, display_name="session-scheduler", is_admin=True)


@dataclass(frozen=True, slots=True)
class EventSettings:
    guild_id: int
    name: str
    timezone: str
    verification_required: bool
    proposals_open: bool
    interest_open: bool
    schedule_visible: bool
    announcements_channel_id: int | None
    proposals_channel_id: int | None
    moderation_channel_id: int | None
    verified_role_id: int | None
    organiser_role_id: int | None
    published_version_id: int | None
    verification_code: str | None = None  # only filled for admins
    mirror_events: bool = True  # publishing mirrors sessions as Discord scheduled events
    seats_count: bool = True  # the engine places sessions with rooms' capacities in mind


@dataclass(frozen=True, slots=True)
class VerifyResult:
    verified: bool
    already_verified: bool


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    title: str
    description: str
    owner_id: int
    owner_name: str
    status: SessionStatus
    my_level: int
    interested: int
    allowed_slot_ids: tuple[int, ...] | None  # None: any slot
    cohosts: tuple[int, ...] = ()  # hosts besides the proposer
    length: int = 1  # consecutive slots it takes
    track: str | None = None


@dataclass(frozen=True, slots=True)
class InterestResult:
    session_id: int
    level: int
    previous_level: int
    title: str = ""


@dataclass(frozen=True, slots=True)
class SlotView:
    id: int
    day_id: int
    start: datetime  # aware, UTC
    end: datetime
    is_break: bool
    locked: bool
    label: str


@dataclass(frozen=True, slots=True)
class DayView:
    id: int
    date: date
    label: str
    slots: tuple[SlotView, ...]

    @property
    def final(self) -> bool:
        """A day whose slots are all locked will not change when the scheduler runs again."""
        return bool(self.slots) and all(s.locked for s in self.slots if not s.is_break)


@dataclass(frozen=True, slots=True)
class RoomView:
    id: int
    name: str
    capacity: int
    link: str | None
    voice_channel_id: int | None

    @property
    def is_place(self) -> bool:
        """A room people go to (it has no link to join from afar)."""
        return not self.link


@dataclass(frozen=True, slots=True)
class TimetableView:
    timezone: str
    days: tuple[DayView, ...]
    rooms: tuple[RoomView, ...]


@dataclass(frozen=True, slots=True)
class TimetableImport:
    days: int
    slots: int
    breaks: int
    rooms: int


@dataclass(frozen=True, slots=True)
class EventImport:
    """An imported event: rows written per table, and the Discord channels, roles and records
    left out because nobody vouched they are this server's, in plain words (when there are
    any, the organiser runs /admin setup again)."""

    rows: dict[str, int]
    dropped: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class Unscheduled:
    session_id: int
    title: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScheduleVersion:
    id: int
    created_at: str
    status: str
    utility: int
    upper_bound: int
    seed_heuristic_utility: int
    solve_seconds: float
    moved: int
    placed: int
    unplaced: tuple[Unscheduled, ...]
    published: bool


RunStatus = Literal["queued", "running", "done", "failed", "cancelled"]


@dataclass(frozen=True, slots=True)
class SolveRun:
    """One run of the scheduler: where it stands, its latest figures while it solves, and the
    version it stored (`done`) or why it ended without one (`error`)."""

    id: int
    guild_id: int
    requested_by: int
    requested_at: str
    status: RunStatus
    time_limit: float
    attempts: int
    cancel_requested: bool
    worker: str | None  # who runs it, or last ran it
    utility: int | None
    upper_bound: int | None
    elapsed: float | None
    version_id: int | None
    error: str | None
    started_at: str | None
    finished_at: str | None

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")


@dataclass(frozen=True, slots=True)
class Baseline:
    """What keeping the published version (`based_on`) was worth for a run's snapshot: the
    preview says how much the run's moves buy against it."""

    based_on: int
    kept_utility: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One session in one room of one slot."""

    session_id: int
    title: str
    owner_id: int
    room_id: int
    room_name: str
    expected_attendance: int
    #: Withdrawn since this version was computed: only in layouts made to compare versions,
    #: so that the change is listed and the people who wanted it are told.
    withdrawn: bool = False
    cohosts: tuple[int, ...] = ()  # hosts besides the proposer
    #: Consecutive slots it takes from its slot, in this version (one room throughout).
    length: int = 1
    #: When its last slot ends, for a session of several slots (set when laid out by day).
    ends: datetime | None = None

    def until(self, slot: SlotView) -> datetime:
        """When the session ends, placed in `slot`: that slot's end, or its last slot's."""
        return self.ends or slot.end

    def hosted_by(self, user_id: int | None) -> bool:
        """Whether the user presents it (its proposer or a co-host)."""
        return user_id is not None and (user_id == self.owner_id or user_id in self.cohosts)


@dataclass(frozen=True, slots=True)
class PublishedSlot:
    slot: SlotView
    entries: tuple[Entry, ...]  # the sessions that start in this slot
    #: Sessions of several slots that started in an earlier slot and still hold their room.
    continuing: tuple[Entry, ...] = ()

    @property
    def held(self) -> tuple[Entry, ...]:
        """Every session running in this slot, each holding its room."""
        return self.entries + self.continuing


@dataclass(frozen=True, slots=True)
class PublishedDay:
    date: date
    label: str
    slots: tuple[PublishedSlot, ...]


@dataclass(frozen=True, slots=True)
class PublishedTimetable:
    version_id: int
    timezone: str
    days: tuple[PublishedDay, ...]
    #: Some room is a place (`RoomView.is_place`): people come to it, so the event's own
    #: local time is worth showing beside each reader's.
    physical: bool = False


@dataclass(frozen=True, slots=True)
class Publication:
    """What publishing changed, read in the publishing transaction: the Discord side (posted
    timetable, announcements, mirror...) works from this and reads nothing again."""

    guild_id: int
    version: ScheduleVersion
    previous_version_id: int | None  # the version published before, if any
    settings: EventSettings          # after publishing
    timetable: PublishedTimetable    # the version just published, laid out by day and slot
    rooms: tuple[RoomView, ...]
    #: The version published before, laid out the same way (None if none, or the same one):
    #: what change notices compare with.
    previous_timetable: PublishedTimetable | None = None


@dataclass(frozen=True, slots=True)
class ItineraryItem:
    """In one slot: the session the attendee is expected at, and the others they care about."""

    slot: SlotView
    expected: Entry | None
    expected_level: int
    alternatives: tuple[tuple[Entry, int], ...] = field(default=())
    #: The expected session started in an earlier slot (it takes several): nothing starts
    #: here for the attendee, so no reminder and no new calendar entry.
    continued: bool = False


@dataclass(frozen=True, slots=True)
class PublishedView:
    """The published timetable with what renders it, read in one transaction: /schedule (the
    reader's levels) and the calendar export (the event's name, the descriptions)."""

    event_name: str
    timetable: PublishedTimetable
    sessions: tuple[SessionView, ...]  # public ones and the reader's own, with their levels
    #: user id → display name, for the people mentioned (<@id>) in titles and descriptions
    names: dict[int, str] = field(default_factory=dict)

    @property
    def levels(self) -> dict[int, int]:
        """session id → the reader's level."""
        return {s.id: s.my_level for s in self.sessions}


@dataclass(frozen=True, slots=True)
class MySchedule(PublishedView):
    """Everything /myschedule shows, read in one transaction: the view and the itinerary."""

    items: tuple[ItineraryItem, ...] = ()
    #: Sessions that were in the reader's itinerary in a version published before (or before
    #: they were withdrawn) and are not now, where they were: the calendar file cancels them.
    left: tuple[ItineraryItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Pin:
    """A session pinned by the organisers; `slot` None: not pinned (any more)."""
    session_id: int
    title: str
    slot: SlotView | None
    room: RoomView | None  # None: any free room
    #: A session of several slots starts in `slot` and ends when this one does (its last).
    ends: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionScheduling:
    """What the scheduler is told about one session besides interest."""
    session: SessionView
    pin: Pin | None
    allowed: tuple[SlotView, ...]  # the hosts' availability; () any slot
    not_in_parallel: tuple[int, ...]  # sessions it must not run beside


@dataclass(frozen=True, slots=True)
class WebLink:
    """The links `/myschedule` gives: the event's public page (anyone may have it) and the
    attendee's private page and feed. `token` is only set when a new one was just made: only
    its hash is stored, so an existing link cannot be shown again."""

    public_key: str
    token: str | None
    made_at: datetime | None  # when the attendee's current link was made; None: they have none


@dataclass(frozen=True, slots=True)
class WebTimetable:
    """What the web pages and feeds show of one event, read in one transaction: published data
    only (a withdrawn session that some published version placed stays where it was placed,
    marked `withdrawn`, so calendars strike it out), and of people only the hosts' display
    names. With `user_id`, one attendee's itinerary too, and what left it (as `MySchedule`)."""

    guild_id: int
    event_name: str
    published_at: datetime
    timetable: PublishedTimetable
    hosts: dict[int, str] = field(default_factory=dict)         # session id → host's name
    descriptions: dict[int, str] = field(default_factory=dict)  # session id → description
    threads: dict[int, int] = field(default_factory=dict)       # session id → Discord thread
    tracks: dict[int, str] = field(default_factory=dict)        # session id → its track
    #: user id → display name of the hosts, for their mentions (<@id>) in titles; anyone
    #: else mentioned shows as "@someone"
    names: dict[int, str] = field(default_factory=dict)
    user_id: int | None = None
    items: tuple[ItineraryItem, ...] = ()
    left: tuple[ItineraryItem, ...] = ()
