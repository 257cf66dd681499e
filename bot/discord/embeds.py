"""All rendering: result objects of the rules → embeds and text. Times are Discord timestamps,
so every reader sees them in their own time zone."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from zoneinfo import ZoneInfo

import discord
from babel.numbers import format_decimal

from bot.event.calendar import thread_url
from bot.event.explain import level_word
from bot.event.models import (
    ItineraryItem,
    Level,
    PublishedDay,
    PublishedSlot,
    PublishedTimetable,
    ScheduleVersion,
    SessionView,
)
from bot.event.solving import SolveProgress
from bot.event.text import cut
from bot.i18n import ENGLISH, N_, SOURCE, Language
from bot.render.timetable_png import own_label

COLOUR = discord.Colour.blurple()
MAX_FIELDS = 25
MAX_EMBEDS = 10  # per message
MESSAGE_CHARS = 5950  # Discord: 6000 in all the embeds of a message; room for "(part 2 of 3)"
FIELD_VALUE = 1024
DESCRIPTION = 4000  # Discord: 4096; room for a "(continued)"
CONTENT = 2000  # Discord: a message's text
SESSIONS_PER_PAGE = 10
LIST_DESCRIPTION = 300  # the start of a description in a list; the session's post has it all
STATUS_WORDS = {"optimal": N_("proven best"), "feasible": N_("best found")}  # the solver's
MARKS = {Level.VERY: "★★", Level.YES: "★", Level.A_LITTLE: "☆"}


def mark(level: int, t: Language = ENGLISH) -> str:
    """The reader's interest as stars with the level in words beside them, which is what a
    screen reader says ("★★ (very) "); nothing for none."""
    return f"{MARKS[level]} ({level_word(level, t)}) " if level in MARKS else ""


def number(n: int, t: Language = ENGLISH) -> str:
    """"1,234", "1.234": a figure as the reader writes it."""
    return f"{n:,}" if t.code == SOURCE else format_decimal(n, locale=t.locale)


def decimal(x: float, digits: int, t: Language = ENGLISH, sign: bool = False) -> str:
    """"12.5", "12,5" (`sign`: "+12.5")."""
    if t.code == SOURCE:
        return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    text = format_decimal(round(x, digits), "0." + "0" * digits if digits else "0",
                          locale=t.locale)
    return f"+{text}" if sign and x >= 0 else text


_UNESCAPED = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]<])")


@functools.lru_cache(maxsize=4096)  # titles recur in every reply, post and timetable
def literal(text: str) -> str:
    """User text (titles, room and event names) shown exactly as typed wherever markdown is
    rendered: `my_talk`, `*bold*`, `||spoiler||`, a `[masked](link)` or a `<t:0>` stay text.
    The one escaper every renderer uses (mentions are inert anyway: allowed_mentions)."""
    return _UNESCAPED.sub(r"\1\\\2", discord.utils.escape_markdown(text))


def ts(dt: datetime, style: str = "t") -> str:
    return f"<t:{int(dt.timestamp())}:{style}>"


def discord_time(dt: datetime) -> str:
    """Date and time in the reader's own zone: the `when` the rules' texts are given."""
    return ts(dt, "f")


def local_zone(timezone: str, physical: bool) -> ZoneInfo | None:
    """The event's zone where its own local time helps beside each reader's (people travel to
    a physical event and read its clocks there), else None."""
    return ZoneInfo(timezone) if physical else None


def place(zone: ZoneInfo, t: Language = ENGLISH) -> str:
    """"Brussels time" for Europe/Brussels; "UTC" for UTC."""
    city = zone.key.rsplit("/", 1)[-1].replace("_", " ")
    return t.gettext("{city} time", city=city) if "/" in zone.key else city


def local_times(start: datetime, end: datetime | None, zone: ZoneInfo,
                t: Language = ENGLISH) -> str:
    """"09:30–10:15 Brussels time": the event's own clock, plain text (any reader, any app)."""
    span = f"{start.astimezone(zone):%H:%M}"
    if end is not None:
        span += f"–{end.astimezone(zone):%H:%M}"
    return f"{span} {place(zone, t)}"


#: What a session's post says above its description when the session is not public.
STATUS_NOTES = {
    "pending": N_("⏳ Waiting for an organiser's approval: interest opens once it is approved."),
    "withdrawn": N_("Withdrawn: it will not be scheduled."),
}
#: A session's status as a list shows it beside the title.
STATUS_NAMES = {"pending": N_("pending"), "withdrawn": N_("withdrawn")}


