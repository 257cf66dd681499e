"""The timetable picture: a PNG of sensible size that shows every placed session and break."""

from __future__ import annotations

import itertools
import struct

import pytest

from bot.event.models import PublishedTimetable
from bot.render._text import ELLIPSIS
from bot.render.timetable_png import (
    MIN_PX,
    PALETTE,
    WIDTH,
    TimetablePicture,
    contrast,
    ink_for,
    render_timetable,
)
from tests.bot.timetables import build

DISCORD_LIMIT = 10 * 1024 * 1024
ODD_TITLES = [
    "Live patching the hypervisor without downtime: what we learnt in five years of doing it",
    "日本語のセッション：ハイパーバイザー",
    "Emoji 🚀🔥 party 👩‍💻",
    "Prices in $5 and $10 (no maths here) with a_b^c",
    "x",
    "Pneumonoultramicroscopicsilicovolcanoconiosis " * 12,
    "Line one\nline two\ttabbed",
]


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def _squash(text: str) -> str:
    return "".join(text.split())


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _check_page(pic: TimetablePicture) -> None:
    assert _size(pic.png) == (pic.width, pic.height)
    assert pic.width == WIDTH and 300 <= pic.height <= 5000
    assert len(pic.png) < DISCORD_LIMIT
    for box in pic.boxes:
        x0, y0, x1, y1 = box.bbox
        assert 0 <= x0 < x1 <= pic.width and 0 <= y0 < y1 <= pic.height
        tx0, ty0, tx1, ty1 = box.text_bbox  # the ink stays inside its box
        assert x0 <= tx0 and tx1 <= x1 + 1 and y0 <= ty0 and ty1 <= y1 + 1, box
        assert box.font_px >= MIN_PX
        assert box.text.strip(), box
        shown = _squash(box.text.removesuffix(ELLIPSIS))
        assert _squash(box.title).startswith(shown)
        assert box.ellipsised == box.text.endswith(ELLIPSIS)
        if not box.ellipsised:
            assert shown == _squash(box.title)
    for a, b in itertools.combinations([*pic.boxes, *pic.breaks], 2):
        assert not _overlap(a.bbox, b.bbox), (a, b)


def _placed(tt: PublishedTimetable) -> dict[int, str]:
    return {e.session_id: e.title for d in tt.days for ps in d.slots for e in ps.entries}


def test_small_timetable_one_picture_with_every_session_and_break():
    tt = build(days=2, slots_per_day=4, rooms=3)
    [pic] = render_timetable(tt, event_name="Test camp")
    _check_page(pic)
    assert {b.session_id: b.title for b in pic.boxes} == _placed(tt)
    assert len(pic.boxes) == len(_placed(tt))
    assert pic.days == tuple(d.date for d in tt.days)
    breaks = [ps.slot for d in tt.days for ps in d.slots if ps.slot.is_break]
    assert [b.slot_id for b in pic.breaks] == [s.id for s in breaks]
    assert all(b.label.startswith("Coffee") for b in pic.breaks)
    assert not any(b.ellipsised for b in pic.boxes)  # "Session N" fits a lane
    # Boxes of a day sit in its column, left to right by room.
    monday = sorted((b for b in pic.boxes if b.day == tt.days[0].date), key=lambda b: b.bbox[0])
    tuesday = [b for b in pic.boxes if b.day == tt.days[1].date]
    assert max(b.bbox[2] for b in monday) < min(b.bbox[0] for b in tuesday)


def test_colours_follow_attendance_and_text_is_readable():
    tt = build(days=1, slots_per_day=6, rooms=5)
    [pic] = render_timetable(tt)
    by_attendance = sorted(pic.boxes, key=lambda b: next(
        e.expected_attendance for d in tt.days for ps in d.slots for e in ps.entries
        if e.session_id == b.session_id))
    ranks = [PALETTE.index(b.fill) for b in by_attendance]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
    assert [colour for colour, _ in pic.legend] == list(PALETTE[:len(pic.legend)])
    for colour in PALETTE:
        assert contrast(colour, ink_for(colour)) >= 4.5
    assert all(b.ink == ink_for(b.fill) for b in pic.boxes)


def test_odd_titles_do_not_crash_and_are_drawn_or_ellipsised():
    tt = build(days=1, slots_per_day=3, rooms=5,
               title=lambda sid: ODD_TITLES[sid % len(ODD_TITLES)] + f" #{sid}")
    [pic] = render_timetable(tt, event_name="Ünïcødé camp 🚀 $x$")
    _check_page(pic)
    assert len(pic.boxes) == 15
    long = [b for b in pic.boxes if b.title.startswith("Pneumono")]
    assert long and all(b.ellipsised for b in long)
    dollars = [b for b in pic.boxes if b.title.startswith("Prices")]
    assert dollars and all("$5" in b.text for b in dollars)


def test_empty_timetable_still_renders():
    [pic] = render_timetable(PublishedTimetable(1, "UTC", ()))
    assert _size(pic.png) == (pic.width, pic.height) and pic.boxes == () and pic.breaks == ()


@pytest.fixture(scope="module")
def big() -> tuple[PublishedTimetable, list[TimetablePicture]]:
    """Five days of twelve slots in five rooms: 300 sessions (rendered once for all tests)."""
    tt = build(days=5, slots_per_day=12, rooms=5,
               title=lambda sid: ODD_TITLES[sid % len(ODD_TITLES)])
    return tt, render_timetable(tt, event_name="Big camp")


def test_big_timetable_splits_into_pictures_under_discord_limits(big):
    tt, pics = big
    assert 2 <= len(pics) <= 5
    assert [d for p in pics for d in p.days] == [d.date for d in tt.days]
    seen = [b.session_id for p in pics for b in p.boxes]
    assert sorted(seen) == sorted(_placed(tt)) and len(seen) == 300
    assert sum(len(p.breaks) for p in pics) == 5
    for pic in pics:
        _check_page(pic)


def test_given_rooms_fix_lane_order_and_show_empty_rooms():
    from bot.event.models import RoomView

    tt = build(days=1, slots_per_day=2, rooms=2)
    rooms = [RoomView(2, "Workshop room", 25, None, None), RoomView(9, "Empty", 5, None, None),
             RoomView(1, "Main hall", 80, None, None)]
    [pic] = render_timetable(tt, rooms=rooms)
    _check_page(pic)
    lefts = {b.room_id: b.bbox[0] for b in pic.boxes}
    assert lefts[2] < lefts[1]  # the order given, not by id
    assert lefts[1] - lefts[2] > 1.5 * (pic.boxes[0].bbox[2] - pic.boxes[0].bbox[0])  # a gap lane


def test_without_dejavu_pillows_own_font_is_used(monkeypatch):
    from bot.render import _fonts

    _fonts.font.cache_clear()
    monkeypatch.setattr(_fonts, "font_file", lambda bold: None)
    try:
        [pic] = render_timetable(build(days=1, slots_per_day=2, rooms=2))
        _check_page(pic)
    finally:
        _fonts.font.cache_clear()
