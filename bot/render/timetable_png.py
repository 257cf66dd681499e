"""The published timetable as PNG pictures, drawn with Pillow (no browser, no display).

Layout: days are columns (as many per picture as fit with readable lanes; more days give more
pictures), time runs down, rooms are lanes inside each day, breaks are hatched bands, and
session boxes are coloured by expected attendance. Coordinates are pixels from the top left,
and every picture comes with its layout (boxes, text as drawn, breaks), so tests and callers
can check what was drawn without reading pixels.

Pillow rather than matplotlib: on the project's 2-core machine matplotlib 3.11 needed ~2.7 ms
to lay out one string and 23 s for a five-day timetable; Pillow draws one in well under a
second, and its pixel coordinates are the layout data, with no transform in between.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw

from bot.event.models import PublishedDay, PublishedTimetable, RoomView, SlotView
from bot.render._fonts import font
from bot.render._text import wrap

WIDTH = 1400
MIN_LANE = 170          # narrower lanes cannot hold a readable title
MAX_BODY = 4200         # tallest timetable body; longer days get a smaller time scale
MARGIN, GUTTER, DAY_GAP, GAP, PAD = 20, 64, 14, 4, 7
TITLE_PX, SUB_PX, DAY_PX, ROOM_PX, TIME_PX = 28, 16, 20, 15, 15
BODY_PX, SMALL_PX, MIN_PX = 16, 14, 12
LINE = 1.25             # line height as a multiple of the font size
# ColorBrewer YlGnBu, 5 classes (4th darkened for 4.5:1 contrast with white text): light to
# dark, readable for colour-blind people.
PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2171b5", "#253494")
INK, MUTED, GRID, ROW_BG = "#1a1a1a", "#555555", "#d0d4d9", "#f1f3f5"
BREAK_BG, BREAK_HATCH, EDGE = "#e6e6e6", "#c4c4c4", "#5f6b75"

Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class DrawnBox:
    session_id: int
    title: str          # the session's full title
    text: str           # the title as drawn: wrapped lines, maybe ending in …
    ellipsised: bool
    bbox: Box           # x0, y0, x1, y1 in pixels, y down
    text_bbox: Box      # where the title's ink landed
    font_px: int
    fill: str
    ink: str
    day: date
    room_id: int


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
    days: tuple[date, ...]
    boxes: tuple[DrawnBox, ...]
    breaks: tuple[DrawnBreak, ...]
    legend: tuple[tuple[str, str], ...]   # (colour, attendance range)


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


def _minutes(t: datetime, tz: ZoneInfo) -> int:
    local = t.astimezone(tz)
    return local.hour * 60 + local.minute


def _span(s: SlotView, tz: ZoneInfo) -> tuple[int, int]:
    start = _minutes(s.start, tz)
    return start, start + max(1, round((s.end - s.start).total_seconds() / 60))


def _hhmm(m: int) -> str:
    return f"{m // 60 % 24:02d}:{m % 60:02d}"


def _day_label(d: PublishedDay) -> str:
    """"Monday 6 July"; an admin's own label ("Day 1") comes first when it adds something."""
    when = f"{d.date:%A} {d.date.day} {d.date:%B}"
    label = d.label.strip()
    return f"{label} · {when}" if label and label.casefold() not in when.casefold() else when


def _rooms(tt: PublishedTimetable, rooms: Sequence[RoomView] | None) -> list[tuple[int, str]]:
    found = {e.room_id: e.room_name for d in tt.days for ps in d.slots for e in ps.entries}
    listed = [(r.id, r.name) for r in rooms or ()]
    ids = {i for i, _ in listed}
    return (listed + sorted((i, n) for i, n in found.items() if i not in ids)) or [(0, "")]