def session_embed(s: SessionView, thread_id: int | None = None,
                  t: Language = ENGLISH) -> discord.Embed:
    """A session's post; its words in `t` (the server's language: everyone reads it)."""
    note = STATUS_NOTES.get(s.status)
    description = f"*{t.text(note)}*\n\n{s.description}" if note else s.description
    e = discord.Embed(title=cut(literal(s.title), 256),
                      description=cut(description or "", DESCRIPTION),
                      colour=COLOUR if note is None else discord.Colour.light_grey())
    if thread_id is not None:
        e.add_field(name=t.gettext("Discussion"), value=f"<#{thread_id}>")
    if s.cohosts:  # mentions in an embed name people without notifying them
        e.add_field(name=t.gettext("Co-hosts"), value=", ".join(f"<@{u}>" for u in s.cohosts))
    if s.track:
        e.add_field(name=t.gettext("Track"), value=literal(s.track))
    if s.length > 1:
        e.add_field(name=t.gettext("Length"),
                    value=t.ngettext("{n} consecutive slot", "{n} consecutive slots", s.length))
    e.set_footer(text=cut(t.gettext("Session #{id} · proposed by {owner}", id=s.id,
                                    owner=s.owner_name or s.owner_id), 2048))
    return e


def _session_field(s: SessionView, t: Language = ENGLISH) -> tuple[str, str]:
    status = STATUS_NAMES.get(s.status)
    shown = ("" if s.status == "public" else
             f" ({s.status if status is None else t.text(status)})")
    return (cut(f"#{s.id} {literal(s.title)}{shown}", 256),
            cut(t.gettext("your interest: **{level}** · {n} interested",
                          level=level_word(s.my_level, t), n=s.interested)
                + f"\n{cut(s.description, LIST_DESCRIPTION)}", FIELD_VALUE))


def sessions_page(sessions: list[SessionView], page: int,
                  t: Language = ENGLISH) -> tuple[discord.Embed, int, int]:
    """(embed, page shown, number of pages): up to ten sessions a page, fewer when their
    fields would pass Discord's 6000 characters."""
    chunks = pack_fields([_session_field(s, t) for s in sessions], SESSIONS_PER_PAGE)
    page = min(max(1, page), len(chunks))
    e = discord.Embed(title=t.gettext("Sessions"), colour=COLOUR)
    if not sessions:
        e.description = t.gettext("No sessions yet: propose one with /propose.")
    for name, value in chunks[page - 1]:
        e.add_field(name=name, value=value, inline=False)
    e.set_footer(text=t.gettext("Page {page}/{pages} · /interest or the buttons in the "
                                "proposals channel to rate", page=page, pages=len(chunks)))
    return e, page, len(chunks)


def pack_fields(fields: list[tuple[str, str]], per_page: int = MAX_FIELDS,
                chars: int = MESSAGE_CHARS - 500) -> list[list[tuple[str, str]]]:
    """(name, value) fields grouped in order into pages of at most `per_page` fields and
    `chars` characters, leaving room for a page's title and footer; at least one page."""
    pages: list[list[tuple[str, str]]] = [[]]
    size = 0
    for name, value in fields:
        if pages[-1] and (len(pages[-1]) == per_page or size + len(name) + len(value) > chars):
            pages.append([])
            size = 0
        pages[-1].append((name, value))
        size += len(name) + len(value)
    return pages


def _slot_heading(ps: PublishedSlot, local: ZoneInfo | None = None,
                  t: Language = ENGLISH) -> str:
    """The slot's times in the reader's zone, then (`local`) in the event's own."""
    s = ps.slot
    label = f" · {s.label}" if s.label else ""
    here = f" ({local_times(s.start, s.end, local, t)})" if local else ""
    return cut(f"{ts(s.start)}–{ts(s.end)}{here}{label}", 256)


def day_heading(day: PublishedDay, timezone: str, local: ZoneInfo | None,
                t: Language = ENGLISH) -> str:
    """The day's date as a Discord timestamp, so each reader sees it in their own language
    and calendar (noon where the event is: the same date in nearly every zone), and how its
    times read."""
    noon = datetime.combine(day.date, time(12), ZoneInfo(timezone))
    how = (t.gettext("times in your own time zone, in brackets in {place}, where it takes "
                     "place", place=place(local, t))
           if local else t.gettext("times in your own time zone"))
    return f"**{ts(noon, 'D')}** · {how}"


