"""What changed between two timetable versions, and who to tell (one message per person).

Pure functions over the rules' result objects: the Discord layer fetches the two versions
(`EventService.version_timetable` / `published_timetable`) and the interest
(`EventService.interest_levels`), calls these, and sends the texts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from bot.event.models import Level, PublishedTimetable, SlotView
from bot.i18n import ENGLISH, N_, SOURCE, Language

MoveKind = Literal["moved", "room", "unscheduled", "withdrawn", "scheduled"]
Reason = Literal["proposer", "very", "yes"]
TELL = ("moved", "room", "unscheduled", "withdrawn")  # a newly scheduled one bothers nobody


@dataclass(frozen=True, slots=True)
class Placement:
    slot: SlotView
    room_id: int
    room_name: str
    withdrawn: bool = False  # the session was withdrawn since this version
    ends: datetime | None = None  # a session of several slots: when its last one ends


@dataclass(frozen=True, slots=True)
class Move:
    """One session whose slot or room differs between the versions (None: not placed)."""

    session_id: int
    title: str
    owner_id: int
    before: Placement | None
    after: Placement | None
    cohosts: tuple[int, ...] = ()  # hosts besides the proposer, told as the proposer is

    @property
    def kind(self) -> MoveKind:
        if self.after is None:
            return "withdrawn" if self.before is not None and self.before.withdrawn \
                else "unscheduled"
        if self.before is None:
            return "scheduled"
        same = (self.before.slot.id == self.after.slot.id
                and self.before.ends == self.after.ends)
        return "room" if same else "moved"


@dataclass(frozen=True, slots=True)
class NoticeItem:
    move: Move
    reason: Reason


@dataclass(frozen=True, slots=True)
class Notice:
    """Everything one person should hear about, for one message."""

    user_id: int
    items: tuple[NoticeItem, ...]


def _placements(tt: PublishedTimetable
                ) -> dict[int, tuple[Placement, str, int, tuple[int, ...]]]:
    return {e.session_id: (Placement(ps.slot, e.room_id, e.room_name, e.withdrawn, e.ends),
                           e.title, e.owner_id, e.cohosts)
            for d in tt.days for ps in d.slots for e in ps.entries}


def moves(old: PublishedTimetable, new: PublishedTimetable) -> list[Move]:
    """Every session placed differently in `new` than in `old`, in the old version's time
    order (then newly scheduled ones in the new order)."""
    before, after = _placements(old), _placements(new)
    out = []
    for sid in [*before, *(s for s in after if s not in before)]:
        b, a = before.get(sid), after.get(sid)
        if b and a and ((b[0].slot.id, b[0].room_id, b[0].slot.end if b[0].ends is None
                         else b[0].ends) == (a[0].slot.id, a[0].room_id,
                                             a[0].slot.end if a[0].ends is None else a[0].ends)):
            continue
        _, title, owner, cohosts = a or b
        out.append(Move(sid, title, owner, b[0] if b else None, a[0] if a else None, cohosts))
    return out


def notices(changes: list[Move], interest: Mapping[int, Mapping[int, int]], *,
            kinds: tuple[MoveKind, ...] = TELL) -> list[Notice]:
    """Hosts of changed sessions (not of withdrawn ones) and people who rated them yes or
    very, one `Notice` each listing all their affected sessions (by user id; items in the
    order of `changes`)."""
    by_user: dict[int, list[NoticeItem]] = {}
    for move in changes:
        if move.kind not in kinds:
            continue
        # a withdrawal is its proposer's own doing (or was agreed with them)
        hosts = (move.owner_id, *move.cohosts)
        told: dict[int, Reason] = dict.fromkeys(hosts, "proposer")
        for user, level in interest.get(move.session_id, {}).items():
            if level >= Level.YES and user not in told:
                told[user] = "very" if level >= Level.VERY else "yes"
        if move.kind == "withdrawn":
            for host in hosts:
                told.pop(host, None)
        for user, reason in told.items():
            by_user.setdefault(user, []).append(NoticeItem(move, reason))
    return [Notice(u, tuple(items)) for u, items in sorted(by_user.items())]


# ------------------------------------------------------------------------------ wording

TimeFormat = Callable[[datetime], str]
TextFormat = Callable[[str], str]  # how user text (titles, rooms) is shown, e.g. escaped


def plain(text: str) -> str:
    return text


def local_time(timezone: str, t: Language = ENGLISH) -> TimeFormat:
    """"Mon 6 Jul 09:30" in the event's timezone, with the day and month in `t`'s words (the
    Discord layer may pass its own format, e.g. Discord timestamps that show each reader their
    local time)."""
    tz = ZoneInfo(timezone)

    def fmt(when: datetime) -> str:
        local = when.astimezone(tz)
        if t.code == SOURCE:
            return f"{local:%a} {local.day} {local:%b %H:%M}"
        return f"{format_skeleton('MMMEd', local, locale=t.locale)} {local:%H:%M}"
    return fmt


def _when(p: Placement, fmt: TimeFormat, t: Language) -> str:
    """When a placement starts, and for a session of several slots when it ends."""
    if p.ends is None:
        return fmt(p.slot.start)
    return t.gettext("{start} (until {end})", start=fmt(p.slot.start), end=fmt(p.ends))


def describe(move: Move, fmt: TimeFormat, esc: TextFormat = plain,
             t: Language = ENGLISH) -> str:
    """One line, e.g. "“Rust in Xen” moved from Mon 6 Jul 09:30 in Garden to Tue 7 Jul 10:30
    in Main hall"."""
    title = esc(move.title)
    if move.kind == "withdrawn":
        assert move.before is not None
        return t.gettext("“{title}” was withdrawn: it will not take place (it was at {when} in "
                         "{room})", title=title, when=_when(move.before, fmt, t),
                         room=esc(move.before.room_name))
    if move.kind == "unscheduled":
        assert move.before is not None
        return t.gettext("“{title}” is no longer in the timetable (it was at {when} in {room})",
                         title=title, when=_when(move.before, fmt, t),
                         room=esc(move.before.room_name))
    assert move.after is not None
    if move.kind == "scheduled":
        return t.gettext("“{title}” is now in the timetable at {when} in {room}", title=title,
                         when=_when(move.after, fmt, t), room=esc(move.after.room_name))
    assert move.before is not None
    if move.kind == "room":
        return t.gettext("“{title}” at {when} changed room from {before} to {after}",
                         title=title, when=fmt(move.after.slot.start),
                         before=esc(move.before.room_name), after=esc(move.after.room_name))
    return t.gettext("“{title}” moved from {when} in {room} to {new_when} in {new_room}",
                     title=title, when=_when(move.before, fmt, t),
                     room=esc(move.before.room_name), new_when=_when(move.after, fmt, t),
                     new_room=esc(move.after.room_name))


_WHY = {"proposer": N_("your session"), "very": N_("you rated it very"),
        "yes": N_("you rated it yes")}


def notice_text(notice: Notice, fmt: TimeFormat, event_name: str = "",
                esc: TextFormat = plain, t: Language = ENGLISH) -> str:
    """The whole message for one person, in `t`."""
    n = len(notice.items)
    if event_name:
        head = t.ngettext("📅 The timetable of {event} changed for {n} session you care about:",
                          "📅 The timetable of {event} changed for {n} sessions you care about:",
                          n, event=esc(event_name))
    else:
        head = t.ngettext("📅 The timetable changed for {n} session you care about:",
                          "📅 The timetable changed for {n} sessions you care about:", n)
    lines = [f"- {describe(i.move, fmt, esc, t)} · _{t.text(_WHY[i.reason])}_"
             for i in notice.items]
    lines.append(t.gettext("-# Your updated schedule: /myschedule in the server."))
    return "\n".join([head, *lines])