def _pages(days: Sequence[PublishedDay], lanes: int, width: int) -> list[list[PublishedDay]]:
    usable = width - 2 * MARGIN - GUTTER
    per_page = max(1, min(len(days) or 1, (usable + DAY_GAP) // (lanes * MIN_LANE + DAY_GAP)))
    n_pages = max(1, math.ceil(len(days) / per_page))
    per_page = max(1, math.ceil(len(days) / n_pages))  # even pages: 3+3 rather than 4+2
    return [list(days[i:i + per_page]) for i in range(0, len(days), per_page)] or [[]]


# --------------------------------------------------------------------------------- canvas

class _Canvas:
    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.image = Image.new("RGB", (width, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self._widths: dict[tuple[str, int, bool], float] = {}

    def measure(self, text: str, px: int, bold: bool = False) -> float:
        key = (text, px, bold)
        if key not in self._widths:
            self._widths[key] = self.draw.textlength(text, font=font(px, bold))
        return self._widths[key]

    def fitted(self, text: str, width: float, px: int, bold: bool = False) -> str:
        lines, _ = wrap(text, width, 1, lambda t: self.measure(t, px, bold))
        return lines[0] if lines else ""

    def text(self, x: float, y: float, s: str, px: int, *, bold: bool = False,
             colour: str = INK, anchor: str = "la") -> Box:
        """Draw one line; `anchor` is Pillow's (la: left/ascender, ma: middle, mm: centre)."""
        f = font(px, bold)
        self.draw.text((x, y), s, font=f, fill=colour, anchor=anchor)
        return self.draw.textbbox((x, y), s, font=f, anchor=anchor) if s else (x, y, x, y)

    def hatch(self, box: Box) -> None:
        x0, y0, x1, y1 = (round(v) for v in box)
        w, h = x1 - x0, y1 - y0
        tile = Image.new("RGB", (max(1, w), max(1, h)), BREAK_BG)
        d = ImageDraw.Draw(tile)
        for k in range(-h, w, 14):
            d.line([(k, h), (k + h, 0)], fill=BREAK_HATCH, width=1)
        self.image.paste(tile, (x0, y0))
        self.draw.rectangle(box, outline="#bdbdbd")

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.image.save(buf, format="PNG", compress_level=6)
        return buf.getvalue()


def _fit_title(c: _Canvas, title: str, w: float, h: float) -> tuple[list[str], bool, int]:
    """The largest font (down to MIN_PX) at which the title fits; else the smallest, cut."""
    for px in (BODY_PX, SMALL_PX, MIN_PX):
        lines, cut = wrap(title, w, max(1, int(h // (px * LINE))),
                          lambda t, p=px: c.measure(t, p))
        if not cut or px == MIN_PX:
            return lines, cut, px
    raise AssertionError("unreachable")


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


# ----------------------------------------------------------------------------------- page

def _draw_page(tt: PublishedTimetable, days: list[PublishedDay], rooms: list[tuple[int, str]],
               heading: str, bins: list[tuple[int, int]], width: int) -> TimetablePicture:
    tz = ZoneInfo(tt.timezone)
    slots = [ps for d in days for ps in d.slots]
    spans = [_span(ps.slot, tz) for ps in slots]
    t0 = min((a for a, _ in spans), default=9 * 60)
    t1 = max((b for _, b in spans), default=t0 + 60)
    shortest = min((b - a for (a, b), ps in zip(spans, slots, strict=True)
                    if not ps.slot.is_break), default=45)
    scale = max(1.4, (4 * BODY_PX * LINE + 2 * PAD + GAP) / shortest)  # 3 lines and a note
    scale = min(scale, MAX_BODY / max(1, t1 - t0))
    legend_y = MARGIN + TITLE_PX * LINE + SUB_PX * LINE + 12
    header_y = legend_y + 40
    top = header_y + DAY_PX * LINE + ROOM_PX * LINE + 16
    height = int(top + (t1 - t0) * scale + MARGIN)
    c = _Canvas(width, height)

    def y(m: float) -> float:
        return top + (m - t0) * scale

    # Heading and legend.
    c.text(MARGIN, MARGIN, c.fitted(heading, width - 2 * MARGIN, TITLE_PX, True), TITLE_PX,
           bold=True)
    c.text(MARGIN, MARGIN + TITLE_PX * LINE + 2,
           f"Times in {tt.timezone} · schedule version {tt.version_id}", SUB_PX, colour=MUTED)
    x = MARGIN
    label = "Expected attendance:"
    c.text(x, legend_y + 3, label, SMALL_PX)
    x += c.measure(label, SMALL_PX) + 12
    legend = []
    for i, (lo, hi) in enumerate(bins):
        text = f"{lo}–{hi}" if i < len(bins) - 1 else f"{lo}+"
        c.draw.rectangle((x, legend_y, x + 26, legend_y + 22), fill=PALETTE[i], outline=EDGE)
        c.text(x + 33, legend_y + 3, text, SMALL_PX)
        x += 33 + c.measure(text, SMALL_PX) + 20
        legend.append((PALETTE[i], text))
    c.hatch((x, legend_y, x + 26, legend_y + 22))
    c.text(x + 33, legend_y + 3, "Break", SMALL_PX)

    # Time labels: the slot starts on this page, skipping any that would collide.
    last = -1e9
    for m in sorted({a for a, _ in spans}):
        if y(m) - last >= TIME_PX * 1.4:
            c.draw.line([(MARGIN + GUTTER - 6, y(m)), (width - MARGIN, y(m))], fill=GRID)
            c.text(MARGIN + GUTTER - 10, y(m) + 1, _hhmm(m), TIME_PX, colour=MUTED,
                   anchor="ra")
            last = y(m)

    n = max(1, len(days))
    col_w = (width - 2 * MARGIN - GUTTER - DAY_GAP * (n - 1)) / n
    lane_w = col_w / len(rooms)
    lane_of = {rid: i for i, (rid, _) in enumerate(rooms)}
    boxes: list[DrawnBox] = []
    breaks: list[DrawnBreak] = []
    for di, day in enumerate(days):
        x0 = MARGIN + GUTTER + di * (col_w + DAY_GAP)
        c.text(x0 + col_w / 2, header_y, c.fitted(_day_label(day), col_w - 8, DAY_PX, True),
               DAY_PX, bold=True, anchor="ma")
        for ri, (_, name) in enumerate(rooms):
            c.text(x0 + (ri + 0.5) * lane_w, header_y + DAY_PX * LINE + 4,
                   c.fitted(name, lane_w - 6, ROOM_PX, True), ROOM_PX, bold=True,
                   colour=MUTED, anchor="ma")
        for ps in day.slots:
            a, b = _span(ps.slot, tz)
            ya, yb = y(a) + GAP / 2, y(b) - GAP / 2
            if ps.slot.is_break:
                bbox = (x0, ya, x0 + col_w, yb)
                c.hatch(bbox)
                label = c.fitted(f"{ps.slot.label or 'Break'} · {_hhmm(a)}–{_hhmm(b)}",
                                 col_w - 2 * PAD, SMALL_PX, True)
                px = max(8, min(SMALL_PX, int(yb - ya) - 4))
                w = c.measure(label, px, True)
                mid = (x0 + col_w / 2, (ya + yb) / 2)
                c.draw.rectangle((mid[0] - w / 2 - 6, mid[1] - px * 0.7, mid[0] + w / 2 + 6,
                                  mid[1] + px * 0.7), fill=BREAK_BG)
                c.text(*mid, label, px, bold=True, colour="#333333", anchor="mm")
                breaks.append(DrawnBreak(ps.slot.id, label, bbox))
                continue
            c.draw.rectangle((x0, ya, x0 + col_w, yb), fill=ROW_BG)
            for e in ps.entries:
                boxes.append(_draw_session(c, e, x0 + lane_of.get(e.room_id, 0) * lane_w,
                                           lane_w, ya, yb, bins, day.date))
    return TimetablePicture(c.png(), width, height, tuple(d.date for d in days), tuple(boxes),
                            tuple(breaks), tuple(legend))


def _draw_session(c: _Canvas, e, lx: float, lane_w: float, ya: float, yb: float,
                  bins: list[tuple[int, int]], day: date) -> DrawnBox:
    bbox = (lx + GAP / 2, ya, lx + lane_w - GAP / 2, yb)
    fill = _colour(e.expected_attendance, bins)
    ink = ink_for(fill)
    c.draw.rounded_rectangle(bbox, radius=5, fill=fill, outline=EDGE)
    inner_w = bbox[2] - bbox[0] - 2 * PAD
    inner_h = bbox[3] - bbox[1] - 2 * PAD
    lines, cut, px = _fit_title(c, e.title, inner_w, inner_h)
    inks = [c.text(bbox[0] + PAD, bbox[1] + PAD + i * px * LINE, line, px, colour=ink)
            for i, line in enumerate(lines)]
    note = f"≈{e.expected_attendance} expected"
    if (inner_h - len(lines) * px * LINE >= SMALL_PX * LINE + 2
            and c.measure(note, SMALL_PX) <= inner_w):
        c.text(bbox[0] + PAD, bbox[3] - PAD, note, SMALL_PX, colour=ink, anchor="ld")
    return DrawnBox(e.session_id, e.title, "\n".join(lines), cut, bbox,
                    _union(inks) if inks else bbox, px, fill, ink, day, e.room_id)


def render_timetable(timetable: PublishedTimetable, *, event_name: str = "",
                     rooms: Sequence[RoomView] | None = None,
                     width: int = WIDTH) -> list[TimetablePicture]:
    """One picture per group of days (in order); several when the days do not fit side by side.

    `rooms` fixes the lane order and shows empty rooms; by default the lanes are the rooms
    that hold a session, by id.
    """
    lanes = _rooms(timetable, rooms)
    top = max((e.expected_attendance for d in timetable.days for ps in d.slots
               for e in ps.entries), default=0)
    bins = legend_bins(top)
    pages = _pages(timetable.days, len(lanes), width)
    name = event_name or "Timetable"
    return [_draw_page(timetable, days, lanes,
                       name if len(pages) == 1 else f"{name} ({i + 1}/{len(pages)})", bins, width)
            for i, days in enumerate(pages)]