def pack_lines(lines: list[str], limit: int, sep: str = "\n") -> list[str]:
    """Whole lines joined by `sep` into chunks of at most `limit` characters (a line is cut
    only when it alone is longer)."""
    chunks: list[str] = []
    for line in lines:
        line = cut(line, limit)
        if chunks and len(chunks[-1]) + len(sep) + len(line) <= limit:
            chunks[-1] += sep + line
        else:
            chunks.append(line)
    return chunks or ["—"]


def fit_lines(lines: Sequence[str], limit: int, t: Language = ENGLISH) -> str:
    """As many whole lines as fit in `limit` characters, the rest counted in a last line
    ("…and 3 more."): for a text that has one place, such as a field or a DM."""
    out: list[str] = []
    for i, line in enumerate(lines):
        rest = len(lines) - i - 1
        tail = "\n" + t.ngettext("…and {n} more.", "…and {n} more.", rest) if rest else ""
        if not out and len(line) + len(tail) > limit:
            line = cut(line, max(1, limit - len(tail)))  # one line too long: its start
        elif out and len("\n".join([*out, line])) + len(tail) > limit:
            out.append(t.ngettext("…and {n} more.", "…and {n} more.", rest + 1))
            break
        out.append(line)
    return cut("\n".join(out), limit)


def _slot_lines(ps: PublishedSlot, mine: dict[int, int] | None,
                threads: dict[int, int] | None = None, guild_id: int | None = None,
                t: Language = ENGLISH, continuing: bool = True) -> list[str]:
    """One line per session: room, title (linked to its discussion thread), people expected;
    a session of several slots with its whole time, and (`continuing`) in its later slots as
    going on in its room."""
    if ps.slot.is_break:
        return [t.gettext("Break")]
    going_on = ps.continuing if continuing else ()
    if not ps.entries and not going_on:
        return ["—"]
    def lines(linked: bool) -> list[str]:
        out = []
        for e in sorted(ps.entries + going_on, key=lambda e: e.room_name):
            stars = mark(0 if mine is None else mine.get(e.session_id, 0), t)
            name = literal(e.title)
            thread = (threads or {}).get(e.session_id) if linked else None
            if thread is not None and guild_id is not None:
                name = f"[{name}]({thread_url(guild_id, thread)})"
            elif thread is not None:
                name = f"{name} · <#{thread}>"
            if e in going_on:
                out.append(f"{stars}**{literal(e.room_name)}**: ↳ {name} " + t.gettext(
                    "(continued, until {end})", end=ts(e.until(ps.slot))))
                continue
            # nobody expected yet: say nothing rather than discourage the proposer
            people = (" " + t.gettext("(≈{n} expected)", n=e.expected_attendance)
                      if e.expected_attendance else "")
            span = f" · {ts(ps.slot.start)}–{ts(e.ends)}" if e.ends else ""
            out.append(f"{stars}**{literal(e.room_name)}**: {name}{people}{span}")
        return out

    found = lines(linked=True)
    if threads and len("\n".join(found)) > FIELD_VALUE:
        plain = lines(linked=False)  # one field without links rather than several with them
        if len("\n".join(plain)) <= FIELD_VALUE:
            found = plain
    return found


def _slot_fields(ps: PublishedSlot, mine: dict[int, int] | None,
                 threads: dict[int, int] | None, guild_id: int | None,
                 local: ZoneInfo | None = None, t: Language = ENGLISH) -> list[tuple[str, str]]:
    """(name, value) fields of one slot: a slot too full for one field goes on in more."""
    heading = _slot_heading(ps, local, t)
    values = pack_lines(_slot_lines(ps, mine, threads, guild_id, t), FIELD_VALUE)
    return [(heading if i == 0 else cut(t.gettext("{heading} (continued)", heading=heading),
                                        256), value)
            for i, value in enumerate(values)]


