"""The published timetable as PNG pictures for phones, drawn with Pillow (no browser, no display).

One portrait picture per day, a phone's width (`WIDTH`) with no text smaller than `MIN_PX`, so
it reads on a phone without zooming. Time runs down: each slot is a band with its times in the
event's own time zone, followed by one row per session: the room and how many people are
expected (said as in the embeds: nothing when nobody is expected yet) on its first line, the
title wrapped below over the whole width, the row coloured by expected attendance. A session
of several slots is one box over them: its row in its first slot (with its whole time), a row
saying it goes on in each later slot, and a spine down the left margin joining them. Breaks are
hatched bands. A day taller than a phone screen (`MAX_HEIGHT`) goes on in another picture,
"(2/2)", cut between slots or, in a crowded slot, between rows.

Text is drawn with a font per character (`_fonts`): DejaVu Sans, Noto Sans CJK for Chinese,
Japanese and Korean, Noto Color Emoji for emoji, so that no title shows tofu boxes.

Every picture comes with its layout: the rectangle of each session's row with its title as
drawn, of each break, and of every text drawn with the font of each run, so tests and callers
can check what was drawn (inside the picture, nothing overlapping) without reading pixels, and
its description in words for screen readers (`alt`).

Pillow rather than matplotlib: matplotlib lays text out far more slowly, and Pillow's pixel
coordinates are the layout data, with no transform in between.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from bot.event.models import Entry, PublishedDay, PublishedSlot, PublishedTimetable, RoomView
from bot.event.times import day_name
from bot.i18n import ENGLISH, Language
from bot.render._fonts import Face, emoji_image, faces, run_length
from bot.render._text import ELLIPSIS, wrap

WIDTH = 1080              # a phone's width in pixels
MAX_HEIGHT = 2400         # a phone screen's shape (20:9): taller pictures would be shown smaller
MARGIN, PAD, GAP = 36, 16, 10
NOTE_GAP = 24             # between a room's name and the people expected
SPINE, SPINE_GAP = 22, 12  # a session of several slots: the bar joining its rows, and after it
# Discord shows a picture in a phone's chat about 300 points wide: these sizes keep the smallest
# text near 10 points there and titles near 13 (more once tapped open, at the screen's width).
EVENT_PX, DAY_PX, SUB_PX = 36, 54, 34
SLOT_PX, LABEL_PX, ROOM_PX, NOTE_PX, TITLE_PX, BREAK_PX = 42, 36, 36, 34, 44, 38
MIN_PX = 34               # no text is smaller
TITLE_LINES = 4           # a 100-character title fits in three or four
LINE = 1.25               # line height as a multiple of the font size
# ColorBrewer YlGnBu, 5 classes (4th darkened for 4.5:1 contrast with white text): light to
# dark, readable for colour-blind people.
PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2171b5", "#253494")
INK, MUTED, SLOT_BG, EDGE = "#1a1a1a", "#4d4d4d", "#e8ecf0", "#5f6b75"
BREAK_BG, BREAK_HATCH = "#e6e6e6", "#c4c4c4"

Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class DrawnRun:
    text: str
    face: Face          # its font (`face.name`: "DejaVu Sans", "Noto Sans CJK"...)
    bbox: Box           # where its ink landed


@dataclass(frozen=True, slots=True)
class DrawnText:
    role: str           # event, day, sub, legend, slot, room, note, title, break, empty
    text: str           # as drawn (fitted: maybe ending in …)
    bbox: Box           # where its ink landed
    px: int             # the font size
    runs: tuple[DrawnRun, ...]


@dataclass(frozen=True, slots=True)
class DrawnBox:
    session_id: int
    title: str          # the session's full title
    text: str           # the title as drawn: wrapped lines, maybe ending in …
    ellipsised: bool
    bbox: Box           # the session's row: x0, y0, x1, y1 in pixels, y down
    text_bbox: Box      # where the title's ink landed
    font_px: int
    fill: str
    ink: str
    day: date
    room_id: int
    runs: tuple[DrawnRun, ...]  # the title's runs, each with its font
    continued: bool = False     # a later slot of a session of several: "↳ " before its title


@dataclass(frozen=True, slots=True)
class DrawnSpine:
    """The bar joining the rows of a session of several slots, down the left margin."""

    session_id: int
    bbox: Box


@dataclass(frozen=True, slots=True)
class DrawnBreak:
    slot_id: int
    label: str
    bbox: Box


@dataclass(frozen=True, slots=True)
class TimetablePicture:
    png: bytes
    width: int
    height: int
    day: date | None    # None: a timetable without days
    part: int           # 1-based: a day taller than a phone screen takes several pictures
    parts: int
    boxes: tuple[DrawnBox, ...]         # a session of several slots: one row in each slot
    breaks: tuple[DrawnBreak, ...]
    bands: tuple[Box, ...]                # the slots' time bands
    texts: tuple[DrawnText, ...]          # every text drawn, titles included
    legend: tuple[tuple[str, str], ...]   # (colour, attendance range)
    alt: str            # the picture in words (the attachment's description)
    spines: tuple[DrawnSpine, ...] = ()


# ------------------------------------------------------------------------- colours, scale

def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ink_for(fill: str) -> str:
    return INK if contrast(fill, INK) >= contrast(fill, "#ffffff") else "#ffffff"


def legend_bins(top: int) -> list[tuple[int, int]]:
    """Equal attendance ranges from 0 to the largest expected attendance, one per colour."""
    step = max(1, math.ceil((top + 1) / len(PALETTE)))
    return [(i * step, (i + 1) * step - 1) for i in range(len(PALETTE)) if i * step <= top]


def _colour(attendance: int, bins: list[tuple[int, int]]) -> str:
    for i, (_, hi) in enumerate(bins):
        if attendance <= hi:
            return PALETTE[i]
    return PALETTE[len(bins) - 1]


def _hhmm(t: datetime, tz: ZoneInfo) -> str:
    return f"{t.astimezone(tz):%H:%M}"


def _times(ps: PublishedSlot, tz: ZoneInfo) -> str:
    return f"{_hhmm(ps.slot.start, tz)}–{_hhmm(ps.slot.end, tz)}"


def expected_note(people: int, t: Language = ENGLISH) -> str:
    """How many are expected, as the embeds say it: nothing when nobody is expected yet."""
    return t.gettext("≈{n} expected", n=people) if people else ""


def own_label(day: date, label: str) -> str:
    """An organiser's label for a day when it says more than the weekday's English name
    ("Monday", which each reader gets in their own words instead); else ""."""
    label = label.strip()
    return "" if label.casefold() == ENGLISH.day_name(day).casefold() else label


def day_title(day: date, label: str = "", t: Language = ENGLISH) -> str:
    """The one name of a day in lists, pictures and choices, in `t`'s words ("Monday, July 6",
    "Montag, 6. Juli"); an organiser's label ("Day 1") first when it says more than the
    weekday."""
    return day_name(day, own_label(day, label), t)


# ------------------------------------------------------------------------------ text

@lru_cache(maxsize=65536)
def measure(text: str, px: int, bold: bool = False) -> float:
    """The width of `text` drawn at `px` with the fallback fonts."""
    return sum(run_length(run, face, px) for run, face in faces(bold).runs(text))


def _fit(text: str, width: float, px: int, bold: bool = False,
         lines: int = 1) -> tuple[list[str], bool]:
    return wrap(text, width, lines, lambda t: measure(t, px, bold))


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


class _Canvas:
    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.image = Image.new("RGB", (width, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.texts: list[DrawnText] = []

    @staticmethod
    def baseline(top: float, px: int, bold: bool = False) -> int:
        """Where the baseline of a line whose box (px × LINE tall) starts at `top` falls."""
        ascent, descent = faces(bold).main.pil(px).getmetrics()
        return round(top + (px * LINE - ascent - descent) / 2 + ascent)

    def line(self, x: float, top: float, s: str, px: int, role: str, *, bold: bool = False,
             colour: str = INK, align: str = "left", on: int | None = None) -> DrawnText:
        """One line whose box (px × LINE tall) starts at `top` (or on the baseline `on`, to
        share another line's); `x` is its left edge, or its centre or right edge with `align`.
        Each run is drawn in its own font on one baseline."""
        baseline = self.baseline(top, px, bold) if on is None else on
        if align != "left":
            w = measure(s, px, bold)
            x -= w / 2 if align == "center" else w
        runs = []
        for run, face in faces(bold).runs(s):
            if face.colour:
                img, up = emoji_image(run, px)
                at = (round(x), baseline - up)
                self.image.paste(img, at, img)
                box = (at[0], at[1], at[0] + img.width, at[1] + img.height)
            else:
                f = face.pil(px)
                self.draw.text((x, baseline), run, font=f, fill=colour, anchor="ls")
                box = self.draw.textbbox((x, baseline), run, font=f, anchor="ls")
            if run.strip():
                runs.append(DrawnRun(run, face, box))
            x += run_length(run, face, px)
        found = DrawnText(role, s, _union([r.bbox for r in runs]) if runs
                          else (x, top, x, top), px, tuple(runs))
        if runs:
            self.texts.append(found)
        return found

    def hatch(self, box: Box) -> None:
        x0, y0, x1, y1 = (round(v) for v in box)
        w, h = x1 - x0, y1 - y0
        tile = Image.new("RGB", (max(1, w), max(1, h)), BREAK_BG)
        d = ImageDraw.Draw(tile)
        for k in range(-h, w, 16):
            d.line([(k, h), (k + h, 0)], fill=BREAK_HATCH, width=2)
        self.image.paste(tile, (x0, y0))
        self.draw.rectangle((x0, y0, x1 - 1, y1 - 1), outline="#bdbdbd")

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, format="PNG", compress_level=6)
        return buf.getvalue()


# ---------------------------------------------------------------------------- layout

def _lh(px: int) -> float:
    return px * LINE


@dataclass(frozen=True, slots=True)
class _Row:
    """A session's row, fitted: its lines and height."""

    entry: Entry
    room: list[str]           # one line, or none for a blank name
    note: str
    title: list[str]
    cut: bool
    height: float
    continued: bool = False   # a later slot of a session of several


@dataclass(frozen=True, slots=True)
class _Item:
    kind: str                  # slot, row, empty, break
    ps: PublishedSlot
    height: float
    row: _Row | None = None
    continued: bool = False


class _Layout:
    """What one timetable's pictures share: the colours, the room column, the header."""

    def __init__(self, tt: PublishedTimetable, event_name: str, rooms: Sequence[RoomView] | None,
                 width: int, max_height: int, t: Language = ENGLISH):
        self.tt, self.width, self.max_height, self.t = tt, width, max_height, t
        self.tz = ZoneInfo(tt.timezone)
        self.name = event_name or t.pgettext("the published schedule", "Timetable")
        entries = [e for d in tt.days for ps in d.slots for e in ps.entries]
        self.bins = legend_bins(max((e.expected_attendance for e in entries), default=0))
        order = [r.id for r in rooms or ()]
        self.rank = {rid: i for i, rid in enumerate(order)}
        self.x0, self.x1 = MARGIN, width - MARGIN
        self.lanes: dict[int, int] = {}  # the day's sessions of several slots → spine column
        self.indent = 0                   # the spines' margin, left of everything else
        self.inner = self.x1 - self.x0 - 2 * PAD  # a row's text: the whole width

    def start_day(self, day: PublishedDay | None) -> None:
        """Give the day's sessions of several slots a spine column each, reused once one
        has ended, and narrow the rest by the margin they take."""
        self.lanes, ends = {}, []
        for ps in day.slots if day is not None else ():
            for e in ps.entries:
                if e.ends is None:
                    continue
                free = [i for i, end in enumerate(ends) if end <= ps.slot.start]
                lane = free[0] if free else len(ends)
                ends[lane:lane + 1] = [e.ends]
                self.lanes[e.session_id] = lane
        self.indent = len(ends) * (SPINE + SPINE_GAP)
        self.inner = self.x1 - self.x0 - self.indent - 2 * PAD

    def lane_x(self, session_id: int) -> float:
        return self.x0 + self.lanes[session_id] * (SPINE + SPINE_GAP)

    # ----------------------------------------------------------------- measuring

    def row(self, e: Entry, ps: PublishedSlot | None = None, continued: bool = False) -> _Row:
        """A session's row: the room and the people expected on its first line, the title
        below over the whole width (a phone is too narrow for a column beside it). A session
        of several slots says its whole time (`ps`: its first slot), or in a later slot
        (`continued`) that it goes on until its end."""
        width = self.inner + (self.indent - (self.lane_x(e.session_id) - self.x0)
                              if e.session_id in self.lanes else 0)
        if continued:
            note = self.t.gettext("continued, until {end}", end=_hhmm(e.until(ps.slot), self.tz))
        else:
            note = expected_note(e.expected_attendance, self.t)
            if e.ends is not None and ps is not None:
                span = f"{_hhmm(ps.slot.start, self.tz)}–{_hhmm(e.ends, self.tz)}"
                note = f"{span} · {note}" if note else span
        room_w = width - (NOTE_GAP + measure(note, NOTE_PX) if note else 0)
        room = _fit(e.room_name, room_w, ROOM_PX, True)[0]
        title, cut = _fit(("↳ " if continued else "") + e.title, width, TITLE_PX,
                          lines=2 if continued else TITLE_LINES)
        height = _lh(ROOM_PX) + max(1, len(title)) * _lh(TITLE_PX) + 2 * PAD
        return _Row(e, room, note, title, cut, math.ceil(height), continued)

    def items(self, day: PublishedDay) -> list[_Item]:
        out = []
        for ps in day.slots:
            if ps.slot.is_break:
                out.append(_Item("break", ps, math.ceil(_lh(BREAK_PX) + 20)))
                continue
            out.append(_Item("slot", ps, math.ceil(_lh(SLOT_PX) + 16)))
            entries = sorted(ps.held, key=lambda e: (self.rank.get(e.room_id, len(self.rank)),
                                                     e.room_id))
            if not entries:
                out.append(_Item("empty", ps, math.ceil(_lh(NOTE_PX) + 2 * PAD)))
            for e in entries:
                r = self.row(e, ps, continued=e not in ps.entries)
                out.append(_Item("row", ps, r.height, r))
        return out

    def header_height(self, heading: str) -> float:
        lines, _ = _fit(heading, self.x1 - self.x0, DAY_PX, True, 2)
        return (MARGIN + _lh(EVENT_PX) + len(lines) * _lh(DAY_PX) + _lh(SUB_PX) + 6
                + self._legend(None, 0) + 24)

    def pages(self, day: PublishedDay, heading: str) -> list[list[_Item]]:
        """The day's items cut into pictures no taller than `max_height`, between slots: a slot
        that does not fit in what is left of a picture starts the next one. Only a slot taller
        than a whole picture is cut between its rows, its band repeated ("continued")."""
        limit = self.max_height - MARGIN - self.header_height(heading + " (9/9)")
        groups: list[list[_Item]] = []
        for it in self.items(day):
            if it.kind in ("slot", "break") or not groups:
                groups.append([])
            groups[-1].append(it)
        pages: list[list[_Item]] = [[]]
        used = 0.0
        for group in groups:
            need = sum(it.height + GAP for it in group)
            if pages[-1] and used + need > limit and need <= limit:
                pages.append([])
                used = 0.0
            for i, it in enumerate(group):
                if pages[-1] and used + it.height + GAP > limit and i > 0:
                    band = group[0]
                    pages.append([_Item("slot", band.ps, band.height, continued=True)])
                    used = band.height + GAP
                pages[-1].append(it)
                used += it.height + GAP
        return pages

    # ------------------------------------------------------------------- drawing

    def _legend(self, c: _Canvas | None, top: float) -> float:
        """The colour legend, flowed over as many lines as it takes; its height."""
        x, y, lh = self.x0, top, _lh(NOTE_PX)
        sw = 34
        items: list[tuple[str, str | None]] = [(self.t.gettext("Expected:"), None)]
        for i, (lo, hi) in enumerate(self.bins):
            items.append((f"{lo}–{hi}" if i < len(self.bins) - 1 else f"{lo}+", PALETTE[i]))
        for text, colour in items:
            w = measure(text, NOTE_PX) + (sw + 10 if colour else 0)
            if x > self.x0 and x + w > self.x1:
                x, y = self.x0, y + lh + 8
            if c is not None:
                if colour:
                    c.draw.rectangle((x, y + 4, x + sw, y + lh - 4), fill=colour, outline=EDGE)
                c.line(x + (sw + 10 if colour else 0), y, text, NOTE_PX, "legend")
            x += w + 22
        return y + lh - top

    def draw_page(self, day: PublishedDay | None, heading: str, items: list[_Item],
                  part: int, parts: int) -> TimetablePicture:
        heading = heading if parts == 1 else f"{heading} ({part}/{parts})"
        top = self.header_height(heading)
        height = math.ceil(top + sum(it.height + GAP for it in items) + MARGIN)
        if not items:
            height += math.ceil(_lh(NOTE_PX) + 2 * PAD)
        c = _Canvas(self.width, height)
        w = self.x1 - self.x0

        # the header: event, day, time zone and version, legend
        y = MARGIN
        event = _fit(self.name, w, EVENT_PX, True)[0]
        c.line(self.x0, y, event[0] if event else "", EVENT_PX, "event", bold=True,
               colour=MUTED)
        y += _lh(EVENT_PX)
        for line in _fit(heading, w, DAY_PX, True, 2)[0]:
            c.line(self.x0, y, line, DAY_PX, "day", bold=True)
            y += _lh(DAY_PX)
        sub = self.t.gettext("Times in {zone} · schedule version {version}",
                             zone=self.tt.timezone, version=self.tt.version_id)
        c.line(self.x0, y, _fit(sub, w, SUB_PX)[0][0], SUB_PX, "sub", colour=MUTED)
        y += _lh(SUB_PX) + 6
        y += self._legend(c, y) + 24
        legend = tuple((PALETTE[i], f"{lo}–{hi}" if i < len(self.bins) - 1 else f"{lo}+")
                       for i, (lo, hi) in enumerate(self.bins))

        boxes: list[DrawnBox] = []
        breaks: list[DrawnBreak] = []
        bands: list[Box] = []
        spines = self._spines(c, items, y)
        if not items:
            note = (self.t.gettext("No slots on this day.") if day is not None
                    else self.t.gettext("No days yet."))
            c.line(self.x0, y + PAD, note, NOTE_PX, "empty", colour=MUTED)
        for it in items:
            x = (self.lane_x(it.row.entry.session_id)
                 if it.row is not None and it.row.entry.session_id in self.lanes
                 else self.x0 + self.indent)
            box = (x, y, self.x1, y + it.height)
            if it.kind == "break":
                self._break(c, it.ps, box, breaks)
            elif it.kind == "slot":
                self._band(c, it.ps, box, it.continued)
                bands.append(box)
            elif it.kind == "empty":
                c.draw.rectangle(box, outline=SLOT_BG, width=2)
                c.line(x + PAD, y + PAD, self.t.gettext("No session in this slot."),
                       NOTE_PX, "empty", colour=MUTED)
            elif it.row is not None and day is not None:
                boxes.append(self._row(c, it.row, box, day.date))
            y += it.height + GAP
        alt = self._alt(heading, items)
        return TimetablePicture(c.png(), self.width, height, None if day is None else day.date,
                                part, parts, tuple(boxes), tuple(breaks), tuple(bands),
                                tuple(c.texts), legend, alt, tuple(spines))

    def _spines(self, c: _Canvas, items: list[_Item], top: float) -> list[DrawnSpine]:
        """Each session of several slots: a bar in its column from its first row on this
        picture to its last, drawn before the rows, which join it."""
        reach: dict[int, tuple[float, float]] = {}
        y = top
        for it in items:
            if it.row is not None and it.row.entry.session_id in self.lanes:
                sid = it.row.entry.session_id
                first = reach.get(sid, (y, y))[0]
                reach[sid] = (first, y + it.height)
            y += it.height + GAP
        out = []
        for sid, (y0, y1) in reach.items():
            x = self.lane_x(sid)
            fill = _colour(next(it.row.entry.expected_attendance for it in items
                                if it.row is not None and it.row.entry.session_id == sid),
                           self.bins)
            box = (x, y0, x + SPINE, y1)
            c.draw.rounded_rectangle(box, radius=8, fill=fill, outline=EDGE, width=2)
            out.append(DrawnSpine(sid, box))
        return out

    def _band(self, c: _Canvas, ps: PublishedSlot, box: Box, continued: bool) -> None:
        c.draw.rectangle(box, fill=SLOT_BG)
        times = _times(ps, self.tz)
        y = box[1] + 8
        drawn = c.line(box[0] + PAD, y, times, SLOT_PX, "slot", bold=True)
        rest = " · ".join(x for x in (ps.slot.label,
                                      self.t.gettext("continued") if continued else "") if x)
        if rest:
            x = drawn.bbox[2] + 16
            room = self.x1 - PAD - x
            line = _fit(rest, room, LABEL_PX)[0]
            if line and room > measure(ELLIPSIS, LABEL_PX) + 10:
                c.line(x, y + (_lh(SLOT_PX) - _lh(LABEL_PX)) / 2, "· " + line[0]
                       if measure("· " + line[0], LABEL_PX) <= room else line[0],
                       LABEL_PX, "slot", colour=MUTED)

    def _break(self, c: _Canvas, ps: PublishedSlot, box: Box, out: list[DrawnBreak]) -> None:
        c.hatch(box)
        label = _fit(f"{ps.slot.label or self.t.gettext('Break')} · {_times(ps, self.tz)}",
                     box[2] - box[0] - 4 * PAD, BREAK_PX, True)[0][0]
        w = measure(label, BREAK_PX, True)
        mid = (box[0] + box[2]) / 2
        top = box[1] + (box[3] - box[1] - _lh(BREAK_PX)) / 2
        c.draw.rectangle((mid - w / 2 - 12, top, mid + w / 2 + 12, top + _lh(BREAK_PX)),
                         fill=BREAK_BG)
        c.line(mid, top, label, BREAK_PX, "break", bold=True, colour="#333333", align="center")
        out.append(DrawnBreak(ps.slot.id, label, box))

    def _row(self, c: _Canvas, r: _Row, box: Box, day: date) -> DrawnBox:
        e = r.entry
        fill = _colour(e.expected_attendance, self.bins)
        ink = ink_for(fill)
        c.draw.rounded_rectangle(box, radius=8, fill=fill, outline=EDGE, width=2)
        x, y = box[0] + PAD, box[1] + PAD
        for line in r.room:
            c.line(x, y, line, ROOM_PX, "room", bold=True, colour=ink)
            x += measure(line, ROOM_PX, True)
        if r.note:  # on the room's baseline
            c.line(x + NOTE_GAP, y, r.note, NOTE_PX, "note", colour=ink,
                   on=c.baseline(y, ROOM_PX, True))
        y += _lh(ROOM_PX)
        drawn = []
        for line in r.title:
            drawn.append(c.line(box[0] + PAD, y, line, TITLE_PX, "title", colour=ink))
            y += _lh(TITLE_PX)
        inks = [t.bbox for t in drawn if t.runs]
        return DrawnBox(e.session_id, e.title, "\n".join(r.title), r.cut, box,
                        _union(inks) if inks else box, TITLE_PX, fill, ink, day, e.room_id,
                        tuple(run for t in drawn for run in t.runs), r.continued)

    def _alt(self, heading: str, items: list[_Item]) -> str:
        """The picture in words, for the attachment's description (screen readers)."""
        out = [f"{self.name}: {heading}."]
        for it in items:
            if it.kind == "break":
                out.append(f"{_times(it.ps, self.tz)} "
                           f"{it.ps.slot.label or self.t.gettext('Break')}.")
            elif it.kind == "slot" and not it.continued:
                out.append(f"{_times(it.ps, self.tz)}:")
            elif it.row is not None:
                e = it.row.entry
                if it.row.continued:
                    out.append(self.t.gettext("{room}: {title} goes on, until {end}.",
                                              room=e.room_name, title=e.title,
                                              end=_hhmm(e.until(it.ps.slot), self.tz)))
                elif e.ends is not None:
                    out.append(f"{e.room_name}: {e.title}, "
                               f"{_hhmm(it.ps.slot.start, self.tz)}–{_hhmm(e.ends, self.tz)}.")
                else:
                    out.append(f"{e.room_name}: {e.title}.")
        text = " ".join(out)
        return text if len(text) <= 1000 else text[:999] + ELLIPSIS


def render_timetable(timetable: PublishedTimetable, *, event_name: str = "",
                     rooms: Sequence[RoomView] | None = None, width: int = WIDTH,
                     max_height: int = MAX_HEIGHT, t: Language = ENGLISH
                     ) -> list[TimetablePicture]:
    """One picture per day, in order (a day taller than `max_height` in several, one after
    the other); one picture saying so when there are no days.

    `rooms` orders the rows of a slot (by default, by room id); `t`: the language of the
    words drawn and of the day names.
    """
    lay = _Layout(timetable, event_name, rooms, width, max_height, t)
    if not timetable.days:
        return [lay.draw_page(None, t.gettext("No days yet"), [], 1, 1)]
    out = []
    for day in timetable.days:
        heading = day_title(day.date, day.label, t)
        lay.start_day(day)
        pages = lay.pages(day, heading)
        out += [lay.draw_page(day, heading, items, i, len(pages))
                for i, items in enumerate(pages, 1)]
    return out