def day_messages(day: PublishedDay, mine: dict[int, int] | None = None,
                 threads: dict[int, int] | None = None, guild_id: int | None = None, *,
                 timezone: str = "UTC", physical: bool = False, t: Language = ENGLISH
                 ) -> list[list[discord.Embed]]:
    """One day as as many messages as it takes, every session shown: each message within
    Discord's limits (10 embeds of 25 fields, 6000 characters in all), titled "(part 2 of 3)"
    when a day needs several, each message starting with the day's date (`day_heading`).
    `timezone`: the event's; `physical`: its local time is shown beside the reader's; `t`:
    the language of its words and day name."""
    local = local_zone(timezone, physical)
    title = cut(own_label(day.date, day.label) or t.day_name(day.date), 200)
    heading = day_heading(day, timezone, local, t)
    fields = [f for ps in day.slots
              for f in _slot_fields(ps, mine, threads, guild_id, local, t)]
    # what a message holds besides its title and heading
    room = MESSAGE_CHARS - len(title) - len(heading) - 40
    pages = pack_fields(fields, MAX_FIELDS, room)
    found = []
    for page in pages:
        e = discord.Embed(colour=COLOUR)
        for name, value in page:
            e.add_field(name=name, value=value, inline=False)
        found.append(e)
    # each message's first embed gets the title, "(part 2 of 3)" when there are several, and
    # the day's heading
    messages = split_messages(found, room)
    for i, message in enumerate(messages, 1):
        message[0].title = (title if len(messages) == 1
                            else cut(t.gettext("{title} (part {part} of {parts})", title=title,
                                               part=i, parts=len(messages)), 256))
        message[0].description = heading + ("\n" + t.gettext("No slots.")
                                            if not day.slots else "")
    return messages


def timetable_messages(tt: PublishedTimetable, mine: dict[int, int] | None = None,
                       threads: dict[int, int] | None = None, guild_id: int | None = None,
                       t: Language = ENGLISH) -> list[tuple[str, list[discord.Embed]]]:
    """(key, embeds) per message, in order: a day's first message is keyed by its date, the
    next ones "<date>:2", "<date>:3"…; `threads`: session id → its discussion thread, the
    session's title links to it (with `guild_id`)."""
    out = []
    for d in tt.days:
        for part, message in enumerate(day_messages(d, mine, threads, guild_id,
                                                    timezone=tt.timezone,
                                                    physical=tt.physical, t=t), 1):
            key = d.date.isoformat() if part == 1 else f"{d.date.isoformat()}:{part}"
            out.append((key, message))
    return out


def split_messages(embeds: Iterable[discord.Embed], chars: int = MESSAGE_CHARS
                   ) -> list[list[discord.Embed]]:
    """Embeds grouped in order into as many messages as it takes (10 embeds and `chars`
    characters each: less than Discord's 6000 leaves room to title them); nothing left out."""
    out: list[list[discord.Embed]] = []
    total = 0
    for e in embeds:
        if not out or len(out[-1]) == MAX_EMBEDS or total + len(e) > chars:
            out.append([])
            total = 0
        out[-1].append(e)
        total += len(e)
    return out


def itinerary_embeds(items: list[ItineraryItem], local: ZoneInfo | None = None,
                     t: Language = ENGLISH) -> list[discord.Embed]:
    """The reader's itinerary, every slot shown: more embeds when one is not enough (send
    them with `split_messages`); `local`: the event's zone, its time shown beside."""
    lines = []
    for it in items:
        when = discord_time(it.slot.start)
        if local is not None:
            when += f" ({local_times(it.slot.start, None, local, t)})"
        if it.expected is None:
            lines.append(t.gettext("{when}: free", when=when))
            continue
        title, room = literal(it.expected.title), literal(it.expected.room_name)
        also = ", ".join(literal(x.title) for x, _ in it.alternatives[:3])
        if it.continued:
            going = t.gettext("{when}: ↳ **{title}** goes on in {room}, until {end}", when=when,
                              title=title, room=room, end=ts(it.expected.until(it.slot)))
            lines.append(going + (" " + t.gettext("(also: {also})", also=also)
                                  if it.alternatives else ""))
        elif it.expected.ends is not None:
            lines.append(t.gettext("{when}: **{title}** in {room} (until {end})", when=when,
                                   title=title, room=room, end=ts(it.expected.ends))
                         + (" " + t.gettext("(also: {also})", also=also)
                            if it.alternatives else ""))
        elif it.alternatives:
            lines.append(t.gettext("{when}: **{title}** in {room} (also: {also})", when=when,
                                   title=title, room=room, also=also))
        else:
            lines.append(t.gettext("{when}: **{title}** in {room}", when=when, title=title,
                                   room=room))
    return described(t.gettext("My schedule"), lines or [t.gettext("Nothing scheduled.")],
                     t=t)


def described(title: str, lines: list[str], sep: str = "\n", t: Language = ENGLISH
              ) -> list[discord.Embed]:
    """Lines in embed descriptions, as many embeds as they take; the next ones titled
    "(continued)"."""
    return [discord.Embed(title=title if i == 0 else cut(t.gettext("{heading} (continued)",
                                                                   heading=title), 256),
                          colour=COLOUR, description=chunk)
            for i, chunk in enumerate(pack_lines(lines, DESCRIPTION, sep))]


def progress_text(p: SolveProgress, t: Language = ENGLISH) -> str:
    pct = 100 * p.utility / p.upper_bound if p.upper_bound else 100.0
    return t.gettext("Scheduling… utility {utility} ({percent}% of the bound {bound}) after "
                     "{seconds}s", utility=number(p.utility, t), percent=decimal(pct, 1, t),
                     bound=number(p.upper_bound, t), seconds=decimal(p.elapsed, 0, t))


def preview_embed(v: ScheduleVersion, unplaced: Sequence[str] = (),
                  over_capacity: Sequence[str] = (), moved: str | None = None,
                  t: Language = ENGLISH) -> discord.Embed:
    """The figures of a computed version; `unplaced` and `over_capacity`: one explanation per
    session; `moved`: the changes in words (default: the engine's count of moves)."""
    pct = 100 * v.utility / v.upper_bound if v.upper_bound else 100.0
    gain = v.utility - v.seed_heuristic_utility
    gain_pct = 100 * gain / v.seed_heuristic_utility if v.seed_heuristic_utility else 0.0
    status = STATUS_WORDS.get(v.status)
    e = discord.Embed(title=t.gettext("Schedule version #{id} ({status})", id=v.id,
                                      status=v.status if status is None else t.text(status)),
                      colour=COLOUR)
    e.add_field(name=t.gettext("Utility"), value=number(v.utility, t))
    e.add_field(name=t.gettext("Of the bound"),
                value=t.gettext("{percent}% of {bound}", percent=decimal(pct, 1, t),
                                bound=number(v.upper_bound, t)))
    gain_text = f"{gain:+,}" if t.code == SOURCE else ("+" if gain >= 0 else "") + number(gain, t)
    e.add_field(name=t.gettext("Gain over the seed heuristic"),
                value=t.gettext("{gain} ({percent}%)", gain=gain_text,
                                percent=decimal(gain_pct, 1, t, sign=True)))
    e.add_field(name=t.gettext("Sessions placed"), value=str(v.placed))
    e.add_field(name=t.gettext("Sessions moved"), value=str(v.moved) if moved is None else moved)
    e.add_field(name=t.gettext("Solve time"),
                value=t.gettext("{seconds}s", seconds=decimal(v.solve_seconds, 1, t)))
    empty = t.pgettext("an empty list", "none")
    e.add_field(name=t.gettext("Unplaced"), value=fit_lines(unplaced, FIELD_VALUE, t) or empty,
                inline=False)
    e.add_field(name=t.gettext("Rooms over capacity"),
                value=fit_lines(over_capacity, FIELD_VALUE, t) or empty, inline=False)
    e.set_footer(text=t.gettext("Publish with /admin schedule publish version:{id}", id=v.id))
    return e


def up_next_embeds(ps: PublishedSlot, threads: dict[int, int] | None = None,
                   guild_id: int | None = None, local: ZoneInfo | None = None,
                   t: Language = ENGLISH) -> list[discord.Embed]:
    """The "up next" post: every session of the slot (more embeds when one is not enough;
    send them with `split_messages`); `local`: the event's zone, its time shown beside."""
    head = t.gettext("Starts {when}", when=ts(ps.slot.start, 'R'))
    chunks = pack_lines([head, *_slot_lines(ps, None, threads, guild_id, t, continuing=False)],
                        DESCRIPTION)
    found = [discord.Embed(title=t.gettext("Up next") if i == 0 else None, colour=COLOUR,
                           description=chunk) for i, chunk in enumerate(chunks)]
    found[0].add_field(name=t.gettext("When"), value=_slot_heading(ps, local, t))
    return found


def agenda_messages(day: PublishedDay, threads: dict[int, int] | None = None,
                    guild_id: int | None = None, *, timezone: str = "UTC",
                    physical: bool = False, t: Language = ENGLISH) -> list[list[discord.Embed]]:
    """The day's agenda: the day as posted in the timetable, as many messages as it takes."""
    messages = day_messages(day, threads=threads, guild_id=guild_id, timezone=timezone,
                            physical=physical, t=t)
    for message in messages:
        message[0].title = cut(t.gettext("Today: {title}", title=message[0].title or ""), 256)
    return messages
